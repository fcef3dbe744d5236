/** Plain data exchanged with the content store. */
import type { Labels } from '@berth/labels';

/** A committed blob as seen in one namespace. */
export interface Info {
  digest: string;
  size: number;
  createdAt: Date;
  updatedAt: Date;
  labels: Labels;
}

/** An ingest in progress (resumable by its ref). */
export interface Status {
  ref: string;
  /** Bytes written so far. */
  offset: number;
  /** Expected total size, 0 when unknown. */
  total: number;
  /** Expected digest, '' when unknown. */
  expected: string;
  startedAt: Date;
  updatedAt: Date;
}
