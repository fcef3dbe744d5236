/**
 * The diffID hash. sha256 costs about as much CPU as GNU tar spends unpacking a layer that
 * is in the page cache, so for large layers it runs on a worker thread beside the
 * extraction. Small layers never pay the worker's start-up: chunks are held (not copied)
 * until THRESHOLD bytes have been seen, and hashed inline if the stream ends before.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

const THRESHOLD = 8 << 20;
const BATCH = 1 << 20;

// CommonJS, run with eval: the worker needs no file of its own (bundles, dist, sources).
const WORKER = `
const { parentPort } = require('node:worker_threads');
const hash = require('node:crypto').createHash('sha256');
parentPort.on('message', (m) => {
  if (m === null) {
    parentPort.postMessage(hash.digest('hex'));
    parentPort.close();
  } else hash.update(m);
});
`;

export class LayerHash {
  private held: Buffer[] = [];
  private heldLen = 0;
  private worker: Worker | undefined;
  private failure: Error | undefined;
  private batch: Uint8Array | undefined;
  private batchLen = 0;

  /** Adds `chunk` to the hash. The caller must not modify it afterwards. */
  update(chunk: Buffer): void {
    if (this.worker) return this.send(chunk);
    this.held.push(chunk);
    this.heldLen += chunk.length;
    if (this.heldLen < THRESHOLD) return;
    this.worker = new Worker(WORKER, { eval: true });
    this.worker.on('error', (err) => (this.failure = err));
    for (const c of this.held) this.send(c);
    this.held = [];
  }

  /** Returns the hex sha256 of everything added. Call once. */
  async digest(): Promise<string> {
    const worker = this.worker;
    if (!worker) {
      const h = createHash('sha256');
      for (const c of this.held) h.update(c);
      return h.digest('hex');
    }
    this.flush();
    return await new Promise<string>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', () => reject(new Error('sha256 worker exited without a digest')));
      worker.postMessage(null);
    });
  }

  /** Stops the worker, if any (after a failure, or after digest). */
  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.held = [];
  }

  // Copies into transferable 1 MiB batches: chunks are often views of larger buffers, and
  // posting a view would clone its whole backing store.
  private send(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      this.batch ??= new Uint8Array(BATCH);
      const n = Math.min(chunk.length - off, BATCH - this.batchLen);
      this.batch.set(chunk.subarray(off, off + n), this.batchLen);
      this.batchLen += n;
      off += n;
      if (this.batchLen === BATCH) this.flush();
    }
  }

  private flush(): void {
    if (!this.batch || this.batchLen === 0) return;
    const out = this.batchLen === BATCH ? this.batch : this.batch.slice(0, this.batchLen);
    this.worker!.postMessage(out, [out.buffer as ArrayBuffer]);
    this.batch = undefined;
    this.batchLen = 0;
  }
}
