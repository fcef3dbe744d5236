// containerd.services.snapshots.v1: Snapshots service (SnapshotsService, SnapshotsClient) and messages.
// Re-exports the ts-proto output for this API (generated into ./gen by scripts/gen.mjs).
export * from '../gen/containerd/services/snapshots/v1/snapshots.js';
