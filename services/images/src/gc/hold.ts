/**
 * Keeps the collector away from work in flight in this process. Pull, import
 * and unpack write blobs and snapshots that nothing refers to until their last
 * step, and they hold no lease, so they run under a shared hold; a collection
 * takes the lock exclusively. Collections are preferred: once one waits, new
 * holds queue behind it, so a busy stream of pulls cannot starve it. Holds
 * must not nest (a nested hold would wait on a queued collection forever), so
 * they are taken at the Transfer level only.
 */
export class GcLock {
  private holds = 0;
  private collecting = false;
  private queuedCollections = 0;
  private waiters: (() => void)[] = [];

  /** Takes a shared hold; resolves with its release function. */
  async acquire(): Promise<() => void> {
    while (this.collecting || this.queuedCollections > 0) await this.wait();
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.wake();
    };
  }

  /** Runs `fn` with no hold and no other collection active. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.queuedCollections++;
    try {
      while (this.collecting || this.holds > 0) await this.wait();
    } finally {
      this.queuedCollections--;
    }
    this.collecting = true;
    try {
      return await fn();
    } finally {
      this.collecting = false;
      this.wake();
    }
  }

  /** Operations holding the lock now (for logs and tests). */
  get active(): number {
    return this.holds;
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** The process-wide lock the collector and the Transfer operations share. */
export const gcLock = new GcLock();

/** Runs `fn` while no collection may start. */
export async function withGcHold<T>(fn: () => Promise<T>, lock = gcLock): Promise<T> {
  const release = await lock.acquire();
  try {
    return await fn();
  } finally {
    release();
  }
}

/** The streaming form: the hold is taken at the first read and released when the stream ends or is closed. */
export async function* withGcHoldStream<T>(make: () => AsyncGenerator<T>, lock = gcLock): AsyncGenerator<T> {
  const release = await lock.acquire();
  try {
    yield* make();
  } finally {
    release();
  }
}
