import { chmodSync, chownSync, linkSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { constants, lsetxattr, mknod, OVERLAY_OPAQUE_XATTR, whiteout } from '@berth/native';
import { writeLayerFromUpper } from './upper.js';
import {
  apply,
  collect,
  diffSnapshots,
  isRoot,
  pack,
  parseTar,
  rm,
  sh,
  sha256,
  snapshot,
  tempDir,
} from '../test/helpers.js';

/** An overlay-style upper dir with whiteouts, an opaque dir, hardlinks and xattrs. */
function buildUpper(upper: string): void {
  mkdirSync(`${upper}/etc/opaque`, { recursive: true });
  writeFileSync(`${upper}/etc/hosts`, '127.0.0.1 x\n');
  writeFileSync(`${upper}/etc/opaque/only`, 'only\n');
  lsetxattr(`${upper}/etc/opaque`, OVERLAY_OPAQUE_XATTR, Buffer.from('y'));
  lsetxattr(`${upper}/etc/hosts`, 'user.origin', Buffer.from('test'));
  lsetxattr(`${upper}/etc/hosts`, 'trusted.overlay.origin', Buffer.from('opaque-handle'));
  whiteout(`${upper}/etc/deleted`);
  whiteout(`${upper}/gone`);
  linkSync(`${upper}/etc/hosts`, `${upper}/hosts-link`);
  symlinkSync('etc/hosts', `${upper}/sym`);
  mknod(`${upper}/fifo`, constants.S_IFIFO | 0o600, 0, 0);
  mknod(`${upper}/tty`, constants.S_IFCHR | 0o620, 5, 0);
  chownSync(`${upper}/etc/hosts`, 33, 44);
  chmodSync(`${upper}/etc/opaque`, 0o1750);
  for (const p of ['etc/hosts', 'etc/opaque/only', 'fifo', 'tty', 'etc/opaque', 'etc']) {
    utimesSync(`${upper}/${p}`, 1_700_000_000, 1_700_000_000.9);
  }
}

describe.skipIf(!isRoot)('writeLayerFromUpper (needs root: whiteouts, trusted xattrs)', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => rm(tmp));

  it('writes sorted entries, .wh. markers, the opaque marker after its dir, hardlinks and xattrs', async () => {
    const upper = `${tmp}/upper`;
    mkdirSync(upper);
    buildUpper(upper);
    const entries = await parseTar(writeLayerFromUpper(upper));
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ['etc/', 'directory'],
      ['etc/.wh.deleted', 'file'],
      ['etc/hosts', 'file'],
      ['etc/opaque/', 'directory'],
      ['etc/opaque/.wh..wh..opq', 'file'],
      ['etc/opaque/only', 'file'],
      ['fifo', 'fifo'],
      ['.wh.gone', 'file'],
      ['hosts-link', 'link'],
      ['sym', 'symlink'],
      ['tty', 'character-device'],
    ]);
    const by = new Map(entries.map((e) => [e.name, e]));
    expect(by.get('etc/hosts')).toMatchObject({
      uid: 33,
      gid: 44,
      mode: 0o644,
      mtime: 1_700_000_000,
      size: 12,
    });
    expect(by.get('etc/hosts')!.data.toString()).toBe('127.0.0.1 x\n');
    expect(by.get('etc/hosts')!.pax).toEqual({ 'SCHILY.xattr.user.origin': 'test' });
    expect(by.get('etc/opaque/')).toMatchObject({ mode: 0o1750 });
    expect(by.get('etc/opaque/')!.pax).toBeNull(); // trusted.overlay.opaque is not copied
    expect(by.get('hosts-link')).toMatchObject({ linkname: 'etc/hosts', size: 0 });
    expect(by.get('sym')).toMatchObject({ linkname: 'etc/hosts' });
    expect(by.get('.wh.gone')).toMatchObject({ size: 0 });
  });

  it('is deterministic and readable by GNU tar', async () => {
    const upper = `${tmp}/upper`;
    mkdirSync(upper);
    buildUpper(upper);
    const a = await collect(writeLayerFromUpper(upper));
    const b = await collect(writeLayerFromUpper(upper));
    expect(sha256(a)).toBe(sha256(b));
    expect(a.length % 512).toBe(0);
    writeFileSync(`${tmp}/l.tar`, a);
    const listing = sh('tar', ['-tvf', `${tmp}/l.tar`]);
    expect(listing).toContain('etc/opaque/.wh..wh..opq');
    expect(listing).toMatch(/hosts-link link to etc\/hosts/);
  });

  it('round-trips through applyLayer (overlay mode) to the same upper dir', async () => {
    const upper = `${tmp}/upper`;
    mkdirSync(upper);
    buildUpper(upper);
    const layer = await collect(writeLayerFromUpper(upper));
    const again = `${tmp}/again`;
    mkdirSync(again);
    await apply(layer, again, { whiteouts: 'overlay' });
    expect(
      diffSnapshots(snapshot(upper), snapshot(again), {
        truncateMtime: true,
        ignoreXattrs: /^trusted\.overlay\.origin$/,
      }),
    ).toEqual([]);
    // And once more: the layer of the re-applied tree is byte-identical.
    expect(sha256(await collect(writeLayerFromUpper(again)))).toBe(sha256(layer));
  });

  it('round-trips long names, long link targets and big ids', async () => {
    const upper = `${tmp}/upper`;
    const long = `${'a'.repeat(120)}/${'b'.repeat(120)}/${'c'.repeat(100)}`;
    mkdirSync(`${upper}/${long}`, { recursive: true });
    writeFileSync(`${upper}/${long}/f`, 'x');
    writeFileSync(`${upper}/ünïcödé`, 'u');
    symlinkSync('t'.repeat(300), `${upper}/longlink`);
    chownSync(`${upper}/${long}/f`, 3_000_000, 4_000_000);
    const layer = await collect(writeLayerFromUpper(upper));
    const entries = await parseTar(layer);
    // tar-stream ignores PAX uid/gid: check the records, and GNU tar's reading of them.
    expect(entries.find((e) => e.name === `${long}/f`)!.pax).toMatchObject({
      uid: '3000000',
      gid: '4000000',
    });
    writeFileSync(`${tmp}/l.tar`, layer);
    expect(sh('tar', ['--numeric-owner', '-tvf', `${tmp}/l.tar`])).toContain('3000000/4000000');
    const again = `${tmp}/again`;
    mkdirSync(again);
    await apply(layer, again, { whiteouts: 'overlay' });
    expect(diffSnapshots(snapshot(upper), snapshot(again), { truncateMtime: true })).toEqual([]);
  });

  it('reproduces an applied layer packed with tar-stream', async () => {
    const layer = await pack([
      { name: 'd/', type: 'directory', mode: 0o700 },
      { name: 'd/f', content: 'f' },
      { name: 'd/l', type: 'link', linkname: 'd/f' },
    ]);
    const root = `${tmp}/root`;
    mkdirSync(root);
    await apply(layer, root, { whiteouts: 'overlay' });
    const entries = await parseTar(writeLayerFromUpper(root));
    expect(entries.map((e) => [e.name, e.type, e.mode])).toEqual([
      ['d/', 'directory', 0o700],
      ['d/f', 'file', 0o644],
      ['d/l', 'link', 0o644],
    ]);
  });
});
