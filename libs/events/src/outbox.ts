/**
 * A bounded FIFO of encoded events waiting for NATS. Publishing an event never
 * blocks or fails the operation that produced it: the event goes here, and is
 * removed only once the bus has acknowledged it. When full, the oldest event is
 * dropped and counted, so a long NATS outage costs old events, not memory.
 */
export interface OutboxItem {
  subject: string;
  data: Uint8Array;
}

export class Outbox {
  private items: OutboxItem[] = [];
  private head = 0;
  /** Events dropped because the outbox was full, since start. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: OutboxItem): void {
    if (this.size >= this.capacity) {
      this.head++;
      this.dropped++;
    }
    this.items.push(item);
    this.compact();
  }

  /** Returns up to `n` oldest items without removing them. */
  peek(n: number): OutboxItem[] {
    return this.items.slice(this.head, this.head + n);
  }

  /** Removes `item` if it is still queued (it may have been dropped meanwhile). */
  remove(item: OutboxItem): void {
    const i = this.items.indexOf(item, this.head);
    if (i < 0) return;
    if (i === this.head) this.head++;
    else this.items.splice(i, 1);
    this.compact();
  }

  private compact(): void {
    // Reclaim the consumed prefix once it dominates, keeping push/remove amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
