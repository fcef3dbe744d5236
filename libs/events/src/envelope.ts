/**
 * Encoding events as containerd envelopes. Any type URLs are the bare proto
 * name (`containerd.events.ContentDelete`), never `type.googleapis.com/…`:
 * ctr drops events it cannot resolve.
 */
import { Envelope } from '@berth/proto/events/v1';
import type { Any } from '@berth/proto/google';

/** Something ts-proto generated: it can encode itself. */
export interface MessageType<T> {
  encode(message: T): { finish(): Uint8Array };
}

/** Packs a message into an Any with a bare type URL. */
export function packAny<T>(typeUrl: string, type: MessageType<T>, message: T): Any {
  return { typeUrl, value: Buffer.from(type.encode(message).finish()) };
}

export function encodeEnvelope(ns: string, topic: string, event: Any, timestamp = new Date()): Uint8Array {
  return Envelope.encode({ timestamp, namespace: ns, topic, event }).finish();
}

export function decodeEnvelope(data: Uint8Array): Envelope {
  return Envelope.decode(data);
}
