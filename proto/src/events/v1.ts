// containerd.services.events.v1: Events service (EventsService, EventsClient), Envelope and requests.
// Re-exports the ts-proto output for this API (generated into ./gen by scripts/gen.mjs).
export * from '../gen/containerd/services/events/v1/events.js';
