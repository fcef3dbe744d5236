// containerd.types: Descriptor, Mount, Platform, Metric; plus the task types Process, ProcessInfo
// and the Status enum (with statusFromJSON/statusToJSON), which live in package
// containerd.v1.types (protobufPackage below is "containerd.types").
// Every generated file exports its own copy of protobufPackage, protobufFileName and the
// helper types DeepPartial/Exact/MessageFns, so `export *` from several of them would be
// ambiguous; the names are listed explicitly instead (the containerd 1.6 set is frozen).
export {
  protobufPackage,
  Descriptor,
  Descriptor_AnnotationsEntry,
} from './gen/containerd/types/descriptor.js';
export type { DeepPartial, Exact, MessageFns } from './gen/containerd/types/descriptor.js';
export { Mount } from './gen/containerd/types/mount.js';
export { Platform } from './gen/containerd/types/platform.js';
export { Metric } from './gen/containerd/types/metrics.js';
export {
  Status,
  statusFromJSON,
  statusToJSON,
  Process,
  ProcessInfo,
} from './gen/containerd/types/task/task.js';
