// containerd.types: Descriptor, Mount, Platform, Metric.
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
