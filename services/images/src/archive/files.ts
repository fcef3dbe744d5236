/**
 * The files of an image archive as Import reads it: a tar streamed by the
 * client, in any order. Small files (manifest.json, index.json, configs) stay
 * in memory until the archive's manifests say what they are; larger ones
 * (layers) go straight into the content store as they stream, so a multi-GB
 * archive never sits in memory or in a temporary file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { extract, type Extract } from 'tar-stream';
import {
  failedPrecondition,
  invalidArgument,
  isAlreadyExists,
  isBerthError,
  isFailedPrecondition,
  isNotFound,
} from '@berth/errdefs';
import { setBlobLabels, type ContentStore, type Writer } from '@berth/content';
import type { Labels } from '@berth/labels';

/** Files up to this size are kept in memory until the archive says what they are. */
const SMALL = 1 << 20;
/** Frames sent to the content store; up to WINDOW are in flight. */
const FRAME = 1 << 20;
const WINDOW = 4;
/** Bytes kept from the start of each stored file, to sniff compression. */
const HEAD = 16;

export interface MemFile {
  kind: 'mem';
  data: Buffer;
  size: number;
}
export interface StoredFile {
  kind: 'stored';
  digest: string;
  size: number;
  head: Buffer;
}
export type ArchiveFile = MemFile | StoredFile;

/** One file of the tar (tar-stream does not export its type). */
type Entry = Extract extends AsyncIterable<infer S> ? S : never;

export type Compression = 'gzip' | 'zstd' | 'none';

/** The compression named by a blob's first bytes (magic numbers, as containerd sniffs them). */
export function sniff(head: Buffer): Compression {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x28b52ffd) return 'zstd';
  return 'none';
}

export const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** `./a/b` and `a//b` → `a/b`. */
const clean = (name: string) =>
  name
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');

/**
 * One import's view of the archive and of what it added to the content store,
 * so that a failed import can take its blobs back out.
 */
export class ArchiveFiles {
  readonly files = new Map<string, ArchiveFile>();
  /** Blobs this import committed (not there before). */
  private readonly created = new Set<string>();
  /** Blobs whose place in an image is known: never removed by `discardUnused`. */
  private readonly used = new Set<string>();

  constructor(
    private readonly content: ContentStore,
    private readonly ns: string,
  ) {}

  /** Reads the whole tar from `data`. InvalidArgument when it is not a tar. */
  async read(data: AsyncIterable<Buffer>): Promise<void> {
    const ex = extract();
    const feed = (async () => {
      try {
        for await (const chunk of data) {
          if (ex.destroyed) return; // the reader gave up: stop feeding
          if (!ex.write(chunk)) await Promise.race([once(ex, 'drain'), once(ex, 'close')]);
        }
        ex.end(null);
      } catch (err) {
        ex.destroy(err as Error);
      }
    })();
    try {
      for await (const entry of ex) await this.entry(entry);
    } catch (err) {
      // Not waiting for the rest of the input: the error ends the call.
      ex.destroy(undefined);
      if (isBerthError(err)) throw err;
      throw invalidArgument(`not a tar archive: ${(err as Error).message}`, err);
    }
    await feed;
  }

  private async entry(e: Entry): Promise<void> {
    const name = clean(e.header.name);
    const size = e.header.size;
    if (e.header.type !== 'file' && e.header.type !== 'contiguous-file') {
      for await (const _ of e); // directories, links: nothing an image archive needs
      return;
    }
    if (size <= SMALL) {
      const parts: Buffer[] = [];
      for await (const c of e) parts.push(c as Buffer);
      this.files.set(name, { kind: 'mem', data: Buffer.concat(parts), size });
      return;
    }
    // OCI layouts name blobs by digest: a blob already here is skipped, and the name is checked.
    const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
    const expected = m ? `sha256:${m[1]}` : '';
    this.files.set(name, await this.store(name, e, size, expected));
  }

  /** Streams one entry into the content store and returns where it went. */
  private async store(name: string, e: Entry, size: number, expected: string): Promise<StoredFile> {
    const ref = `import-${randomUUID()}`;
    const had = expected !== '' && (await this.has(expected));
    let w: Writer;
    try {
      w = await this.content.writer(this.ns, { ref, total: size, expected });
    } catch (err) {
      if (!expected || !isAlreadyExists(err)) throw err;
      // Adopted from another namespace: new here, so a failed import takes it back.
      if (!had) this.created.add(expected);
      // Already in the store: read the head for sniffing and skip the rest.
      let head = Buffer.alloc(0);
      for await (const c of e) if (head.length < HEAD) head = Buffer.concat([head, c as Buffer]);
      return { kind: 'stored', digest: expected, size, head: head.subarray(0, HEAD) };
    }
    let head = Buffer.alloc(0);
    try {
      const inflight: Promise<void>[] = [];
      let offset = 0;
      let parts: Buffer[] = [];
      let len = 0;
      const send = () => {
        const frame = Buffer.concat(parts, len);
        const p = w.write(offset, frame);
        p.catch(() => undefined);
        inflight.push(p);
        offset += len;
        parts = [];
        len = 0;
      };
      for await (const c of e) {
        const chunk = c as Buffer;
        if (head.length < HEAD) head = Buffer.concat([head, chunk.subarray(0, HEAD)]).subarray(0, HEAD);
        parts.push(chunk);
        len += chunk.length;
        if (len >= FRAME) {
          send();
          if (inflight.length >= WINDOW) await inflight.shift();
        }
      }
      if (len > 0) send();
      await Promise.all(inflight);
      let digest: string;
      try {
        digest = await w.commit(size, expected);
        this.created.add(digest);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        digest = w.digest();
      }
      return { kind: 'stored', digest, size, head };
    } catch (err) {
      await w.close().catch(() => undefined);
      await this.content.abort(this.ns, ref).catch(() => undefined);
      if (expected && isFailedPrecondition(err))
        throw failedPrecondition(`${name} does not match its digest ${expected}`, err);
      throw err;
    }
  }

  private async has(digest: string): Promise<boolean> {
    try {
      await this.content.info(this.ns, digest);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** The file named `path` in the archive; FailedPrecondition when it is missing. */
  get(path: string, what: string): ArchiveFile {
    const f = this.files.get(clean(path));
    if (!f) throw failedPrecondition(`${what} ${path} is missing from the archive`);
    return f;
  }

  /** The bytes of a small file (manifests, configs). */
  data(f: ArchiveFile, what: string): Buffer {
    if (f.kind !== 'mem') throw failedPrecondition(`${what} is too large (${f.size} bytes)`);
    return f.data;
  }

  /** The digest and size of a file's content. */
  describe(f: ArchiveFile): { digest: string; size: number } {
    return f.kind === 'mem' ? { digest: sha256(f.data), size: f.size } : { digest: f.digest, size: f.size };
  }

  head(f: ArchiveFile): Buffer {
    return f.kind === 'mem' ? f.data.subarray(0, HEAD) : f.head;
  }

  /** Makes sure `f` is a committed blob in the store with `labels` merged in; returns its digest. */
  async commit(f: ArchiveFile, labels: Labels = {}): Promise<string> {
    const { digest, size } = this.describe(f);
    this.used.add(digest);
    if (f.kind === 'mem') {
      const ref = `import-${randomUUID()}`;
      const had = await this.has(digest);
      try {
        const w = await this.content.writer(this.ns, { ref, total: size, expected: digest });
        try {
          if (size > 0) await w.write(0, f.data);
          await w.commit(size, digest, labels);
        } catch (err) {
          await w.close().catch(() => undefined);
          await this.content.abort(this.ns, ref).catch(() => undefined);
          throw err;
        }
        this.created.add(digest);
        return digest;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        if (!had) this.created.add(digest);
      }
    }
    await setBlobLabels(this.content, this.ns, digest, labels);
    return digest;
  }

  /** Removes what this import added and nothing refers to (every blob it added, after a failure). */
  async discard(all: boolean): Promise<void> {
    for (const d of this.created)
      if (all || !this.used.has(d)) await this.content.delete(this.ns, d).catch(() => undefined);
  }
}
