/**
 * Decoding of one 512-byte tar header block (ustar, GNU and v7) and of PAX extended
 * header records. The streaming state machine that feeds these lives in ./reader.ts.
 */
import { invalidArgument, notImplemented } from '@berth/errdefs';

export const BLOCK = 512;

/** The kinds of entry berth extracts. Metadata entries (PAX, GNU long names) never surface. */
export type EntryType = 'file' | 'link' | 'symlink' | 'dir' | 'char' | 'block' | 'fifo';

/** One archive member with every override (PAX, GNU long name/link) already applied. */
export interface TarEntry {
  /** The name as stored (not yet normalised: may hold `./`, `..`, a leading `/`). */
  name: string;
  type: EntryType;
  /** Permission and setuid/setgid/sticky bits (`& 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of data that follow; 0 for every type but `file`. */
  size: number;
  /** Seconds since the epoch, with the PAX fraction when there is one. */
  mtime: number;
  /** PAX atime when present. */
  atime: number | undefined;
  /** Target of a symlink (stored as is) or hardlink (a name in the archive). */
  linkname: string;
  devmajor: number;
  devminor: number;
  /** Extended attributes from SCHILY.xattr.* / LIBARCHIVE.xattr.* records. */
  xattrs: Map<string, Buffer> | undefined;
}

/** PAX keys berth understands, already decoded. */
export interface PaxRecords {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  atime?: number;
  xattrs?: Map<string, Buffer>;
}

/** What the reader does with a header block. */
export type RawHeader =
  | { kind: 'entry'; entry: TarEntry }
  | { kind: 'pax' | 'globalPax' | 'longName' | 'longLink'; size: number; name: string }
  | { kind: 'skip'; size: number; name: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a NUL-terminated field as UTF-8; names that are not UTF-8 are refused (see README). */
export function decodeString(buf: Buffer, start: number, end: number, what = 'name'): string {
  let stop = buf.indexOf(0, start);
  if (stop < 0 || stop > end) stop = end;
  let ascii = true;
  for (let i = start; i < stop; i++) {
    if (buf[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return buf.toString('latin1', start, stop);
  try {
    return UTF8.decode(buf.subarray(start, stop));
  } catch {
    throw notImplemented(`tar ${what} ${JSON.stringify(buf.toString('latin1', start, stop))} is not UTF-8`);
  }
}

/** Parses an octal field (space/NUL padded) or a GNU base-256 one (high bit of byte 0 set). */
export function parseNumeric(buf: Buffer, start: number, end: number, field: string): number {
  const first = buf[start]!;
  if (first & 0x80) {
    // base-256, two's complement when byte 0 is 0xff
    const negative = first === 0xff;
    let v = negative ? 0xff : first & 0x7f;
    for (let i = start + 1; i < end; i++) v = v * 256 + buf[i]!;
    if (negative) v -= 256 ** (end - start);
    if (!Number.isSafeInteger(v)) throw invalidArgument(`tar header: ${field} out of range`);
    return v;
  }
  let i = start;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0)) i++;
  let v = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) throw invalidArgument(`tar header: ${field} is not an octal number`);
    v = v * 8 + (c - 0x30);
    digits++;
  }
  // Trailing bytes after the terminator must be padding.
  for (; i < end; i++) {
    if (buf[i] !== 0x20 && buf[i] !== 0) throw invalidArgument(`tar header: ${field} is not an octal number`);
  }
  return digits === 0 ? 0 : v;
}

/** Reports whether the block at `off` is all zeros (an end-of-archive marker). */
export function isZeroBlock(buf: Buffer, off: number): boolean {
  for (let i = off; i < off + BLOCK; i += 8) {
    if (buf.readBigUInt64LE(i) !== 0n) return false;
  }
  return true;
}

function checksumOk(buf: Buffer, off: number): boolean {
  const stored = parseNumeric(buf, off + 148, off + 156, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = off; i < off + BLOCK; i++) {
    const b = i >= off + 148 && i < off + 156 ? 0x20 : buf[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  // Old tars summed signed chars; Go and GNU tar accept either.
  return stored === unsigned || stored === signed;
}

const TYPES: Record<string, EntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'link',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

/**
 * Decodes the header block at `buf[off..off+512]`. `prevName` names the last good entry,
 * for error messages about this one. Throws InvalidArgument for a bad checksum or field.
 */
export function parseHeader(buf: Buffer, off: number, prevName: string): RawHeader {
  const where = () => `after ${prevName ? JSON.stringify(prevName) : 'the start of the archive'}`;
  let name: string;
  try {
    if (!checksumOk(buf, off)) {
      throw invalidArgument(`tar header ${where()}: checksum mismatch (not a tar, or corrupt)`);
    }
    const magic = buf.toString('latin1', off + 257, off + 263);
    const gnu = magic === 'ustar ';
    const ustar = magic === 'ustar\0';
    name = decodeString(buf, off, off + 100);
    if (ustar && buf[off + 345] !== 0) {
      name = `${decodeString(buf, off + 345, off + 500)}/${name}`;
    }
    const flag = String.fromCharCode(buf[off + 156]!);
    const size = parseNumeric(buf, off + 124, off + 136, 'size');
    if (size < 0) throw invalidArgument(`tar entry ${JSON.stringify(name)}: negative size`);
    switch (flag) {
      case 'x':
        return { kind: 'pax', size, name };
      case 'g':
        return { kind: 'globalPax', size, name };
      case 'L':
        return { kind: 'longName', size, name };
      case 'K':
        return { kind: 'longLink', size, name };
      case 'V': // GNU volume label: no file
        return { kind: 'skip', size: 0, name };
      case 'S':
      case 'M':
        throw notImplemented(
          `tar entry ${JSON.stringify(name)}: GNU sparse/multi-volume entries are not supported`,
        );
    }
    let type = TYPES[flag];
    if (type === undefined) {
      throw invalidArgument(`tar entry ${JSON.stringify(name)}: unknown type flag ${JSON.stringify(flag)}`);
    }
    // v7 convention, as Go's archive/tar: a "regular file" whose name ends in / is a directory.
    if (flag === '\0' && name.endsWith('/')) type = 'dir';
    const entry: TarEntry = {
      name,
      type,
      mode: parseNumeric(buf, off + 100, off + 108, 'mode') & 0o7777,
      uid: parseNumeric(buf, off + 108, off + 116, 'uid'),
      gid: parseNumeric(buf, off + 116, off + 124, 'gid'),
      // Header-only types carry no data whatever their size field says (as Go's reader).
      size: type === 'file' ? size : 0,
      mtime: parseNumeric(buf, off + 136, off + 148, 'mtime'),
      atime: undefined,
      linkname: decodeString(buf, off + 157, off + 257, 'link name'),
      devmajor: ustar || gnu ? parseNumeric(buf, off + 329, off + 337, 'devmajor') : 0,
      devminor: ustar || gnu ? parseNumeric(buf, off + 337, off + 345, 'devminor') : 0,
      xattrs: undefined,
    };
    return { kind: 'entry', entry };
  } catch (err) {
    if ((err as Error).message.startsWith('tar header:')) {
      throw invalidArgument(`${(err as Error).message.replace('tar header:', `tar header ${where()}:`)}`);
    }
    throw err;
  }
}

const XATTR_SCHILY = 'SCHILY.xattr.';
const XATTR_LIBARCHIVE = 'LIBARCHIVE.xattr.';

function paxNumber(key: string, value: string, entry: string, fractional: boolean): number {
  const re = fractional ? /^-?\d+(\.\d+)?$/ : /^\d+$/;
  if (!re.test(value))
    throw invalidArgument(`tar entry ${entry}: PAX ${key}=${JSON.stringify(value)} is not a number`);
  const n = Number(value);
  if (!fractional && !Number.isSafeInteger(n))
    throw invalidArgument(`tar entry ${entry}: PAX ${key} out of range`);
  return n;
}

/**
 * Parses the records of a PAX extended header ("<len> <key>=<value>\n" each) into
 * `into`. Values of SCHILY.xattr.* are raw bytes; everything else is UTF-8.
 */
export function parsePax(data: Buffer, into: PaxRecords, entry: string): void {
  let pos = 0;
  const bad = (why: string) => invalidArgument(`tar entry ${entry}: malformed PAX header (${why})`);
  while (pos < data.length) {
    if (data[pos] === 0) break; // NUL padding after the last record
    const sp = data.indexOf(0x20, pos);
    if (sp < 0 || sp - pos > 12) throw bad('no record length');
    const lenText = data.toString('latin1', pos, sp);
    if (!/^\d+$/.test(lenText)) throw bad('bad record length');
    const len = Number(lenText);
    const end = pos + len;
    if (len <= sp - pos + 1 || end > data.length || data[end - 1] !== 0x0a) throw bad('bad record length');
    const eq = data.indexOf(0x3d, sp + 1);
    if (eq < 0 || eq >= end) throw bad('record without "="');
    const key = decodeString(data, sp + 1, eq, 'PAX key');
    const raw = data.subarray(eq + 1, end - 1);
    applyPaxRecord(into, key, raw, entry);
    pos = end;
  }
}

function applyPaxRecord(into: PaxRecords, key: string, raw: Buffer, entry: string): void {
  if (key.startsWith(XATTR_SCHILY)) {
    (into.xattrs ??= new Map()).set(key.slice(XATTR_SCHILY.length), Buffer.from(raw));
    return;
  }
  if (key.startsWith(XATTR_LIBARCHIVE)) {
    const name = decodeURIComponent(key.slice(XATTR_LIBARCHIVE.length));
    (into.xattrs ??= new Map()).set(name, Buffer.from(raw.toString('latin1'), 'base64'));
    return;
  }
  if (key.startsWith('GNU.sparse.')) {
    throw notImplemented(`tar entry ${entry}: GNU sparse files are not supported`);
  }
  const text = (): string => decodeString(raw, 0, raw.length, `PAX ${key}`);
  switch (key) {
    case 'path':
      into.path = text();
      break;
    case 'linkpath':
      into.linkpath = text();
      break;
    case 'size':
      into.size = paxNumber(key, text(), entry, false);
      break;
    case 'uid':
      into.uid = paxNumber(key, text(), entry, false);
      break;
    case 'gid':
      into.gid = paxNumber(key, text(), entry, false);
      break;
    case 'mtime':
      into.mtime = paxNumber(key, text(), entry, true);
      break;
    case 'atime':
      into.atime = paxNumber(key, text(), entry, true);
      break;
    default:
      // uname, gname, ctime, comment, charset, …: not needed to extract (ids are numeric).
      break;
  }
}

/** Overlays PAX records on a decoded header (PAX wins over the fixed fields). */
export function applyPax(e: TarEntry, pax: PaxRecords): void {
  if (pax.path !== undefined) e.name = pax.path;
  if (pax.linkpath !== undefined) e.linkname = pax.linkpath;
  if (pax.size !== undefined && e.type === 'file') e.size = pax.size;
  if (pax.uid !== undefined) e.uid = pax.uid;
  if (pax.gid !== undefined) e.gid = pax.gid;
  if (pax.mtime !== undefined) e.mtime = pax.mtime;
  if (pax.atime !== undefined) e.atime = pax.atime;
  if (pax.xattrs !== undefined) e.xattrs = pax.xattrs;
}
