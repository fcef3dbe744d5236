import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import { constants, errnoOf, mount, umount2 } from './index.js';

const isRoot = process.getuid?.() === 0;

/** Lazily unmounts `target`, ignoring "not mounted" (EINVAL): for finally blocks. */
function unmountQuietly(target: string): void {
  try {
    umount2(target, constants.MNT_DETACH);
  } catch (err) {
    if (errnoOf(err) !== 'EINVAL') throw err;
  }
}

/** Returns whether `target` is a mount point, per /proc/self/mountinfo. */
function isMountPoint(target: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === target);
}

describe('mount', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-native-mount-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!isRoot)('mounts a tmpfs and detaches it with MNT_DETACH', () => {
    const target = join(dir, 'tmpfs');
    mkdirSync(target);
    try {
      mount('tmpfs', target, 'tmpfs', constants.MS_NOSUID | constants.MS_NODEV, 'size=1m,mode=0755');
      expect(isMountPoint(target)).toBe(true);
      writeFileSync(join(target, 'file'), 'on tmpfs');
      expect(readFileSync(join(target, 'file'), 'utf8')).toBe('on tmpfs');
      umount2(target, constants.MNT_DETACH);
      expect(isMountPoint(target)).toBe(false);
      expect(existsSync(join(target, 'file'))).toBe(false);
    } finally {
      unmountQuietly(target);
    }
  });

  it.skipIf(!isRoot)('makes a read-only bind mount: writes fail with EROFS', () => {
    const source = join(dir, 'source');
    const target = join(dir, 'target');
    mkdirSync(source);
    mkdirSync(target);
    writeFileSync(join(source, 'file'), 'original');
    try {
      mount(source, target, null, constants.MS_BIND, null);
      mount(null, target, null, constants.MS_REMOUNT | constants.MS_BIND | constants.MS_RDONLY, null);
      expect(readFileSync(join(target, 'file'), 'utf8')).toBe('original');
      let err: unknown;
      try {
        writeFileSync(join(target, 'file'), 'changed');
      } catch (e) {
        err = e;
      }
      expect(errnoOf(err)).toBe('EROFS');
      writeFileSync(join(source, 'file'), 'changed through the source');
      expect(readFileSync(join(target, 'file'), 'utf8')).toBe('changed through the source');
    } finally {
      unmountQuietly(target);
    }
    expect(isMountPoint(target)).toBe(false);
  });

  it.skipIf(!isRoot)('throws NotFound for a missing target', () => {
    const target = join(dir, 'missing');
    let err: unknown;
    try {
      mount('tmpfs', target, 'tmpfs', 0, null);
    } catch (e) {
      err = e;
    }
    expect(kindOf(err)).toBe('NotFound');
    expect((err as Error).message).toBe(`mount ${target}: No such file or directory`);
  });

  it.skipIf(!isRoot)('umount2 of a directory that is not a mount point fails with EINVAL', () => {
    let err: unknown;
    try {
      umount2(dir);
    } catch (e) {
      err = e;
    }
    expect(kindOf(err)).toBe('Internal');
    expect(errnoOf(err)).toBe('EINVAL');
  });

  it.skipIf(isRoot)('throws PermissionDenied without CAP_SYS_ADMIN', () => {
    expect(() => mount('tmpfs', dir, 'tmpfs', 0, null)).toThrow(
      expect.objectContaining({ kind: 'PermissionDenied' }),
    );
  });
});
