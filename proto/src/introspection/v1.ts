// containerd.services.introspection.v1: Introspection service (IntrospectionService, IntrospectionClient).
// Re-exports the ts-proto output for this API (generated into ./gen by scripts/gen.mjs).
export * from '../gen/containerd/services/introspection/v1/introspection.js';
