// containerd.events: event payloads carried in Envelope.event (Any type_url is
// "containerd.events.<Name>", with no type.googleapis.com/ prefix). The image event payloads
// are in package containerd.services.images.v1 and are exported from "@berth/proto/images/v1".
// Names are listed explicitly because every generated file exports its own protobufPackage
// and helper types (see types.ts).
export {
  protobufPackage,
  NamespaceCreate,
  NamespaceCreate_LabelsEntry,
  NamespaceUpdate,
  NamespaceUpdate_LabelsEntry,
  NamespaceDelete,
} from './gen/containerd/events/namespace.js';
export type { DeepPartial, Exact, MessageFns } from './gen/containerd/events/namespace.js';
export { ContentDelete } from './gen/containerd/events/content.js';
export { SnapshotPrepare, SnapshotCommit, SnapshotRemove } from './gen/containerd/events/snapshot.js';
export {
  ContainerCreate,
  ContainerCreate_Runtime,
  ContainerUpdate,
  ContainerUpdate_LabelsEntry,
  ContainerDelete,
} from './gen/containerd/events/container.js';
export {
  TaskCreate,
  TaskStart,
  TaskDelete,
  TaskIO,
  TaskExit,
  TaskOOM,
  TaskExecAdded,
  TaskExecStarted,
  TaskPaused,
  TaskResumed,
  TaskCheckpointed,
} from './gen/containerd/events/task.js';
