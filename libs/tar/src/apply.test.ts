import {
  chmodSync,
  chownSync,
  createReadStream,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { constants, lsetxattr, mknod } from '@berth/native';
import { isCanceled, kindOf } from '@berth/errdefs';
import { applyLayer } from './apply.js';
import {
  apply,
  diffSnapshots,
  hasCommand,
  isRoot,
  pack,
  rm,
  sh,
  sha256,
  snapshot,
  tempDir,
} from '../test/helpers.js';

const isDataLossErr = (e: unknown) => kindOf(e) === 'DataLoss';

// security.capability v2: cap_net_bind_service in the permitted and effective sets.
const CAP_NET_BIND = Buffer.from([1, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

/** A tree with every entry type, odd modes, owners, xattrs, long names and fractional mtimes. */
function buildTree(src: string): void {
  const long = `${'d'.repeat(150)}/${'e'.repeat(110)}`; // > 255 bytes with the file name
  mkdirSync(`${src}/dir/${long}`, { recursive: true });
  writeFileSync(`${src}/dir/file.txt`, 'hello\n');
  writeFileSync(`${src}/dir/${long}/${'f'.repeat(120)}`, 'deep\n');
  writeFileSync(`${src}/empty`, '');
  writeFileSync(`${src}/big`, randomBytes((1 << 20) + 1));
  writeFileSync(`${src}/setuid`, '#!/bin/sh\n');
  writeFileSync(`${src}/setgid`, '#!/bin/sh\n');
  writeFileSync(`${src}/capable`, 'bin\n');
  mkdirSync(`${src}/sticky`);
  linkSync(`${src}/dir/file.txt`, `${src}/dir/hard`);
  linkSync(`${src}/dir/file.txt`, `${src}/hard2`);
  symlinkSync('dir/file.txt', `${src}/sym`);
  symlinkSync('/etc/passwd', `${src}/abs-sym`);
  symlinkSync(`../${'t'.repeat(180)}`, `${src}/long-sym`);
  mknod(`${src}/fifo`, constants.S_IFIFO | 0o640, 0, 0);
  mknod(`${src}/null`, constants.S_IFCHR | 0o666, 1, 3);
  mknod(`${src}/loop`, constants.S_IFBLK | 0o660, 7, 200);
  chownSync(`${src}/dir`, 1000, 1001);
  chmodSync(`${src}/dir`, 0o750);
  chownSync(`${src}/dir/file.txt`, 1000, 1000);
  chmodSync(`${src}/dir/file.txt`, 0o640);
  chownSync(`${src}/setuid`, 0, 0);
  chmodSync(`${src}/setuid`, 0o4755);
  chownSync(`${src}/setgid`, 0, 50);
  chmodSync(`${src}/setgid`, 0o2711);
  chmodSync(`${src}/sticky`, 0o1777);
  chownSync(`${src}/big`, 123456, 654321);
  lchownSync(`${src}/sym`, 7, 8);
  lsetxattr(`${src}/dir/file.txt`, 'user.note', Buffer.from('a note'));
  lsetxattr(`${src}/dir`, 'trusted.berth', Buffer.from([0, 1, 2]));
  lsetxattr(`${src}/capable`, 'security.capability', CAP_NET_BIND);
  let t = 1_600_000_000;
  for (const p of [
    'empty',
    'big',
    'setuid',
    'setgid',
    'capable',
    'fifo',
    'null',
    'loop',
    'dir/file.txt',
    `dir/${long}/${'f'.repeat(120)}`,
  ]) {
    utimesSync(`${src}/${p}`, t, t + 0.123456);
    t += 1000;
  }
  for (const p of ['sym', 'abs-sym', 'long-sym']) lutimesSync(`${src}/${p}`, t, t + 0.5);
  for (const p of [`dir/${long}`, `dir/${'d'.repeat(150)}`, 'sticky', 'dir'])
    utimesSync(`${src}/${p}`, t, t + 0.75);
}

describe.skipIf(!isRoot)('applyLayer (needs root: mknod, chown, trusted xattrs)', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => rm(tmp));

  it.each(['gnu', 'posix'])('reproduces a tree packed by GNU tar --format=%s --xattrs', async (format) => {
    const src = `${tmp}/src`;
    mkdirSync(src);
    buildTree(src);
    // NOTE: GNU tar stores xattrs only in PAX (posix) headers; with --format=gnu they are dropped.
    sh('tar', [
      '-C',
      src,
      `--format=${format}`,
      '--xattrs',
      '--xattrs-include=*',
      '-cf',
      `${tmp}/l.tar`,
      '.',
    ]);
    const root = `${tmp}/root`;
    mkdirSync(root);
    const r = await applyLayer(createReadStream(`${tmp}/l.tar`), root, { whiteouts: 'remove' });
    expect(r.diffId).toBe(`sha256:${sh('sha256sum', [`${tmp}/l.tar`]).split(' ')[0]}`);
    expect(r.size).toBe(lstatSync(`${tmp}/l.tar`).size);
    expect(r.compressed).toBe('none');
    const want = snapshot(src);
    const got = snapshot(root);
    // gnu format: whole-second mtimes and no xattrs.
    const diffs = diffSnapshots(want, got, {
      truncateMtime: format === 'gnu',
      ignoreXattrs: format === 'gnu' ? /./ : undefined,
    });
    expect(diffs).toEqual([]);
    // Hardlinks share the inode, setuid survived the chown, the capability is set.
    expect(lstatSync(`${root}/dir/hard`).ino).toBe(lstatSync(`${root}/dir/file.txt`).ino);
    expect(lstatSync(`${root}/hard2`).nlink).toBe(3);
    expect(lstatSync(`${root}/setuid`).mode & 0o7777).toBe(0o4755);
    expect(readlinkSync(`${root}/abs-sym`)).toBe('/etc/passwd');
    expect(got.size).toBe(19);
    expect(got.get('null')).toMatchObject({ type: 'char', rdev: 0x103n });
    expect(got.get('loop')).toMatchObject({ type: 'block' });
    expect(got.get('fifo')).toMatchObject({ type: 'fifo', mode: 0o640 });
    expect(got.get('big')).toMatchObject({ uid: 123456, gid: 654321, size: (1 << 20) + 1 });
    if (format === 'posix') {
      expect(got.get('capable')!.xattrs['security.capability']).toBe(CAP_NET_BIND.toString('hex'));
      expect(got.get('dir/file.txt')!.xattrs['user.note']).toBe(Buffer.from('a note').toString('hex'));
      expect(got.get('dir')!.xattrs['trusted.berth']).toBe('000102');
      expect(got.get('empty')!.mtimeNs % 1_000_000_000n).not.toBe(0n);
    }
  });

  it('computes the diffID of the uncompressed stream for gzip and zstd blobs', async () => {
    const tar = await pack([
      { name: 'a', content: randomBytes(100_000) },
      { name: 'b/', type: 'directory' },
    ]);
    const padded = Buffer.concat([tar, Buffer.alloc(10240 - (tar.length % 10240))]); // record padding
    const want = `sha256:${sha256(padded)}`;
    const gz = await apply(gzipSync(padded), mkdirp(`${tmp}/g`), { whiteouts: 'remove' });
    expect(gz).toEqual({ diffId: want, size: padded.length, compressed: 'gzip' });
    expect(readFileSync(`${tmp}/g/a`)).toEqual(tar.subarray(512, 512 + 100_000));
    if (hasCommand('zstd')) {
      writeFileSync(`${tmp}/p.tar`, padded);
      sh('zstd', ['-q', '-19', `${tmp}/p.tar`, '-o', `${tmp}/p.tar.zst`]);
      const zs = await apply(readFileSync(`${tmp}/p.tar.zst`), mkdirp(`${tmp}/z`), { whiteouts: 'remove' });
      expect(zs).toEqual({ diffId: want, size: padded.length, compressed: 'zstd' });
    }
  });

  it('hashes a large layer (worker thread path) exactly', async () => {
    const tar = await pack([{ name: 'big', content: randomBytes(20 << 20) }]);
    const chunks = Array.from({ length: Math.ceil(tar.length / 65536) }, (_, i) =>
      tar.subarray(i * 65536, (i + 1) * 65536),
    );
    const r = await applyLayer(Readable.from(chunks), mkdirp(`${tmp}/r`), { whiteouts: 'overlay' });
    expect(r.diffId).toBe(`sha256:${sha256(tar)}`);
    expect(readFileSync(`${tmp}/r/big`).equals(tar.subarray(512, 512 + (20 << 20)))).toBe(true);
  });

  it('fails corrupt and truncated gzip with DataLoss', async () => {
    const gz = Buffer.from(gzipSync(await pack([{ name: 'a', content: randomBytes(50_000) }])));
    const cut = gz.subarray(0, gz.length - 100);
    await expect(apply(cut, mkdirp(`${tmp}/a`), { whiteouts: 'remove' })).rejects.toSatisfy(isDataLossErr);
    gz[gz.length - 6] ^= 0xff; // CRC32 of the gzip trailer
    await expect(apply(gz, mkdirp(`${tmp}/b`), { whiteouts: 'remove' })).rejects.toSatisfy(isDataLossErr);
  });

  it('replaces existing paths: non-dir over anything, dir over dir kept, dir over non-dir', async () => {
    const root = mkdirp(`${tmp}/root`);
    mkdirSync(`${root}/was-dir/child`, { recursive: true });
    mkdirSync(`${root}/keep/child`, { recursive: true });
    writeFileSync(`${root}/keep/lower-file`, 'lower');
    writeFileSync(`${root}/was-file`, 'old');
    writeFileSync(`${root}/file`, 'old');
    mkdirSync(`${tmp}/outside`);
    symlinkSync(`${tmp}/outside`, `${root}/was-link`);
    const layer = await pack([
      { name: 'was-dir', content: 'now a file' },
      { name: 'keep/', type: 'directory', mode: 0o700 },
      { name: 'was-file/', type: 'directory', mode: 0o711 },
      { name: 'file', content: 'new' },
      { name: 'was-link/', type: 'directory' },
      { name: 'was-link/inside', content: 'x' },
    ]);
    await apply(layer, root, { whiteouts: 'remove' });
    expect(readFileSync(`${root}/was-dir`, 'utf8')).toBe('now a file');
    expect(lstatSync(`${root}/keep`).mode & 0o7777).toBe(0o700);
    expect(readFileSync(`${root}/keep/lower-file`, 'utf8')).toBe('lower');
    expect(lstatSync(`${root}/keep/child`).isDirectory()).toBe(true);
    expect(lstatSync(`${root}/was-file`).isDirectory()).toBe(true);
    expect(readFileSync(`${root}/file`, 'utf8')).toBe('new');
    expect(lstatSync(`${root}/was-link`).isDirectory()).toBe(true);
    expect(readFileSync(`${root}/was-link/inside`, 'utf8')).toBe('x');
    expect(sh('ls', ['-A', `${tmp}/outside`])).toBe('');
  });

  it('sets directory mtimes after their children, last entry winning', async () => {
    const root = mkdirp(`${tmp}/root`);
    const layer = await pack([
      { name: 'd/', type: 'directory' },
      { name: 'd/a', content: 'a' },
      { name: 'd/sub/', type: 'directory' },
      { name: 'd/sub/b', content: 'b' },
    ]);
    await apply(layer, root, { whiteouts: 'remove' });
    const t = new Date('2024-01-01T00:00:00Z').getTime();
    expect(lstatSync(`${root}/d`).mtimeMs).toBe(t);
    expect(lstatSync(`${root}/d/sub`).mtimeMs).toBe(t);
  });

  it('creates missing parents and ignores entries naming the root', async () => {
    const root = mkdirp(`${tmp}/root`);
    chmodSync(root, 0o711);
    await apply(
      await pack([
        { name: './', type: 'directory', mode: 0o777 },
        { name: 'x/y/z', content: 'z' },
      ]),
      root,
      {
        whiteouts: 'remove',
      },
    );
    expect(lstatSync(root).mode & 0o777).toBe(0o711);
    expect(lstatSync(`${root}/x/y`).mode & 0o777).toBe(0o755);
    expect(readFileSync(`${root}/x/y/z`, 'utf8')).toBe('z');
  });

  it('fails with Canceled when the signal aborts, closing the file being written', async () => {
    const ac = new AbortController();
    const tar = await pack([{ name: 'f', content: randomBytes(1 << 20) }]);
    async function* slow() {
      yield tar.subarray(0, 4096);
      ac.abort();
      await new Promise((r) => setTimeout(r, 10));
      yield tar.subarray(4096);
    }
    const err = await applyLayer(Readable.from(slow()), mkdirp(`${tmp}/c`), {
      whiteouts: 'remove',
      signal: ac.signal,
    }).catch((e: unknown) => e);
    expect(isCanceled(err)).toBe(true);
    const fds = sh('ls', ['-l', `/proc/${process.pid}/fd`]);
    expect(fds).not.toContain(`${tmp}/c/f`);
  });

  it('fails with NotFound when the root does not exist', async () => {
    await expect(apply(Buffer.alloc(0), `${tmp}/missing`, { whiteouts: 'remove' })).rejects.toSatisfy(
      (e: unknown) => kindOf(e) === 'NotFound',
    );
  });
});

function mkdirp(p: string): string {
  mkdirSync(p, { recursive: true });
  return p;
}
