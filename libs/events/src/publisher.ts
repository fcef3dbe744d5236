/**
 * Publishes events to NATS JetStream through the outbox. `publish` is
 * synchronous and cannot fail; a background loop connects (and reconnects
 * forever), makes sure the audit stream exists, and sends queued events,
 * removing each only after JetStream acknowledges it.
 */
import { connect, type NatsConnection, type JetStreamClient } from 'nats';
import type { Any } from '@berth/proto/google';
import type { Logger } from '@berth/log';
import { encodeEnvelope } from './envelope.js';
import { Outbox, type OutboxItem } from './outbox.js';
import { subjectFor } from './subject.js';
import { ensureStream } from './stream.js';

export interface EventPublisher {
  /** Queues an event; never throws for bus trouble (it does for an invalid topic — a bug). */
  publish(ns: string, topic: string, event: Any): void;
  /** Queues an already-built envelope (Events.Forward). */
  forward(ns: string, topic: string, event: Any, timestamp: Date): void;
  /** Events waiting for the bus. */
  pending(): number;
  /** Tries to send what is queued within `timeoutMs`, then disconnects. */
  close(timeoutMs?: number): Promise<void>;
}

export interface PublisherOptions {
  /** NATS servers, e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  log: Logger;
  /** Outbox capacity in events (default 10 000). */
  capacity?: number;
  /** Events sent concurrently while waiting for acks (default 64). */
  window?: number;
  /** Client name shown by the NATS server. */
  name?: string;
}

class NatsPublisher implements EventPublisher {
  private readonly outbox: Outbox;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private draining = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: PublisherOptions) {
    this.outbox = new Outbox(opts.capacity ?? 10_000);
    void this.connectLoop().catch((err) => opts.log.error({ err }, 'event bus connection failed'));
  }

  publish(ns: string, topic: string, event: Any): void {
    this.forward(ns, topic, event, new Date());
  }

  forward(ns: string, topic: string, event: Any, timestamp: Date): void {
    const before = this.outbox.dropped;
    this.outbox.push({ subject: subjectFor(ns, topic), data: encodeEnvelope(ns, topic, event, timestamp) });
    if (this.outbox.dropped !== before && this.outbox.dropped % 1000 === 1)
      this.opts.log.warn({ dropped: this.outbox.dropped }, 'event outbox full, dropping oldest events');
    this.kick();
  }

  pending(): number {
    return this.outbox.size;
  }

  async close(timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.outbox.size > 0 && this.js && Date.now() < deadline) {
      this.kick();
      await new Promise((r) => setTimeout(r, 20));
    }
    this.closed = true;
    clearTimeout(this.retryTimer);
    if (this.outbox.size)
      this.opts.log.warn({ pending: this.outbox.size }, 'closing with undelivered events');
    await this.nc?.close().catch(() => undefined);
  }

  private async connectLoop(): Promise<void> {
    // waitOnFirstConnect: keep trying in the background when NATS is not up yet, instead of failing start-up.
    const nc = await connect({
      servers: this.opts.servers,
      name: this.opts.name,
      waitOnFirstConnect: true,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    if (this.closed) return void nc.close();
    this.nc = nc;
    this.js = nc.jetstream();
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'reconnect') {
          this.opts.log.info('event bus reconnected');
          this.kick();
        } else if (s.type === 'disconnect') this.opts.log.warn('event bus disconnected; queueing events');
      }
    })();
    this.kick();
  }

  private kick(): void {
    if (this.draining || this.closed || !this.js || !this.nc) return;
    this.draining = true;
    void this.drain().finally(() => {
      this.draining = false;
    });
  }

  private async drain(): Promise<void> {
    const js = this.js!;
    let streamChecked = false;
    while (!this.closed && this.outbox.size > 0) {
      const batch = this.outbox.peek(this.opts.window ?? 64);
      try {
        if (!streamChecked) {
          await ensureStream(this.nc!);
          streamChecked = true;
        }
        await Promise.all(batch.map((item) => this.send(js, item)));
      } catch (err) {
        // Bus down or stream missing: keep the events, retry later.
        this.opts.log.debug(
          { err: (err as Error).message, pending: this.outbox.size },
          'event publish deferred',
        );
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.kick(), 500);
        return;
      }
    }
  }

  private async send(js: JetStreamClient, item: OutboxItem): Promise<void> {
    await js.publish(item.subject, item.data, { timeout: 2_000 });
    this.outbox.remove(item);
  }
}

/** Creates a publisher; returns at once even when NATS is down. */
export function createPublisher(opts: PublisherOptions): EventPublisher {
  return new NatsPublisher(opts);
}
