// containerd.runc.v1: io.containerd.runc.v2 shim payloads carried in Any fields (type_url
// "containerd.runc.v1.<Name>"): Options (Container.Runtime.options, CreateTaskRequest.options),
// CheckpointOptions (CheckpointTaskRequest.options) and ProcessDetails (ProcessInfo.info).
export * from './gen/containerd/runtime/v2/runc/options/oci.js';
