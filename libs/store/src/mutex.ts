/**
 * Per-key async locks. LevelDB has atomic batches but no read-modify-write
 * transactions, so metadata modules serialise updates of one record (or one
 * namespace) through a KeyedMutex — the counterpart of bolt's Update().
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every earlier holder of `key` has finished; returns its result. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      // Drop the entry when nobody queued behind us, so the map does not grow forever.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Reports whether someone holds or waits for `key`. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }
}
