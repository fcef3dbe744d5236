// containerd.services.namespaces.v1: Namespaces service (NamespacesService, NamespacesClient) and messages.
// Re-exports the ts-proto output for this API (generated into ./gen by scripts/gen.mjs).
export * from '../gen/containerd/services/namespaces/v1/namespace.js';
