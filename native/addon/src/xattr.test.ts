import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import {
  OVERLAY_OPAQUE_XATTR,
  constants,
  errnoOf,
  lgetxattr,
  llistxattr,
  lremovexattr,
  lsetxattr,
} from './index.js';

const isRoot = process.getuid?.() === 0;

/** Returns the error `fn` throws (fails the test if it does not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('xattrs', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-native-xattr-'));
    file = join(dir, 'file');
    writeFileSync(file, 'data');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sets, gets, lists and removes a user. xattr', () => {
    lsetxattr(file, 'user.berth.test', Buffer.from('hello'));
    expect(lgetxattr(file, 'user.berth.test')).toEqual(Buffer.from('hello'));
    expect(llistxattr(file)).toContain('user.berth.test');
    lremovexattr(file, 'user.berth.test');
    expect(lgetxattr(file, 'user.berth.test')).toBeUndefined();
    expect(llistxattr(file)).not.toContain('user.berth.test');
  });

  it('returns undefined for a missing xattr', () => {
    expect(lgetxattr(file, 'user.berth.absent')).toBeUndefined();
  });

  it('keeps empty and binary values exactly', () => {
    const binary = Buffer.from([0, 1, 255, 0]);
    lsetxattr(file, 'user.empty', Buffer.alloc(0));
    lsetxattr(file, 'user.binary', new Uint8Array(binary));
    expect(lgetxattr(file, 'user.empty')).toEqual(Buffer.alloc(0));
    expect(lgetxattr(file, 'user.binary')).toEqual(binary);
    expect(llistxattr(file)).toEqual(expect.arrayContaining(['user.binary', 'user.empty']));
  });

  it('honours XATTR_CREATE and XATTR_REPLACE', () => {
    const name = 'user.flags';
    const replace = thrown(() => lsetxattr(file, name, Buffer.from('a'), constants.XATTR_REPLACE));
    expect(errnoOf(replace)).toBe('ENODATA');
    expect(kindOf(replace)).toBe('Internal');
    lsetxattr(file, name, Buffer.from('a'), constants.XATTR_CREATE);
    const create = thrown(() => lsetxattr(file, name, Buffer.from('b'), constants.XATTR_CREATE));
    expect(kindOf(create)).toBe('AlreadyExists');
    lsetxattr(file, name, Buffer.from('c'), constants.XATTR_REPLACE);
    expect(lgetxattr(file, name)?.toString()).toBe('c');
  });

  it('acts on a symlink itself, not its target', () => {
    const link = join(dir, 'link');
    symlinkSync(file, link);
    lsetxattr(file, 'user.on-target', Buffer.from('t'));
    expect(lgetxattr(link, 'user.on-target')).toBeUndefined();
    expect(llistxattr(link)).not.toContain('user.on-target');
    // The kernel allows user.* only on files and directories: a following setxattr would
    // have succeeded on the target instead.
    const err = thrown(() => lsetxattr(link, 'user.on-link', Buffer.from('l')));
    expect(kindOf(err)).toBe('PermissionDenied');
    expect(errnoOf(err)).toBe('EPERM');
    expect(lgetxattr(file, 'user.on-link')).toBeUndefined();
  });

  it('throws NotFound for a missing path', () => {
    const missing = join(dir, 'missing');
    for (const fn of [
      () => lgetxattr(missing, 'user.x'),
      () => llistxattr(missing),
      () => lsetxattr(missing, 'user.x', Buffer.from('x')),
      () => lremovexattr(missing, 'user.x'),
    ]) {
      const err = thrown(fn);
      expect(kindOf(err)).toBe('NotFound');
      expect(errnoOf(err)).toBe('ENOENT');
    }
  });

  it.skipIf(!isRoot)('sets, gets, lists and removes trusted.overlay.opaque', () => {
    lsetxattr(dir, OVERLAY_OPAQUE_XATTR, Buffer.from('y'));
    expect(lgetxattr(dir, OVERLAY_OPAQUE_XATTR)?.toString()).toBe('y');
    expect(llistxattr(dir)).toContain(OVERLAY_OPAQUE_XATTR);
    lremovexattr(dir, OVERLAY_OPAQUE_XATTR);
    expect(lgetxattr(dir, OVERLAY_OPAQUE_XATTR)).toBeUndefined();
    expect(llistxattr(dir)).not.toContain(OVERLAY_OPAQUE_XATTR);
  });

  it.skipIf(!isRoot)('sets trusted. xattrs on the symlink itself', () => {
    const link = join(dir, 'link');
    symlinkSync(file, link);
    lsetxattr(link, OVERLAY_OPAQUE_XATTR, Buffer.from('y'));
    expect(lgetxattr(link, OVERLAY_OPAQUE_XATTR)?.toString()).toBe('y');
    expect(llistxattr(link)).toContain(OVERLAY_OPAQUE_XATTR);
    expect(lgetxattr(file, OVERLAY_OPAQUE_XATTR)).toBeUndefined();
    expect(llistxattr(file)).not.toContain(OVERLAY_OPAQUE_XATTR);
  });
});
