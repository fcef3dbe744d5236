/**
 * @module @berth/oci-spec — turns docker-style run options plus an image config into an OCI
 * runtime spec (runtime-spec 1.0.2, as runc 1.1 reads it) with Docker's secure defaults:
 * capabilities, seccomp, masked and read-only paths, default mounts and device allow-list.
 * Pure logic; the caller reads files and passes their contents.
 */
export { buildSpec, stopSignalOf, stopTimeoutOf } from './build-spec.js';
export type { RunOptions, BuildContext } from './run-options.js';
export { capabilitiesFor, normalizeCapability } from './capabilities.js';
export { parseEnvFile, mergeEnv } from './env.js';
export { parsePasswd, parseGroup, resolveUser } from './user.js';
export type { PasswdEntry, GroupEntry } from './user.js';
export { parseSignal, SIGNALS } from './signal.js';
export type { Signal } from './signal.js';
export { parseUlimit } from './ulimit.js';
export { validateSysctls } from './sysctl.js';
export { parseSecurityOpts } from './security-opt.js';
export type { SecurityOptions } from './security-opt.js';
export { parseMemory } from './units.js';
export {
  linuxResources,
  resourcesUpdate,
  mergeResources,
  hasResourceOptions,
  parseCpus,
  parseCpuset,
  parseWeightDevice,
  parseThrottleBps,
  parseThrottleIops,
  MIN_MEMORY,
  CFS_PERIOD,
} from './resources.js';
export type {
  ResourceOptions,
  ResourceHost,
  DeviceNumbers,
  ResolvedResources,
  ResourcesUpdate,
} from './resources.js';
export { tmpfsMount, overlayMounts } from './mounts.js';
export {
  VOLUMES_LABEL,
  PROPAGATIONS,
  parseBind,
  parseMount,
  parseVolumesFrom,
  parseVolumeRequests,
  validateVolumeName,
  absolutizeBind,
  absolutizeMount,
  volumesLabel,
  readVolumesLabel,
  imageVolumesOf,
} from './volumes.js';
export type { VolumeRequests, MountRequest, MountType, Propagation } from './volumes.js';
export { seccompFor } from './seccomp.js';
export { DEFAULT_PROFILE } from './seccomp-profile.js';
export type { ProfileRule, ProfileArg } from './seccomp-profile.js';
export {
  ALL_CAPABILITIES,
  DEFAULT_CAPABILITIES,
  MASKED_PATHS,
  READONLY_PATHS,
  DEFAULT_PATH_ENV,
  DEFAULT_SHM_SIZE,
  DEFAULT_STOP_SIGNAL,
  DEFAULT_STOP_TIMEOUT,
  INIT_PATH_IN_CONTAINER,
  defaultMounts,
  defaultDeviceRules,
} from './constants.js';
export { OCI_VERSION } from './types.js';
export type {
  Spec,
  Process,
  User,
  Capabilities,
  Rlimit,
  Root,
  Mount,
  Linux,
  Namespace,
  IdMapping,
  Device,
  Resources,
  ResourceLimits,
  LinuxMemory,
  LinuxCpu,
  LinuxBlockIO,
  LinuxWeightDevice,
  LinuxThrottleDevice,
  LinuxPids,
  DeviceRule,
  Seccomp,
  SeccompAction,
  SeccompSyscall,
  SeccompArg,
} from './types.js';
