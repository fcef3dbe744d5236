// containerd.services.leases.v1: Leases service (LeasesService, LeasesClient) and messages.
// Re-exports the ts-proto output for this API (generated into ./gen by scripts/gen.mjs).
export * from '../gen/containerd/services/leases/v1/leases.js';
