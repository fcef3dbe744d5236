// containerd.services.tasks.v1: Tasks service (TasksService, TasksClient, TasksServer) and its
// request/response messages. Process, ProcessInfo and Status (package containerd.v1.types) come
// from "@berth/proto/types"; the runc option payloads from "@berth/proto/runc".
// Re-exports the ts-proto output for this API (generated into ./gen by scripts/gen.mjs).
export * from '../gen/containerd/services/tasks/v1/tasks.js';
