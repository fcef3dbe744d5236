/**
 * Live event subscription over core NATS (no JetStream consumer state), used by
 * the gateway's Events.Subscribe and by services reacting to each other.
 */
import { connect, type NatsConnection, type Subscription } from 'nats';
import { unavailable } from '@berth/errdefs';
import type { Envelope } from '@berth/proto/events/v1';
import { decodeEnvelope } from './envelope.js';
import { subjectPattern } from './subject.js';

export interface EventBus {
  /** Yields envelopes as they are published, for one namespace or all; ends when `signal` aborts. */
  subscribe(opts: { ns?: string; signal?: AbortSignal }): AsyncIterable<Envelope>;
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
