/**
 * The diffID hash. sha256 costs about as much CPU as GNU tar spends unpacking a layer, so
 * for large layers it runs on a worker thread beside the extraction:
 *
 * - Small layers never pay the worker's start-up (~25 ms): chunks are held (not copied)
 *   until THRESHOLD bytes have been seen, and hashed inline if the stream ends before.
 * - Past that, chunks are copied into a ring of SLOTS slots in a SharedArrayBuffer that
 *   the worker hashes from; the main thread's cost is one memcpy per byte. Messages with
 *   transferred buffers cost more (fresh pages per message) and were measurably slower.
 * - The main thread never blocks while extracting: when the ring is full, chunks wait in
 *   a queue (held, not copied) and are copied as slots free up; only digest() waits.
 *
 * Ring protocol (Int32 control words): HEAD = slots published by the main thread, TAIL =
 * slots hashed by the worker, LEN+i = bytes in slot i, -1 marking the end of the stream.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

const THRESHOLD = 8 << 20;
// Most bytes held while the worker lags (extraction outrunning sha256, e.g. on tmpfs);
// past this, update() waits for the worker instead of holding the whole layer in memory.
const MAX_QUEUED = 64 << 20;
const SLOT = 1 << 20;
const SLOTS = 16;
const HEAD = 0;
const TAIL = 1;
const LEN = 2;
const CTL_BYTES = (LEN + SLOTS) * 4;

// CommonJS, run with eval: the worker needs no file of its own (bundles, dist, sources).
const WORKER = `
const { parentPort, workerData: { sab, SLOT, SLOTS, HEAD, TAIL, LEN, CTL_BYTES } } = require('node:worker_threads');
const ctl = new Int32Array(sab, 0, LEN + SLOTS);
const data = new Uint8Array(sab, CTL_BYTES);
const hash = require('node:crypto').createHash('sha256');
for (let tail = 0; ; ) {
  if (Atomics.load(ctl, HEAD) === tail) {
    Atomics.wait(ctl, HEAD, tail);
    continue;
  }
  const i = tail % SLOTS;
  const len = ctl[LEN + i];
  if (len < 0) break;
  hash.update(data.subarray(i * SLOT, i * SLOT + len));
  Atomics.store(ctl, TAIL, ++tail);
  Atomics.notify(ctl, TAIL);
}
parentPort.postMessage(hash.digest('hex'));
`;

// ES2024 (Node 16+), not in this project's ES2023 lib.
interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: unknown };
}

export class LayerHash {
  private queue: Buffer[] = [];
  private queued = 0;
  private queueOff = 0;
  private worker: Worker | undefined;
  private failure: Error | undefined;
  private ctl: Int32Array | undefined;
  private data: Uint8Array | undefined;
  private head = 0;
  private fill = 0;

  /** Adds `chunk` to the hash. The caller must not modify it afterwards. */
  update(chunk: Buffer): void {
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (!this.worker) {
      if (this.queued >= THRESHOLD) this.start();
      return;
    }
    this.pump();
    // Blocking here: worker events cannot arrive, so a worker that makes no progress for
    // 10 s is taken as dead.
    for (let idle = 0; this.queued > MAX_QUEUED;) {
      const tail = Atomics.load(this.ctl!, TAIL);
      if (Atomics.wait(this.ctl!, TAIL, tail, 100) === 'timed-out' && ++idle > 100) {
        throw new Error('sha256 worker stalled');
      }
      this.pump();
    }
  }

  /** Returns the hex sha256 of everything added. Call once. */
  async digest(): Promise<string> {
    const worker = this.worker;
    if (!worker) {
      const h = createHash('sha256');
      for (const c of this.queue) h.update(c);
      return h.digest('hex');
    }
    const done = new Promise<string>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', () => reject(this.failure ?? new Error('sha256 worker exited without a digest')));
    });
    while (this.queue.length > 0) {
      this.pump();
      if (this.queue.length > 0) await this.slotFreed();
    }
    if (this.fill > 0) this.publish(this.fill);
    if (this.head - Atomics.load(this.ctl!, TAIL) >= SLOTS) await this.slotFreed();
    this.publish(-1);
    return await done;
  }

  /** Stops the worker, if any (after a failure, or after digest). */
  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.queue = [];
  }

  private start(): void {
    const sab = new SharedArrayBuffer(CTL_BYTES + SLOTS * SLOT);
    this.ctl = new Int32Array(sab, 0, LEN + SLOTS);
    this.data = new Uint8Array(sab, CTL_BYTES);
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { sab, SLOT, SLOTS, HEAD, TAIL, LEN, CTL_BYTES },
    });
    this.worker.on('error', (err) => (this.failure = err));
    this.worker.on('exit', () => (this.failure ??= new Error('sha256 worker exited')));
    this.pump();
    // Until the worker is up (~25 ms) the ring fills and chunks queue; that is expected.
  }

  private async slotFreed(): Promise<void> {
    const tail = Atomics.load(this.ctl!, TAIL);
    if (this.head - tail < SLOTS) return;
    if (this.failure) throw this.failure;
    const w = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.ctl!, TAIL, tail, 1000);
    if (w.async) await w.value;
  }

  // Copies queued chunks into free slots, without waiting.
  private pump(): void {
    const ctl = this.ctl!;
    const data = this.data!;
    while (this.queue.length > 0) {
      if (this.head - Atomics.load(ctl, TAIL) >= SLOTS) return;
      const chunk = this.queue[0]!;
      const n = Math.min(chunk.length - this.queueOff, SLOT - this.fill);
      data.set(chunk.subarray(this.queueOff, this.queueOff + n), (this.head % SLOTS) * SLOT + this.fill);
      this.fill += n;
      this.queueOff += n;
      if (this.queueOff === chunk.length) {
        this.queue.shift();
        this.queueOff = 0;
        this.queued -= chunk.length;
      }
      if (this.fill === SLOT) this.publish(SLOT);
    }
  }

  private publish(len: number): void {
    const ctl = this.ctl!;
    ctl[LEN + (this.head % SLOTS)] = len;
    Atomics.store(ctl, HEAD, ++this.head);
    Atomics.notify(ctl, HEAD);
    this.fill = 0;
  }
}
