/**
 * Encoding of tar headers: ustar where the fields fit, a PAX extended header ('x') for
 * what does not (long or non-ASCII names, big numbers) and for xattrs
 * (SCHILY.xattr.<name>). Output is deterministic: no atime/ctime, no user/group names,
 * PAX records sorted by key, PAX header names derived from the entry name (as Go's
 * archive/tar does: <dir>/PaxHeaders.0/<base>).
 */
import type { EntryType } from './header.js';
import { BLOCK } from './header.js';

/** The fields of one entry to write. */
export interface HeaderFields {
  /** Name in the archive: relative, no leading `./`, directories ending in `/`. */
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Whole seconds. */
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Map<string, Buffer>;
}

const TYPEFLAG: Record<EntryType, number> = {
  file: 0x30,
  link: 0x31,
  symlink: 0x32,
  char: 0x33,
  block: 0x34,
  dir: 0x35,
  fifo: 0x36,
};

const MAX_OCTAL_7 = 0o7777777; // 8-byte fields
const MAX_OCTAL_11 = 0o77777777777; // 12-byte fields
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/** Bytes of padding after `size` bytes of data. */
export const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

function writeOctal(buf: Buffer, off: number, width: number, value: number): void {
  buf.write(value.toString(8).padStart(width - 1, '0'), off, width - 1, 'latin1');
  buf[off + width - 1] = 0;
}

// GNU base-256 for values octal cannot hold (device numbers have no PAX key).
function writeBase256(buf: Buffer, off: number, width: number, value: number): void {
  let v = value;
  for (let i = off + width - 1; i > off; i--) {
    buf[i] = v % 256;
    v = Math.floor(v / 256);
  }
  buf[off] = 0x80;
}

function writeNumber(buf: Buffer, off: number, width: number, value: number): void {
  const max = width === 8 ? MAX_OCTAL_7 : MAX_OCTAL_11;
  if (value >= 0 && value <= max) writeOctal(buf, off, width, value);
  else writeBase256(buf, off, width, Math.max(0, value));
}

function fits(s: string, max: number): boolean {
  return s.length <= max && ASCII.test(s);
}

// Splits a long name into ustar prefix (≤155) and name (≤100) at a '/', if possible.
function splitUstar(name: string): [string, string] | undefined {
  if (!ASCII.test(name) || name.length > 256) return undefined;
  for (let i = name.lastIndexOf('/', 155); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const rest = name.slice(i + 1);
    if (rest.length > 100) return undefined;
    if (rest.length > 0) return [name.slice(0, i), rest];
  }
  return undefined;
}

function block(f: {
  name: string;
  prefix?: string;
  flag: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
}): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(f.name, 0, 100, 'utf8');
  writeOctal(b, 100, 8, f.mode & 0o7777);
  writeNumber(b, 108, 8, f.uid);
  writeNumber(b, 116, 8, f.gid);
  writeNumber(b, 124, 12, f.size);
  writeNumber(b, 136, 12, f.mtime);
  b[156] = f.flag;
  if (f.linkname) b.write(f.linkname, 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'latin1');
  writeNumber(b, 329, 8, f.devmajor ?? 0);
  writeNumber(b, 337, 8, f.devminor ?? 0);
  if (f.prefix) b.write(f.prefix, 345, 155, 'utf8');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  b.write(sum.toString(8).padStart(6, '0'), 148, 6, 'latin1');
  b[154] = 0;
  b[155] = 0x20;
  return b;
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len), 'latin1'), body]);
}

function paxName(name: string): string {
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
  const slash = trimmed.lastIndexOf('/');
  const dir = slash < 0 ? '' : `${trimmed.slice(0, slash)}/`;
  const pax = `${dir}PaxHeaders.0/${trimmed.slice(slash + 1)}`;
  return Buffer.from(pax).length <= 100 ? pax : Buffer.from(pax).subarray(0, 100).toString('latin1');
}

/**
 * Returns the header blocks for one entry (a PAX header first when needed). The caller
 * writes `size` bytes of data and `padding(size)` zero bytes after them.
 */
export function encodeHeader(h: HeaderFields): Buffer {
  const pax = new Map<string, Buffer>();
  let name = h.name;
  let prefix: string | undefined;
  if (!fits(name, 100)) {
    const split = splitUstar(name);
    if (split) [prefix, name] = split;
    else {
      pax.set('path', Buffer.from(h.name, 'utf8'));
      name = Buffer.from(h.name, 'utf8')
        .subarray(0, 100)
        .toString('latin1')
        .replace(/[^\x20-\x7e]/g, '_');
    }
  }
  let linkname = h.linkname;
  if (linkname !== undefined && !fits(linkname, 100)) {
    pax.set('linkpath', Buffer.from(linkname, 'utf8'));
    linkname = linkname.slice(0, 100).replace(/[^\x20-\x7e]/g, '_');
  }
  for (const [key, v] of [
    ['uid', h.uid],
    ['gid', h.gid],
  ] as const) {
    if (v > MAX_OCTAL_7) pax.set(key, Buffer.from(String(v)));
  }
  if (h.size > MAX_OCTAL_11) pax.set('size', Buffer.from(String(h.size)));
  if (h.mtime < 0 || h.mtime > MAX_OCTAL_11) pax.set('mtime', Buffer.from(String(h.mtime)));
  for (const [k, v] of h.xattrs ?? []) pax.set(`SCHILY.xattr.${k}`, v);

  const main = block({
    name,
    prefix,
    flag: TYPEFLAG[h.type],
    mode: h.mode,
    uid: Math.min(h.uid, MAX_OCTAL_7),
    gid: Math.min(h.gid, MAX_OCTAL_7),
    size: Math.min(h.size, MAX_OCTAL_11),
    mtime: Math.min(Math.max(h.mtime, 0), MAX_OCTAL_11),
    linkname,
    devmajor: h.devmajor,
    devminor: h.devminor,
  });
  if (pax.size === 0) return main;
  const records = Buffer.concat([...pax.keys()].sort().map((k) => paxRecord(k, pax.get(k)!)));
  const paxHeader = block({
    name: paxName(h.name),
    flag: 0x78,
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: records.length,
    mtime: 0,
  });
  return Buffer.concat([paxHeader, records, Buffer.alloc(padding(records.length)), main]);
}

/** The end-of-archive marker: two zero blocks. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);
