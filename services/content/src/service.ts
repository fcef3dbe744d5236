/**
 * LocalContentStore: the ContentStore on disk, composing FsBlobStore (bytes)
 * and ContentMetadata (per-namespace records), like containerd's metadata
 * wrapper around its local store. Blobs are shared on disk and visible only in
 * the namespaces that committed (or re-committed) them.
 */
import { createHash } from 'node:crypto';
import { alreadyExists, fromSystemError, notFound, unavailable, invalidArgument } from '@berth/errdefs';
import {
  parseDigest,
  type ContentStore,
  type Info,
  type OpenWriterOptions,
  type Status,
  type Writer,
} from '@berth/content';
import { applyLabelMask, validateLabels, type Labels } from '@berth/labels';
import { parseFilters, recordAdaptor } from '@berth/filters';
import { KeyedMutex } from '@berth/store';
import type { Logger } from '@berth/log';
import type { FsBlobStore } from './blob-store.js';
import { type IngestState } from './blob-store.js';
import type { BlobRecord, ContentMetadata } from './metadata.js';
import { IngestWriter } from './writer.js';

/** What the store reports to the outside world; wired to NATS and the leases service in main.ts. */
export interface ContentHooks {
  /** A blob was removed from a namespace (`/content/delete`). */
  deleted(ns: string, digest: string): void;
  /** A call under `lease` created this resource; the lease must then protect it. */
  leased(ns: string, lease: string, resource: { id: string; type: 'content' | 'ingests' }): Promise<void>;
}

const toInfo = (digest: string, r: BlobRecord): Info => ({
  digest,
  size: r.size,
  createdAt: new Date(r.createdAt),
  updatedAt: new Date(r.updatedAt),
  labels: r.labels,
});

export class LocalContentStore implements ContentStore {
  private readonly locks = new Set<string>();
  /** Serialises delete against commit/adoption of the same digest (file removal vs new reference). */
  private readonly digests = new KeyedMutex();

  constructor(
    private readonly blobs: FsBlobStore,
    private readonly meta: ContentMetadata,
    private readonly hooks: ContentHooks,
    private readonly log: Logger,
  ) {}

  async info(ns: string, digest: string): Promise<Info> {
    const rec = await this.meta.get(ns, parseDigest(digest));
    if (!rec) throw notFound(`content digest ${digest}: not found`);
    return toInfo(digest, rec);
  }

  async update(ns: string, info: Pick<Info, 'digest' | 'labels'>, paths?: string[]): Promise<Info> {
    const digest = parseDigest(info.digest);
    const rec = await this.meta.get(ns, digest);
    if (!rec) throw notFound(`content digest ${digest}: not found`);
    const labels = applyLabelMask(rec.labels, info.labels, paths);
    const next = { ...rec, labels, updatedAt: new Date().toISOString() };
    await this.meta.put(ns, digest, next);
    return toInfo(digest, next);
  }

  async *list(ns: string, filters: string[] = []): AsyncGenerator<Info> {
    const f = parseFilters(filters);
    for (const [digest, rec] of await this.meta.list(ns)) {
      if (f.match(recordAdaptor({ digest, size: String(rec.size) }, rec.labels))) yield toInfo(digest, rec);
    }
  }

  async delete(ns: string, digest: string): Promise<void> {
    parseDigest(digest);
    await this.digests.run(digest, async () => {
      if (!(await this.meta.get(ns, digest))) throw notFound(`content digest ${digest}: not found`);
      await this.meta.delete(ns, digest);
      // The bytes go once no namespace references them. Metadata first: a crash in
      // between leaves an unreferenced file, which reconcile() removes at start.
      if (!(await this.meta.referenced(digest))) await this.blobs.removeBlob(digest);
    });
    this.hooks.deleted(ns, digest);
  }

  async *read(ns: string, digest: string, offset = 0, size = 0): AsyncGenerator<Uint8Array> {
    await this.info(ns, digest);
    yield* (await this.blobs.openRead(digest, offset, size)) as AsyncIterable<Uint8Array>;
  }

  async status(ns: string, ref: string): Promise<Status> {
    const st = await this.blobs.readIngest(this.blobs.ingestPath(ns, validateRef(ref)));
    if (!st || st.ns !== ns) throw notFound(`ingest ref ${JSON.stringify(ref)}: not found`);
    return toStatus(st);
  }

  async listStatuses(ns: string, filters: string[] = []): Promise<Status[]> {
    const f = parseFilters(filters);
    const out: Status[] = [];
    for (const dir of await this.blobs.listIngestDirs()) {
      const st = await this.blobs.readIngest(dir);
      if (st && st.ns === ns && f.match(recordAdaptor({ ref: st.ref, expected: st.expected }, undefined)))
        out.push(toStatus(st));
    }
    return out.sort((a, b) => a.ref.localeCompare(b.ref));
  }

  async abort(ns: string, ref: string): Promise<void> {
    const lock = lockKey(ns, validateRef(ref));
    if (this.locks.has(lock))
      throw unavailable(`ref ${JSON.stringify(ref)} is being written by another client`);
    const dir = this.blobs.ingestPath(ns, ref);
    if (!(await this.blobs.readIngest(dir))) throw notFound(`ingest ref ${JSON.stringify(ref)}: not found`);
    await this.blobs.removeIngest(dir);
  }

  async writer(ns: string, opts: OpenWriterOptions, lease?: string): Promise<Writer> {
    const ref = validateRef(opts.ref);
    const expected = opts.expected ? parseDigest(opts.expected) : '';
    if (expected && (await this.alreadyHave(ns, expected, lease)))
      throw alreadyExists(`content ${expected}: already exists`);
    const lock = lockKey(ns, ref);
    // Two writers on one ref would interleave bytes: the second is told to retry (containerd: Unavailable).
    if (this.locks.has(lock))
      throw unavailable(`ref ${JSON.stringify(ref)} is locked: another client is writing it`);
    this.locks.add(lock);
    try {
      if (lease) await this.hooks.leased(ns, lease, { id: ref, type: 'ingests' });
      const state = await this.blobs.openIngest(ns, ref, opts.total ?? 0, expected);
      const { fh, hash, offset } = await this.blobs.openData(state.dir);
      return new IngestWriter(state, fh, hash, offset, () => createHash('sha256'), {
        publish: (st, digest, size, labels) => this.publish(ns, st, digest, size, labels, lease),
        release: () => this.locks.delete(lock),
      });
    } catch (err) {
      this.locks.delete(lock);
      throw fromSystemError(err, `open ingest ${ref}`);
    }
  }

  /**
   * Reports whether `digest` is already committed for this namespace. Bytes that
   * another namespace committed are adopted here without a re-upload (containerd's
   * shared policy), since the digest proves the caller knows the content.
   */
  private alreadyHave(ns: string, digest: string, lease?: string): Promise<boolean> {
    return this.digests.run(digest, () => this.adopt(ns, digest, lease));
  }

  private async adopt(ns: string, digest: string, lease?: string): Promise<boolean> {
    if (await this.meta.get(ns, digest)) return true;
    const size = await this.blobs.blobSize(digest);
    if (size === undefined || !(await this.meta.referenced(digest))) return false;
    await this.record(ns, digest, size, {}, lease);
    return true;
  }

  private async publish(
    ns: string,
    st: IngestState,
    digest: string,
    size: number,
    labels: Labels,
    lease?: string,
  ) {
    validateLabels(labels);
    const fresh = await this.blobs.publish(st.dir, digest);
    const existing = await this.meta.get(ns, digest);
    if (existing && !fresh) {
      // Same bytes committed twice in this namespace: keep the record, merge labels.
      await this.meta.put(ns, digest, { ...existing, labels: { ...existing.labels, ...labels } });
      throw alreadyExists(`content ${digest}: already exists`);
    }
    await this.record(ns, digest, size, labels, lease);
  }

  private async record(ns: string, digest: string, size: number, labels: Labels, lease?: string) {
    if (lease) await this.hooks.leased(ns, lease, { id: digest, type: 'content' });
    const now = new Date().toISOString();
    await this.meta.put(ns, digest, { size, createdAt: now, updatedAt: now, labels });
  }

  /**
   * Brings disk and metadata back in line after a crash: removes blobs no
   * namespace references, half-created ingests, and records whose bytes vanished.
   */
  async reconcile(): Promise<{ orphanBlobs: number; brokenIngests: number; missingBlobs: number }> {
    const referenced = await this.meta.allReferenced();
    let orphanBlobs = 0;
    let brokenIngests = 0;
    let missingBlobs = 0;
    const onDisk = new Set(await this.blobs.listBlobs());
    for (const d of onDisk)
      if (!referenced.has(d)) {
        await this.blobs.removeBlob(d);
        orphanBlobs++;
      }
    for (const d of referenced)
      if (!onDisk.has(d)) {
        this.log.error({ digest: d }, 'blob missing on disk; dropping its metadata');
        for (const ns of await this.meta.namespacesOf(d)) await this.meta.delete(ns, d);
        missingBlobs++;
      }
    for (const dir of await this.blobs.listIngestDirs())
      if (!(await this.blobs.readIngest(dir))) {
        await this.blobs.removeIngest(dir);
        brokenIngests++;
      }
    return { orphanBlobs, brokenIngests, missingBlobs };
  }
}

const lockKey = (ns: string, ref: string) => `${ns}\0${ref}`;

function validateRef(ref: string): string {
  if (!ref) throw invalidArgument('ingest ref must not be empty');
  if (ref.length > 1024) throw invalidArgument('ingest ref is longer than 1024 characters');
  return ref;
}

const toStatus = (st: IngestState): Status => ({
  ref: st.ref,
  offset: st.offset,
  total: st.total,
  expected: st.expected,
  startedAt: new Date(st.startedAt),
  updatedAt: st.updatedAt,
});
