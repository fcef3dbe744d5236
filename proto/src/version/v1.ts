// containerd.services.version.v1: Version service (VersionService, VersionClient).
// Re-exports the ts-proto output for this API (generated into ./gen by scripts/gen.mjs).
export * from '../gen/containerd/services/version/v1/version.js';
