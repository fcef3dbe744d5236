/**
 * @module @berth/events — containerd event envelopes on NATS: topic↔subject
 * mapping, a publisher with a bounded outbox that never blocks an operation,
 * a live subscriber, and the JetStream audit stream.
 */
export { createPublisher } from './publisher.js';
export type { EventPublisher, PublisherOptions } from './publisher.js';
export { connectBus } from './subscriber.js';
export type { EventBus } from './subscriber.js';
export { packAny, encodeEnvelope, decodeEnvelope } from './envelope.js';
export type { MessageType } from './envelope.js';
export { subjectFor, subjectPattern, parseSubject, validateTopic, SUBJECT_ROOT } from './subject.js';
export { Outbox } from './outbox.js';
export { STREAM_NAME, ensureStream } from './stream.js';
