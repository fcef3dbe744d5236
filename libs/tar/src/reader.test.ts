import { mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInvalidArgument, isNotImplemented } from '@berth/errdefs';
import { encodeHeader, END_OF_ARCHIVE, padding } from './encode.js';
import type { TarEntry } from './header.js';
import { TarReader } from './reader.js';
import { pack, rm, sh, tempDir } from '../test/helpers.js';

interface Got extends TarEntry {
  data: Buffer;
}

/** Parses `tar`, fed in pieces of `step` bytes. */
function read(tar: Buffer, step = tar.length): Got[] {
  const out: Got[] = [];
  let parts: Buffer[] = [];
  const r = new TarReader({
    entry: (e) => out.push({ ...e, data: Buffer.alloc(0) }),
    data: (p) => parts.push(Buffer.from(p)),
    entryEnd: () => {
      out[out.length - 1]!.data = Buffer.concat(parts);
      parts = [];
    },
  });
  for (let i = 0; i < tar.length; i += step) r.push(tar.subarray(i, i + step));
  r.finish();
  return out;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('did not throw');
}

describe('TarReader', () => {
  let dir: string;
  const longDir = 'd'.repeat(150);
  const longFile = 'f'.repeat(120);
  const longTarget = `../${'t'.repeat(200)}`;
  beforeAll(() => {
    dir = tempDir();
    mkdirSync(`${dir}/src/${longDir}`, { recursive: true });
    writeFileSync(`${dir}/src/${longDir}/${longFile}`, 'deep\n');
    writeFileSync(`${dir}/src/small`, 'x'.repeat(1000));
    symlinkSync(longTarget, `${dir}/src/longlink`);
    utimesSync(`${dir}/src/small`, 1700000000.25, 1700000000.5);
  });
  afterAll(() => rm(dir));

  it.each(['gnu', 'posix', 'ustar'])(
    'reads long names, links and data from GNU tar --format=%s',
    (format) => {
      if (format === 'ustar') {
        // ustar cannot hold the 271-byte name: GNU tar refuses it, so only the short members.
        sh('tar', ['-C', `${dir}/src`, `--format=${format}`, '-cf', `${dir}/u.tar`, 'small']);
        const [e] = read(readFileSync(`${dir}/u.tar`));
        expect(e).toMatchObject({ name: 'small', type: 'file', size: 1000, mtime: 1700000000 });
        return;
      }
      sh('tar', ['-C', `${dir}/src`, `--format=${format}`, '-cf', `${dir}/${format}.tar`, '.']);
      const tar = readFileSync(`${dir}/${format}.tar`);
      for (const step of [tar.length, 512, 100, 7]) {
        const entries = read(tar, step);
        const byName = new Map(entries.map((e) => [e.name.replace(/^\.\//, '').replace(/\/$/, ''), e]));
        expect(byName.get(`${longDir}/${longFile}`)).toMatchObject({ type: 'file', size: 5 });
        expect(byName.get(`${longDir}/${longFile}`)!.data.toString()).toBe('deep\n');
        expect(byName.get('longlink')).toMatchObject({ type: 'symlink', linkname: longTarget });
        expect(byName.get(longDir)).toMatchObject({ type: 'dir' });
        const small = byName.get('small')!;
        expect(small.data.toString()).toBe('x'.repeat(1000));
        // posix (PAX) keeps the fraction of the mtime, gnu only seconds.
        expect(small.mtime).toBe(format === 'posix' ? 1700000000.5 : 1700000000);
      }
    },
  );

  it('reads PAX xattrs (SCHILY and LIBARCHIVE), uid/gid, size and mtime records', () => {
    const records = Buffer.concat([
      rec('SCHILY.xattr.user.bin', Buffer.from([0, 1, 0xff])),
      rec('LIBARCHIVE.xattr.user.sp%20ace', Buffer.from('aGk=')),
      rec('uid', Buffer.from('99999999')),
      rec('gid', Buffer.from('4242')),
      rec('mtime', Buffer.from('1700000000.123456789')),
      rec('path', Buffer.from('a/renamed-by-pax.txt')),
    ]);
    const paxHdr = encodeHeader({
      name: 'PaxHeader',
      type: 'file',
      mode: 0,
      uid: 0,
      gid: 0,
      size: 0,
      mtime: 0,
    });
    paxHdr[156] = 0x78; // 'x'
    paxHdr.write(records.length.toString(8).padStart(11, '0'), 124, 'latin1');
    fixChecksum(paxHdr);
    const main = encodeHeader({
      name: 'short',
      type: 'file',
      mode: 0o640,
      uid: 1,
      gid: 2,
      size: 3,
      mtime: 5,
    });
    const tar = Buffer.concat([
      paxHdr,
      records,
      Buffer.alloc(padding(records.length)),
      main,
      Buffer.from('abc'),
      Buffer.alloc(padding(3)),
      END_OF_ARCHIVE,
    ]);
    const [e] = read(tar);
    expect(e).toMatchObject({ name: 'a/renamed-by-pax.txt', uid: 99999999, gid: 4242, mode: 0o640 });
    expect(e!.mtime).toBeCloseTo(1700000000.123457, 6);
    expect(e!.xattrs!.get('user.bin')).toEqual(Buffer.from([0, 1, 0xff]));
    expect(e!.xattrs!.get('user.sp ace')!.toString()).toBe('hi');
    expect(e!.data.toString()).toBe('abc');
  });

  it('reads GNU base-256 numbers', () => {
    const h = encodeHeader({ name: 'big', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0 });
    h.fill(0, 108, 116);
    h[108] = 0x80;
    h.writeUInt32BE(0x12345678, 112); // uid 0x12345678 in base-256
    fixChecksum(h);
    expect(read(Buffer.concat([h, END_OF_ARCHIVE]))[0]!.uid).toBe(0x12345678);
  });

  it('reads tar-stream output and ignores data after the end-of-archive marker', async () => {
    const tar = await pack([
      { name: 'dir/', type: 'directory' },
      { name: 'dir/f', content: 'hello' },
      { name: 'dir/l', type: 'link', linkname: 'dir/f' },
      { name: 'dev', type: 'character-device', devmajor: 1, devminor: 5 },
      { name: 'p', type: 'fifo' },
    ]);
    const got = read(Buffer.concat([tar, Buffer.from('trailing garbage')]));
    expect(got.map((e) => [e.name, e.type])).toEqual([
      ['dir/', 'dir'],
      ['dir/f', 'file'],
      ['dir/l', 'link'],
      ['dev', 'char'],
      ['p', 'fifo'],
    ]);
    expect(got[3]).toMatchObject({ devmajor: 1, devminor: 5 });
  });

  it('accepts an empty stream and a tar without its end marker', async () => {
    expect(read(Buffer.alloc(0))).toEqual([]);
    const tar = await pack([{ name: 'f', content: 'x' }]);
    expect(read(tar.subarray(0, 1024)).map((e) => e.name)).toEqual(['f']);
  });

  it('fails a bad checksum with InvalidArgument naming the previous entry', async () => {
    const tar = Buffer.from(await pack([{ name: 'first', content: 'x' }, { name: 'second' }]));
    tar[1024 + 148] = 0x37;
    const err = errorOf(() => read(tar));
    expect(isInvalidArgument(err)).toBe(true);
    expect(err.message).toMatch(/checksum mismatch/);
    expect(err.message).toContain('"first"');
  });

  it('fails truncated data and headers with InvalidArgument', async () => {
    const tar = await pack([{ name: 'f', content: Buffer.alloc(3000) }]);
    const cut = errorOf(() => read(tar.subarray(0, 1500)));
    expect(isInvalidArgument(cut)).toBe(true);
    expect(cut.message).toMatch(/truncated tar: data of "f" cut short \(2012 bytes missing\)/);
    const half = errorOf(() => read(tar.subarray(0, 200)));
    expect(half.message).toMatch(/truncated tar: header/);
  });

  it('refuses GNU sparse files and non-UTF-8 names with NotImplemented', () => {
    const sparse = encodeHeader({ name: 's', type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime: 0 });
    sparse[156] = 0x53; // 'S'
    fixChecksum(sparse);
    expect(isNotImplemented(errorOf(() => read(Buffer.concat([sparse, END_OF_ARCHIVE]))))).toBe(true);
    const latin = encodeHeader({ name: 'x', type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime: 0 });
    latin[0] = 0xe9;
    fixChecksum(latin);
    expect(isNotImplemented(errorOf(() => read(Buffer.concat([latin, END_OF_ARCHIVE]))))).toBe(true);
  });

  it('fails a lone zero block followed by more headers', async () => {
    const one = await pack([{ name: 'a' }]);
    const tar = Buffer.concat([one.subarray(0, 512), Buffer.alloc(512), one.subarray(0, 512)]);
    expect(isInvalidArgument(errorOf(() => read(tar)))).toBe(true);
  });
});

function rec(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function fixChecksum(h: Buffer): void {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
}
