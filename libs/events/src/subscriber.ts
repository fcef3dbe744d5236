/**
 * Live event subscription over core NATS (no JetStream consumer state), used by
 * the gateway's Events.Subscribe and by services reacting to each other.
 */
import { DeliverPolicy, connect, type NatsConnection, type Subscription } from 'nats';
import { notFound, unavailable } from '@berth/errdefs';
import type { Envelope } from '@berth/proto/events/v1';
import { decodeEnvelope } from './envelope.js';
import { subjectPattern } from './subject.js';
import { STREAM_NAME } from './stream.js';

export interface EventBus {
  /** Yields envelopes as they are published, for one namespace or all; ends when `signal` aborts. */
  subscribe(opts: { ns?: string; signal?: AbortSignal }): AsyncIterable<Envelope>;
  /**
   * Yields the recorded events published since `since`, oldest first; then ends, or with
   * `follow` goes on with new ones until `signal` aborts. NotFound before anything was recorded.
   */
  replay(opts: { since: Date; follow?: boolean; signal?: AbortSignal }): AsyncIterable<Envelope>;
  close(): Promise<void>;
}

class NatsBus implements EventBus {
  constructor(private readonly nc: NatsConnection) {}

  async *subscribe(opts: { ns?: string; signal?: AbortSignal }): AsyncGenerator<Envelope> {
    if (this.nc.isClosed()) throw unavailable('event bus connection is closed');
    const sub: Subscription = this.nc.subscribe(subjectPattern(opts.ns));
    const stop = () => sub.unsubscribe();
    opts.signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const m of sub) yield decodeEnvelope(m.data);
    } finally {
      opts.signal?.removeEventListener('abort', stop);
      sub.unsubscribe();
    }
  }

  async *replay(opts: { since: Date; follow?: boolean; signal?: AbortSignal }): AsyncGenerator<Envelope> {
    const js = this.nc.jetstream();
    const consumer = await js.consumers
      .get(STREAM_NAME, { deliver_policy: DeliverPolicy.StartTime, opt_start_time: opts.since.toISOString() })
      .catch((err: Error) => {
        throw /not found/i.test(err.message)
          ? notFound('no events have been recorded yet')
          : unavailable(`event history: ${err.message}`, err);
      });
    if (opts.follow) {
      const msgs = await consumer.consume();
      const stop = () => void msgs.stop();
      opts.signal?.addEventListener('abort', stop, { once: true });
      try {
        for await (const m of msgs) yield decodeEnvelope(m.data);
      } finally {
        opts.signal?.removeEventListener('abort', stop);
        await msgs.close();
      }
      return;
    }
    // Without follow: fetch in batches until the consumer reports nothing pending (or a fetch comes back empty).
    for (;;) {
      let seen = 0;
      let pending = 0;
      for await (const m of await consumer.fetch({ max_messages: 256, expires: 1_000 })) {
        seen++;
        pending = m.info.pending;
        yield decodeEnvelope(m.data);
      }
      if (seen === 0 || pending === 0 || opts.signal?.aborted) return;
    }
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

/**
 * Connects to NATS for subscribing. Unlike the publisher this waits for the
 * first connection in the background too: subscriptions made while NATS is
 * down start delivering once it is reachable.
 */
export async function connectBus(servers: string | string[], name?: string): Promise<EventBus> {
  const nc = await connect({
    servers,
    name,
    waitOnFirstConnect: true,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
  return new NatsBus(nc);
}
