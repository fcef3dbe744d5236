// containerd.services.diff.v1: Diff service (DiffService, DiffClient) and messages.
// Re-exports the ts-proto output for this API (generated into ./gen by scripts/gen.mjs).
export * from '../gen/containerd/services/diff/v1/diff.js';
