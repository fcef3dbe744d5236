import { mkdirSync, symlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import { cleanEntryName, secureJoin } from './path.js';
import { rm, tempDir } from '../test/helpers.js';

describe('cleanEntryName', () => {
  it.each([
    ['a/b', 'a/b'],
    ['./a/b', 'a/b'],
    ['/a/b', 'a/b'],
    ['a//b/', 'a/b'],
    ['a/./b', 'a/b'],
    ['a/x/../b', 'a/b'],
    ['./', ''],
    ['.', ''],
    ['/', ''],
    ['a/..', ''],
    ['..a/b..', '..a/b..'],
    ['.wh..wh..opq', '.wh..wh..opq'],
  ])('cleans %j to %j', (name, want) => {
    expect(cleanEntryName(name)).toBe(want);
  });

  it.each(['..', '../x', 'a/../../x', './../x', '/../x', 'a/b/../../../x'])(
    'refuses %j with InvalidArgument (path escapes from parent)',
    (name) => {
      let err: unknown;
      try {
        cleanEntryName(name);
      } catch (e) {
        err = e;
      }
      expect(isInvalidArgument(err)).toBe(true);
      expect((err as Error).message).toContain(JSON.stringify(name));
      expect((err as Error).message).toContain('escapes');
    },
  );

  it('refuses NUL bytes', () => {
    expect(() => cleanEntryName('a\0b')).toThrow(/NUL/);
  });
});

describe('secureJoin', () => {
  let root: string;
  let base: string;
  beforeAll(() => {
    base = tempDir();
    root = `${base}/root`;
    mkdirSync(`${root}/etc/sub`, { recursive: true });
    mkdirSync(`${root}/real`);
    symlinkSync('/etc', `${root}/abs`); // absolute: must restart at root
    symlinkSync('../../../..', `${root}/up`); // climbs: clamps at root
    symlinkSync('real', `${root}/rel`);
    symlinkSync('rel', `${root}/chain`);
    symlinkSync('loop2', `${root}/loop1`);
    symlinkSync('loop1', `${root}/loop2`);
    symlinkSync('/etc/sub/../../real', `${root}/mixed`);
    symlinkSync('self/x', `${root}/self`);
  });
  afterAll(() => rm(base));

  it.each([
    ['abs/passwd', 'etc/passwd'],
    ['abs', 'etc'],
    ['up/x', 'x'],
    ['up/up/etc', 'etc'],
    ['rel/x', 'real/x'],
    ['chain/x', 'real/x'],
    ['mixed/f', 'real/f'],
    ['missing/a/b', 'missing/a/b'],
    ['missing/../abs/x', 'etc/x'],
    ['../../x', 'x'],
    ['/etc/sub', 'etc/sub'],
    ['', ''],
  ])('resolves %j inside the root to %j', (p, want) => {
    expect(secureJoin(root, p)).toBe(want === '' ? root : `${root}/${want}`);
  });

  it('fails a symlink loop with InvalidArgument', () => {
    expect(() => secureJoin(root, 'loop1/x')).toThrow(/too many levels of symbolic links/);
    let err: unknown;
    try {
      secureJoin(root, 'self');
    } catch (e) {
      err = e;
    }
    expect(isInvalidArgument(err)).toBe(true);
  });
});
