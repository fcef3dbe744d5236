/**
 * One open ingest. Appends are hashed as they arrive and written through one
 * file handle; the disk write of a chunk overlaps the client sending the next
 * one (the offset it reports is what it has accepted, and a crash loses nothing
 * visible: resumption restarts from the size actually on disk).
 */
import type { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { failedPrecondition, outOfRange } from '@berth/errdefs';
import type { Status, Writer } from '@berth/content';
import type { Labels } from '@berth/labels';
import type { IngestState } from './blob-store.js';

const MAX_QUEUED = 64 << 20;

export interface WriterHooks {
  /** Verifies nothing more; publishes the fsynced data file under `digest` and records metadata. */
  publish(state: IngestState, digest: string, size: number, labels: Labels): Promise<void>;
  /** Releases the ref lock. */
  release(): void;
}

export class IngestWriter implements Writer {
  private pending: Promise<unknown> = Promise.resolve();
  /** Bytes accepted but not yet on disk; bounded so a fast sender cannot fill memory. */
  private queued = 0;
  private failed: unknown;
  private updatedAt = new Date();
  private closed = false;

  constructor(
    private readonly state: IngestState,
    private readonly fh: FileHandle,
    private hash: ReturnType<typeof createHash>,
    private offset: number,
    private readonly newHash: () => ReturnType<typeof createHash>,
    private readonly hooks: WriterHooks,
  ) {}

  get ref(): string {
    return this.state.ref;
  }

  status(): Status {
    return {
      ref: this.state.ref,
      offset: this.offset,
      total: this.state.total,
      expected: this.state.expected,
      startedAt: new Date(this.state.startedAt),
      updatedAt: this.updatedAt,
    };
  }

  digest(): string {
    return `sha256:${this.hash.copy().digest('hex')}`;
  }

  async write(offset: number, data: Uint8Array): Promise<void> {
    if (this.failed) throw this.failed;
    if (offset === 0 && this.offset > 0) {
      // containerd semantics: a write at 0 restarts the ingest.
      await this.pending;
      await this.fh.truncate(0);
      this.hash = this.newHash();
      this.offset = 0;
    } else if (offset !== this.offset) {
      throw outOfRange(`write at offset ${offset} must occur at the current offset ${this.offset}`);
    }
    if (this.state.total && this.offset + data.length > this.state.total)
      throw failedPrecondition(
        `write of ${data.length} bytes at ${this.offset} exceeds the expected size ${this.state.total}`,
      );
    if (this.queued > MAX_QUEUED) await this.pending;
    this.hash.update(data);
    const at = this.offset;
    this.offset += data.length;
    this.updatedAt = new Date();
    // Chain the disk write; the next write/commit awaits it, so writes stay ordered.
    this.pending = this.pending
      .then(() => this.fh.write(data, 0, data.length, at))
      .catch((err) => {
        this.failed ??= err;
      });
  }

  async commit(size: number, expected: string, labels: Labels = {}): Promise<string> {
    await this.flush();
    if (size > 0 && size !== this.offset)
      throw failedPrecondition(`unexpected commit size ${this.offset}, expected ${size}`);
    const want = expected || this.state.expected;
    const got = this.digest();
    if (want && got !== want) throw failedPrecondition(`unexpected commit digest ${got}, expected ${want}`);
    await this.fh.sync();
    await this.fh.close();
    this.closed = true;
    try {
      await this.hooks.publish(this.state, got, this.offset, labels);
    } finally {
      this.hooks.release();
    }
    return got;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pending;
    await this.fh.close().catch(() => undefined);
    this.hooks.release();
  }

  private async flush(): Promise<void> {
    await this.pending;
    if (this.failed) throw this.failed;
  }
}
