/**
 * @module @berth/client — docker's container flows (create, start, attach, exec,
 * stop, kill, remove, …) as functions over berth's generated gRPC clients, so
 * that the CLI and other clients share one implementation of the semantics.
 */
export {
  dialClients,
  longCall,
  SNAPSHOTTER,
  RUNTIME_NAME,
  SPEC_TYPE_URL,
  PROCESS_TYPE_URL,
} from './clients.js';
export type { Clients } from './clients.js';
export { generateId, generateName, shortId } from './ids.js';
export { LABELS, RUNTIMES, containerLabels, stopSettings, parseLogOpts } from './labels.js';
export type { LabelInput, LabelledFlags, LogOptions, RuntimeName } from './labels.js';
export { parseRestartPolicy, parseGoDuration, healthcheckLabel } from './policies.js';
export type { HealthFlags, HealthcheckLabel } from './policies.js';
export {
  parseLabels,
  parseKeyValues,
  parseTmpfs,
  expandEnv,
  envFromFiles,
  exitStatusForStartError,
  parseTimeoutSeconds,
} from './flags.js';
export { resolveImage } from './image.js';
export type { PullPolicy, PullHooks, ResolvedImage } from './image.js';
export { createContainer, imageUserFiles, removeSnapshot } from './create.js';
export type { CreateOptions, Created } from './create.js';
export { readSnapshotFile, layerDirs } from './rootfs-files.js';
export { findInitBinary, INIT_CANDIDATES } from './init.js';
export { openAttach } from './attach.js';
export type { AttachOptions, AttachSession, ExitStatus } from './attach.js';
export { wireInput } from './stdio.js';
export type { InputTarget, ClientStdio } from './stdio.js';
export {
  resolveContainer,
  getContainer,
  getTask,
  deleteTask,
  startContainer,
  attachContainer,
  killContainer,
  waitTask,
  stopContainer,
  removeContainer,
  pauseContainer,
  unpauseContainer,
  SIGKILL,
  markStopped,
} from './lifecycle.js';
export type { AttachStdio, StartOptions, StartResult, RemoveOptions } from './lifecycle.js';
export { execInContainer } from './exec.js';
export { volumeFlags, anonymousVolumesOf, removeVolumes } from './volumes.js';
export type { VolumeFlags } from './volumes.js';
export { planNetwork, attachNetwork, detachNetwork, fileMounts, modeLabel } from './network.js';
export type { NetworkOptions, NetworkPlan, NetworkKind, Attached, AttachInput } from './network.js';
export {
  parsePublish,
  parseExpose,
  imageExposedPorts,
  portPlan,
  displayPortsOf,
  displayablePorts,
  portLines,
} from './ports.js';
export type { PortSpec, ExposedPort, DisplayPort, Protocol } from './ports.js';
export type { ExecOptions, ExecResult } from './exec.js';
export { probeResourceHost, blockDevice, deviceNumbers } from './resource-host.js';
