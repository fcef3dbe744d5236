/**
 * The content store contract, split in roles as containerd's content package is.
 * The service implements it on disk; the gRPC proxy implements it for clients.
 *
 * Lifecycle of a blob: `writer(ref)` opens (or resumes) an ingest → `write`
 * appends at the current offset → `commit(size, expected)` verifies the size and
 * digest and makes the blob visible atomically. Until then nothing is visible.
 */
import type { Labels } from '@berth/labels';
import type { Info, Status } from './types.js';

export interface OpenWriterOptions {
  ref: string;
  /** Expected total size (0 = unknown). */
  total?: number;
  /** Expected digest ('' = unknown). If already present, opening throws AlreadyExists. */
  expected?: string;
}

/** An open ingest. Exactly one Writer per ref at a time; others get Unavailable. */
export interface Writer {
  readonly ref: string;
  status(): Status;
  /** The digest of the bytes written so far. */
  digest(): string;
  /** Appends `data`, which must start at `offset` (= current offset), or at 0 to restart. Throws OutOfRange otherwise. */
  write(offset: number, data: Uint8Array): Promise<void>;
  /**
   * Verifies and publishes the blob. `size` 0 and `expected` '' skip those checks.
   * Mismatch: FailedPrecondition, and no blob appears. Returns the digest.
   */
  commit(size: number, expected: string, labels?: Labels): Promise<string>;
  /** Releases the ref lock, keeping the ingest for later resumption. */
  close(): Promise<void>;
}

export interface Provider {
  /** Streams the blob from `offset`; `size` <= 0 reads to the end. OutOfRange past the end. */
  read(ns: string, digest: string, offset?: number, size?: number): AsyncIterable<Uint8Array>;
}

export interface Manager {
  /** Returns the blob's info in `ns`, or throws NotFound. */
  info(ns: string, digest: string): Promise<Info>;
  /** Updates labels by field mask; NotFound when absent. */
  update(ns: string, info: Pick<Info, 'digest' | 'labels'>, paths?: string[]): Promise<Info>;
  /** Lists blobs in `ns` matching any of the filters (containerd filter syntax). */
  list(ns: string, filters?: string[]): AsyncIterable<Info>;
  /** Removes the blob from `ns`; NotFound when absent. */
  delete(ns: string, digest: string): Promise<void>;
}

export interface IngestManager {
  status(ns: string, ref: string): Promise<Status>;
  listStatuses(ns: string, filters?: string[]): Promise<Status[]>;
  /** Drops the ingest and its data; NotFound when there is none. */
  abort(ns: string, ref: string): Promise<void>;
}

export interface Ingester {
  writer(ns: string, opts: OpenWriterOptions, lease?: string): Promise<Writer>;
}

export interface ContentStore extends Provider, Manager, IngestManager, Ingester {}
