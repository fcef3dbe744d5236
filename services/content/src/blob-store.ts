/**
 * Bytes on disk. Nothing here knows about namespaces' metadata; service.ts
 * composes this with metadata.ts.
 *
 *   <root>/blobs/sha256/<hex>          committed blobs, immutable, shared by namespaces
 *   <root>/ingest/<key>/meta.json      {ns, ref, total, expected, startedAt}
 *   <root>/ingest/<key>/data           bytes written so far (its size is the offset)
 *
 * <key> is sha256(ns NUL ref), so refs may hold any characters and two
 * namespaces' ingests never collide. A blob appears only by rename(2) of a
 * verified, fsynced data file: a crash at any point leaves either no blob or the
 * whole blob, and the ingest (if any) can be resumed from the size of `data`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { join } from 'node:path';
import { fromSystemError, notFound, outOfRange } from '@berth/errdefs';
import { digestHex } from '@berth/content';

export interface IngestMeta {
  ns: string;
  ref: string;
  total: number;
  expected: string;
  startedAt: string;
}

export interface IngestState extends IngestMeta {
  dir: string;
  offset: number;
  updatedAt: Date;
}

export class FsBlobStore {
  readonly blobsDir: string;
  readonly ingestDir: string;

  constructor(readonly root: string) {
    this.blobsDir = join(root, 'blobs', 'sha256');
    this.ingestDir = join(root, 'ingest');
  }

  async init(): Promise<void> {
    await mkdir(this.blobsDir, { recursive: true });
    await mkdir(this.ingestDir, { recursive: true });
  }

  blobPath(digest: string): string {
    return join(this.blobsDir, digestHex(digest));
  }

  ingestPath(ns: string, ref: string): string {
    return join(this.ingestDir, createHash('sha256').update(`${ns}\0${ref}`).digest('hex'));
  }

  /** Returns the blob's size, or undefined when it is not on disk. */
  async blobSize(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.blobPath(digest))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fromSystemError(err, `stat blob ${digest}`);
    }
  }

  /** Streams `size` bytes (<= 0: to the end) from `offset`. OutOfRange past the end. */
  async openRead(digest: string, offset: number, size: number): Promise<NodeJS.ReadableStream> {
    const total = await this.blobSize(digest);
    if (total === undefined) throw notFound(`content digest ${digest}: blob missing on disk`);
    if (offset < 0 || offset > total)
      throw outOfRange(`read offset ${offset} is beyond the blob size ${total}`);
    const end = size > 0 ? Math.min(total, offset + size) - 1 : total - 1;
    return createReadStream(this.blobPath(digest), {
      start: offset,
      end: Math.max(end, offset - 1),
      highWaterMark: 1 << 20,
    });
  }

  async removeBlob(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  async listBlobs(): Promise<string[]> {
    return (await readdir(this.blobsDir)).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((h) => `sha256:${h}`);
  }

  /** Reads an ingest's state, or undefined when there is none (or it is half-created). */
  async readIngest(dir: string): Promise<IngestState | undefined> {
    try {
      const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as IngestMeta;
      const st = await stat(join(dir, 'data'));
      return { ...meta, dir, offset: st.size, updatedAt: st.mtime };
    } catch {
      return undefined;
    }
  }

  /** Creates the ingest if needed and returns its state; a changed `expected` restarts it. */
  async openIngest(ns: string, ref: string, total: number, expected: string): Promise<IngestState> {
    const dir = this.ingestPath(ns, ref);
    const cur = await this.readIngest(dir);
    if (cur && !(expected && cur.expected && cur.expected !== expected)) {
      if ((total && total !== cur.total) || (expected && !cur.expected))
        await this.writeMeta(dir, { ...cur, total: total || cur.total, expected: expected || cur.expected });
      return { ...cur, total: total || cur.total, expected: expected || cur.expected };
    }
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const meta: IngestMeta = { ns, ref, total, expected, startedAt: new Date().toISOString() };
    // data first, meta.json last: an ingest without meta.json is half-created and gc removes it.
    await writeFile(join(dir, 'data'), '');
    await this.writeMeta(dir, meta);
    return { ...meta, dir, offset: 0, updatedAt: new Date() };
  }

  private async writeMeta(dir: string, meta: IngestMeta): Promise<void> {
    const { ns, ref, total, expected, startedAt } = meta;
    await writeFile(join(dir, 'meta.json.tmp'), JSON.stringify({ ns, ref, total, expected, startedAt }));
    await rename(join(dir, 'meta.json.tmp'), join(dir, 'meta.json'));
  }

  /** Opens the data file for appending and replays it into a fresh hash (resumption). */
  async openData(
    dir: string,
  ): Promise<{ fh: FileHandle; hash: ReturnType<typeof createHash>; offset: number }> {
    const path = join(dir, 'data');
    const hash = createHash('sha256');
    let offset = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
      offset += (chunk as Buffer).length;
    }
    const fh = await open(path, 'r+');
    return { fh, hash, offset };
  }

  /** Moves a verified data file into place. Returns false if the blob already existed. */
  async publish(dir: string, digest: string): Promise<boolean> {
    const target = this.blobPath(digest);
    const existed = (await this.blobSize(digest)) !== undefined;
    if (!existed) {
      await rename(join(dir, 'data'), target);
      // fsync the directory so the rename itself survives a power cut.
      const dh = await open(this.blobsDir, 'r');
      await dh.sync().finally(() => dh.close());
    }
    await rm(dir, { recursive: true, force: true });
    return !existed;
  }

  async removeIngest(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  async listIngestDirs(): Promise<string[]> {
    return (await readdir(this.ingestDir)).map((n) => join(this.ingestDir, n));
  }
}
