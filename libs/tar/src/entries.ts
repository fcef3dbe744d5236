/**
 * Turning files on disk into tar entries, shared by writeLayerFromUpper and
 * writeLayerFromDiff. Everything here is synchronous and runs inside a sync generator
 * that Readable.from pulls one chunk at a time, so the stream has backpressure and the
 * walk never holds more than one output chunk.
 */
import { closeSync, openSync, readlinkSync, readSync, type BigIntStats } from 'node:fs';
import { lgetxattr, llistxattr } from '@berth/native';
import { aborted } from '@berth/errdefs';
import { encodeHeader, END_OF_ARCHIVE, padding, type HeaderFields } from './encode.js';
import type { EntryType } from './header.js';
import { codeOf } from './fsops.js';

/** Options of the layer writers. */
export interface WriteLayerOptions {
  /** Stops the walk; the stream then fails with Canceled. */
  signal?: AbortSignal;
}

const FLUSH = 1 << 20;
const READ_CHUNK = 1 << 20;

/** Batches small header/data buffers into chunks of about FLUSH bytes. */
export class Batch {
  private parts: Buffer[] = [];
  private len = 0;

  add(buf: Buffer): void {
    this.parts.push(buf);
    this.len += buf.length;
  }

  get full(): boolean {
    return this.len >= FLUSH;
  }

  take(): Buffer {
    const out = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.len);
    this.parts = [];
    this.len = 0;
    return out;
  }

  get empty(): boolean {
    return this.len === 0;
  }
}

/** Returns the tar type of a stat, or undefined for sockets (never archived). */
export function typeOf(st: BigIntStats): EntryType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return undefined;
}

/** Linux dev_t → major/minor (glibc's gnu_dev_major/minor). */
export function devNumbers(rdev: bigint): [number, number] {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return [Number(major), Number(minor)];
}

/** Reports whether a stat is an overlayfs whiteout (char device 0:0). */
export const isOverlayWhiteout = (st: BigIntStats): boolean => st.isCharacterDevice() && st.rdev === 0n;

/** The xattrs of `abs` worth archiving (sorted; overlay's own trusted.overlay.* left out). */
export function readXattrs(abs: string): Map<string, Buffer> | undefined {
  let names: string[];
  try {
    names = llistxattr(abs);
  } catch (err) {
    if (codeOf(err) === 'ENOTSUP' || codeOf(err) === 'EOPNOTSUPP') return undefined;
    throw err;
  }
  let out: Map<string, Buffer> | undefined;
  for (const name of names.sort()) {
    if (name.startsWith('trusted.overlay.')) continue;
    const value = lgetxattr(abs, name);
    if (value !== undefined) (out ??= new Map()).set(name, value);
  }
  return out;
}

/** Header fields for `abs` (stat `st`), named `name` in the archive. */
export function headerFor(abs: string, name: string, st: BigIntStats, type: EntryType): HeaderFields {
  const h: HeaderFields = {
    name: type === 'dir' ? `${name}/` : name,
    type,
    mode: Number(st.mode) & 0o7777,
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: type === 'file' ? Number(st.size) : 0,
    // Whole seconds, as containerd's tar writer: sub-second times make digests fragile.
    mtime:
      Number(st.mtimeNs / 1_000_000_000n) - (st.mtimeNs < 0n && st.mtimeNs % 1_000_000_000n !== 0n ? 1 : 0),
  };
  if (type === 'symlink') h.linkname = readlinkSync(abs);
  if (type === 'char' || type === 'block') [h.devmajor, h.devminor] = devNumbers(st.rdev);
  h.xattrs = readXattrs(abs);
  return h;
}

/** A `.wh.`-style marker entry (whiteout or opaque), an empty regular file. */
export function markerEntry(name: string, mtime: number): Buffer {
  return encodeHeader({ name, type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime });
}

/**
 * Adds one entry (header, then for files the data read from `abs`) to `batch`, yielding
 * full chunks. A file whose size changed while being read fails with Aborted.
 */
export function* emit(batch: Batch, h: HeaderFields, abs: string, signal?: AbortSignal): Generator<Buffer> {
  signal?.throwIfAborted();
  batch.add(encodeHeader(h));
  if (h.type === 'file' && h.size > 0) {
    const fd = openSync(abs, 'r');
    try {
      let left = h.size;
      while (left > 0) {
        const buf = Buffer.allocUnsafe(Math.min(left, READ_CHUNK));
        let got = 0;
        while (got < buf.length) {
          const n = readSync(fd, buf, got, buf.length - got, null);
          if (n === 0) throw aborted(`write layer: ${h.name} shrank while being read`);
          got += n;
        }
        batch.add(buf);
        left -= buf.length;
        if (batch.full) yield batch.take();
      }
    } finally {
      closeSync(fd);
    }
    const pad = padding(h.size);
    if (pad > 0) batch.add(Buffer.alloc(pad));
  }
  if (batch.full) yield batch.take();
}

/** Ends the archive: the two zero blocks, then whatever is batched. */
export function* end(batch: Batch): Generator<Buffer> {
  batch.add(END_OF_ARCHIVE);
  yield batch.take();
}
