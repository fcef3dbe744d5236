// containerd.services.content.v1: Content service (ContentService, ContentClient) and messages.
// Re-exports the ts-proto output for this API (generated into ./gen by scripts/gen.mjs).
export * from '../gen/containerd/services/content/v1/content.js';
