/**
 * A push-style, synchronous tar parser. It is fed decompressed chunks and calls a handler
 * for each entry and each piece of file data, without copying file data (the pieces are
 * views of the pushed chunk, valid only during the call). Being synchronous lets the
 * extractor do its filesystem work per chunk without an await per entry.
 */
import { invalidArgument } from '@berth/errdefs';
import {
  applyPax,
  BLOCK,
  decodeString,
  isZeroBlock,
  parseHeader,
  parsePax,
  type PaxRecords,
  type TarEntry,
} from './header.js';

/** Receives the archive's entries in order. */
export interface EntryHandler {
  /** An entry starts; `data` calls for its `size` bytes follow, then `entryEnd`. */
  entry(e: TarEntry): void;
  data(piece: Buffer): void;
  entryEnd(): void;
}

// Largest PAX header or GNU long name accepted, as Go's archive/tar (maxSpecialFileSize).
const MAX_META = 1 << 20;

type Mode = 'header' | 'zero' | 'data' | 'meta' | 'pad' | 'end';
type MetaKind = 'pax' | 'globalPax' | 'longName' | 'longLink' | 'skip';

const pad = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

export class TarReader {
  private mode: Mode = 'header';
  private readonly carry = Buffer.alloc(BLOCK);
  private carryLen = 0;
  private remaining = 0;
  private padLeft = 0;
  private metaKind: MetaKind = 'skip';
  private metaBuf = Buffer.alloc(0);
  private metaLen = 0;
  private pax: PaxRecords | undefined;
  private globalPax: PaxRecords | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;
  /** Name of the entry being read or last read, for error messages. */
  current = '';

  constructor(private readonly handler: EntryHandler) {}

  /** Reports whether the end-of-archive marker (two zero blocks) has been seen. */
  get ended(): boolean {
    return this.mode === 'end';
  }

  /** Parses `chunk`; entries are handed to the handler before this returns. */
  push(chunk: Buffer): void {
    let off = 0;
    const len = chunk.length;
    while (off < len) {
      switch (this.mode) {
        case 'end':
          return;
        case 'data': {
          const n = Math.min(this.remaining, len - off);
          this.handler.data(chunk.subarray(off, off + n));
          this.remaining -= n;
          off += n;
          if (this.remaining === 0) {
            this.mode = this.padLeft > 0 ? 'pad' : 'header';
            this.handler.entryEnd();
          }
          break;
        }
        case 'pad': {
          const n = Math.min(this.padLeft, len - off);
          this.padLeft -= n;
          off += n;
          if (this.padLeft === 0) this.mode = 'header';
          break;
        }
        case 'meta': {
          const n = Math.min(this.remaining, len - off);
          if (this.metaKind !== 'skip') chunk.copy(this.metaBuf, this.metaLen, off, off + n);
          this.metaLen += n;
          this.remaining -= n;
          off += n;
          if (this.remaining === 0) this.metaDone();
          break;
        }
        default: {
          if (this.carryLen === 0 && len - off >= BLOCK) {
            this.header(chunk, off);
            off += BLOCK;
          } else {
            const n = Math.min(BLOCK - this.carryLen, len - off);
            chunk.copy(this.carry, this.carryLen, off, off + n);
            this.carryLen += n;
            off += n;
            if (this.carryLen === BLOCK) {
              this.carryLen = 0;
              this.header(this.carry, 0);
            }
          }
        }
      }
    }
  }

  /** Checks that the input ended on an entry boundary; throws InvalidArgument if truncated. */
  finish(): void {
    const clean =
      this.mode === 'end' || ((this.mode === 'header' || this.mode === 'zero') && this.carryLen === 0);
    if (clean && !this.pax && this.longName === undefined && this.longLink === undefined) return;
    const what =
      this.mode === 'data'
        ? `data of ${JSON.stringify(this.current)} cut short (${this.remaining} bytes missing)`
        : this.mode === 'header' || this.mode === 'zero'
          ? `header after ${JSON.stringify(this.current)} incomplete`
          : `archive ends inside ${JSON.stringify(this.current)}`;
    throw invalidArgument(`truncated tar: ${what}`);
  }

  private header(buf: Buffer, off: number): void {
    if (isZeroBlock(buf, off)) {
      this.mode = this.mode === 'zero' ? 'end' : 'zero';
      return;
    }
    if (this.mode === 'zero') {
      throw invalidArgument(
        `tar: a lone zero block after ${JSON.stringify(this.current)} is followed by more data`,
      );
    }
    const h = parseHeader(buf, off, this.current);
    if (h.kind !== 'entry') {
      if (h.size > MAX_META && h.kind !== 'skip') {
        throw invalidArgument(
          `tar entry after ${JSON.stringify(this.current)}: ${h.kind} header of ${h.size} bytes`,
        );
      }
      this.metaKind = h.kind;
      this.remaining = h.size;
      this.padLeft = pad(h.size);
      this.metaLen = 0;
      if (h.kind !== 'skip' && this.metaBuf.length < h.size)
        this.metaBuf = Buffer.alloc(Math.max(h.size, 4096));
      this.mode = 'meta';
      if (h.size === 0) this.metaDone();
      return;
    }
    const e = h.entry;
    if (this.globalPax) applyPax(e, this.globalPax);
    if (this.pax) applyPax(e, this.pax);
    if (this.longName !== undefined && this.pax?.path === undefined) e.name = this.longName;
    if (this.longLink !== undefined && this.pax?.linkpath === undefined) e.linkname = this.longLink;
    this.pax = undefined;
    this.longName = undefined;
    this.longLink = undefined;
    this.current = e.name;
    this.handler.entry(e);
    if (e.size > 0) {
      this.mode = 'data';
      this.remaining = e.size;
      this.padLeft = pad(e.size);
    } else {
      this.mode = 'header';
      this.handler.entryEnd();
    }
  }

  private metaDone(): void {
    const data = this.metaBuf.subarray(0, this.metaLen);
    const who = JSON.stringify(this.current);
    switch (this.metaKind) {
      case 'pax':
        parsePax(data, (this.pax ??= {}), `after ${who}`);
        break;
      case 'globalPax': {
        const g = (this.globalPax ??= {});
        parsePax(data, g, `after ${who}`);
        // Per-file keys make no sense for every later entry; keep only shared attributes.
        delete g.path;
        delete g.linkpath;
        delete g.size;
        break;
      }
      case 'longName':
        this.longName = decodeString(data, 0, data.length);
        break;
      case 'longLink':
        this.longLink = decodeString(data, 0, data.length, 'link name');
        break;
      case 'skip':
        break;
    }
    this.mode = this.padLeft > 0 ? 'pad' : 'header';
  }
}
