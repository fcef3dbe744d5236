import { lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBerthError, kindOf } from '@berth/errdefs';
import { constants, errnoOf, mknod, whiteout } from './index.js';

const isRoot = process.getuid?.() === 0;

describe('mknod', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-native-mknod-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!isRoot)('creates a character device 0:0', () => {
    const path = join(dir, 'dev');
    mknod(path, constants.S_IFCHR | 0o600, 0, 0);
    const st = lstatSync(path);
    expect(st.isCharacterDevice()).toBe(true);
    expect(st.rdev).toBe(0);
  });

  it.skipIf(!isRoot)('encodes major and minor with makedev', () => {
    const path = join(dir, 'null');
    mknod(path, constants.S_IFCHR | 0o666, 1, 3);
    const st = lstatSync(path);
    expect(st.isCharacterDevice()).toBe(true);
    expect(st.rdev).toBe(lstatSync('/dev/null').rdev);
  });

  it.skipIf(!isRoot)('creates an overlay whiteout with whiteout()', () => {
    const path = join(dir, 'gone');
    whiteout(path);
    const st = lstatSync(path);
    expect(st.isCharacterDevice()).toBe(true);
    expect(st.rdev).toBe(0);
    expect(st.mode & 0o7777).toBe(0);
  });

  it('creates a FIFO', () => {
    const path = join(dir, 'fifo');
    mknod(path, constants.S_IFIFO | 0o600, 0, 0);
    expect(lstatSync(path).isFIFO()).toBe(true);
  });

  it('throws NotFound with errno ENOENT in a missing directory', () => {
    const path = join(dir, 'missing', 'fifo');
    let err: unknown;
    try {
      mknod(path, constants.S_IFIFO | 0o600, 0, 0);
    } catch (e) {
      err = e;
    }
    expect(isBerthError(err)).toBe(true);
    expect(kindOf(err)).toBe('NotFound');
    expect(errnoOf(err)).toBe('ENOENT');
    expect((err as Error).message).toBe(`mknod ${path}: No such file or directory`);
    expect((err as Error).cause).toMatchObject({ code: 'ENOENT', errno: 2, syscall: 'mknod', path });
  });

  it('throws AlreadyExists when the path exists', () => {
    const path = join(dir, 'file');
    writeFileSync(path, '');
    expect(() => mknod(path, constants.S_IFIFO | 0o600, 0, 0)).toThrow(
      expect.objectContaining({ kind: 'AlreadyExists' }),
    );
  });

  it('throws a plain TypeError for a bad argument', () => {
    const call = () => mknod(join(dir, 'x'), 'fifo' as unknown as number, 0, 0);
    expect(call).toThrow(TypeError);
    expect(call).toThrow('mode must be a number');
  });

  it('refuses a path with a NUL byte instead of truncating it', () => {
    expect(() => mknod(join(dir, 'a\0b'), constants.S_IFIFO, 0, 0)).toThrow(
      'path must be a string without null bytes',
    );
  });
});
