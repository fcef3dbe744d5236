import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OVERLAY_OPAQUE_XATTR, lgetxattr, mount, umount2 } from '@berth/native';
import { isInvalidArgument } from '@berth/errdefs';
import { apply, isRoot, pack, rm, tempDir, type FixtureEntry } from '../test/helpers.js';

const ls = (dir: string) => readdirSync(dir).sort();
const isWhiteout = (p: string) => {
  const st = lstatSync(p);
  return st.isCharacterDevice() && st.rdev === 0;
};

/** A lower tree: a/{f1,f2}, b/c/d, o/{old1,sub/old2}, keep. */
function lowerTree(root: string): void {
  mkdirSync(`${root}/a`, { recursive: true });
  mkdirSync(`${root}/b/c`, { recursive: true });
  mkdirSync(`${root}/o/sub`, { recursive: true });
  for (const f of ['a/f1', 'a/f2', 'b/c/d', 'o/old1', 'o/sub/old2', 'keep']) writeFileSync(`${root}/${f}`, f);
}

const whiteoutLayer: FixtureEntry[] = [
  { name: 'a/', type: 'directory' },
  { name: 'a/.wh.f1' },
  { name: '.wh.b' },
  { name: '.wh.never-existed' },
];

describe.skipIf(!isRoot)('whiteouts (needs root: whiteout devices, trusted xattrs, mount)', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => rm(tmp));

  it("'remove' deletes the whited-out names and nothing else", async () => {
    const root = `${tmp}/root`;
    lowerTree(root);
    await apply(await pack(whiteoutLayer), root, { whiteouts: 'remove' });
    expect(ls(root)).toEqual(['a', 'keep', 'o']);
    expect(ls(`${root}/a`)).toEqual(['f2']);
  });

  it("'overlay' turns .wh.<name> into a 0:0 char device and writes no .wh. file", async () => {
    const upper = `${tmp}/upper`;
    mkdirSync(upper);
    await apply(await pack(whiteoutLayer), upper, { whiteouts: 'overlay' });
    expect(ls(upper)).toEqual(['a', 'b', 'never-existed']);
    expect(ls(`${upper}/a`)).toEqual(['f1']);
    expect(isWhiteout(`${upper}/a/f1`)).toBe(true);
    expect(isWhiteout(`${upper}/b`)).toBe(true);
    expect(lstatSync(`${upper}/b`).mode & 0o7777).toBe(0);
  });

  it("'overlay' replaces a name the same layer created", async () => {
    const upper = `${tmp}/upper`;
    mkdirSync(upper);
    await apply(
      await pack([{ name: 'x/', type: 'directory' }, { name: 'x/y', content: 'y' }, { name: '.wh.x' }]),
      upper,
      {
        whiteouts: 'overlay',
      },
    );
    expect(isWhiteout(`${upper}/x`)).toBe(true);
  });

  it.each([
    ['opaque marker first', ['o/', 'o/.wh..wh..opq', 'o/new', 'o/sub/', 'o/sub/new2']],
    ['opaque marker last', ['o/', 'o/new', 'o/sub/', 'o/sub/new2', 'o/.wh..wh..opq']],
  ])("'remove' empties an opaque dir of lower entries only (%s)", async (_what, names) => {
    const root = `${tmp}/root`;
    lowerTree(root);
    const entries = names.map((name): FixtureEntry =>
      name.endsWith('/') ? { name, type: 'directory' } : { name },
    );
    await apply(await pack(entries), root, { whiteouts: 'remove' });
    expect(ls(`${root}/o`)).toEqual(['new', 'sub']);
    expect(ls(`${root}/o/sub`)).toEqual(['new2']);
    expect(ls(root)).toEqual(['a', 'b', 'keep', 'o']);
  });

  it("'overlay' marks an opaque dir with trusted.overlay.opaque=y, creating it if needed", async () => {
    const upper = `${tmp}/upper`;
    mkdirSync(upper);
    await apply(
      await pack([
        { name: 'o/', type: 'directory' },
        { name: 'o/.wh..wh..opq' },
        { name: 'o/new' },
        { name: 'p/.wh..wh..opq' },
      ]),
      upper,
      { whiteouts: 'overlay' },
    );
    expect(ls(`${upper}/o`)).toEqual(['new']);
    expect(lgetxattr(`${upper}/o`, OVERLAY_OPAQUE_XATTR)?.toString()).toBe('y');
    expect(lgetxattr(`${upper}/p`, OVERLAY_OPAQUE_XATTR)?.toString()).toBe('y');
  });

  it('skips AUFS metadata (.wh..wh.plnk and other .wh..wh.* names)', async () => {
    const root = `${tmp}/root`;
    mkdirSync(root);
    await apply(
      await pack([
        { name: '.wh..wh.plnk/', type: 'directory' },
        { name: '.wh..wh.plnk/123.456', content: 'x' },
        { name: 'd/', type: 'directory' },
        { name: 'd/.wh..wh.aufs' },
      ]),
      root,
      { whiteouts: 'overlay' },
    );
    expect(ls(root)).toEqual(['d']);
    expect(ls(`${root}/d`)).toEqual([]);
  });

  it.each(['.wh.', 'a/.wh..', 'a/.wh...'])('refuses the whiteout name %j', async (name) => {
    const root = `${tmp}/root`;
    lowerTree(root);
    const err = await apply(await pack([{ name }]), root, { whiteouts: 'remove' }).catch((e: unknown) => e);
    expect(isInvalidArgument(err)).toBe(true);
    expect(ls(root)).toEqual(['a', 'b', 'keep', 'o']);
  });

  it('gives the expected merged view when mounted as overlayfs', async () => {
    const lower = `${tmp}/lower`;
    const upper = `${tmp}/upper`;
    const work = `${tmp}/work`;
    const merged = `${tmp}/merged`;
    for (const d of [lower, upper, work, merged]) mkdirSync(d);
    await apply(
      await pack([
        { name: 'a/', type: 'directory' },
        { name: 'a/f1', content: 'f1' },
        { name: 'a/f2', content: 'f2' },
        { name: 'o/', type: 'directory' },
        { name: 'o/old', content: 'old' },
        { name: 'gone', content: 'gone' },
      ]),
      lower,
      { whiteouts: 'remove' },
    );
    await apply(
      await pack([
        { name: 'a/', type: 'directory' },
        { name: 'a/.wh.f1' },
        { name: '.wh.gone' },
        { name: 'o/', type: 'directory' },
        { name: 'o/.wh..wh..opq' },
        { name: 'o/new', content: 'new' },
      ]),
      upper,
      { whiteouts: 'overlay' },
    );
    mount('overlay', merged, 'overlay', 0, `lowerdir=${lower},upperdir=${upper},workdir=${work}`);
    try {
      expect(ls(merged)).toEqual(['a', 'o']);
      expect(ls(`${merged}/a`)).toEqual(['f2']);
      expect(ls(`${merged}/o`)).toEqual(['new']);
      expect(readFileSync(`${merged}/o/new`, 'utf8')).toBe('new');
      expect(existsSync(`${merged}/gone`)).toBe(false);
    } finally {
      umount2(merged);
    }
  });
});
