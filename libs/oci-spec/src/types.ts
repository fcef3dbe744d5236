/**
 * The OCI runtime spec (runtime-spec 1.0.2, Linux) as far as berth writes it: the fields runc 1.1
 * reads for a container berth builds. Field names and JSON shape follow `specs-go` exactly, so a
 * `Spec` serialises with `JSON.stringify` straight into a bundle's `config.json`.
 */

/** The runtime-spec version berth writes (runc 1.1 accepts 1.0.x). */
export const OCI_VERSION = '1.0.2-dev';

/** A whole `config.json`. */
export interface Spec {
  ociVersion: string;
  process: Process;
  root: Root;
  hostname?: string;
  mounts: Mount[];
  linux: Linux;
  annotations?: Record<string, string>;
}

/** The container's init process. */
export interface Process {
  terminal: boolean;
  user: User;
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: Capabilities;
  rlimits?: Rlimit[];
  noNewPrivileges: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
}

/** The numeric identity the process runs as. */
export interface User {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

/** Capability sets, as `CAP_*` names. */
export interface Capabilities {
  bounding: string[];
  effective: string[];
  permitted: string[];
  inheritable?: string[];
  ambient?: string[];
}

/** One POSIX resource limit (`type` is `RLIMIT_*`). */
export interface Rlimit {
  type: string;
  soft: number;
  hard: number;
}

/** The root filesystem, relative to the bundle. */
export interface Root {
  path: string;
  readonly: boolean;
}

/** One mount made in the container's mount namespace. */
export interface Mount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

/** Linux-specific configuration. */
export interface Linux {
  namespaces: Namespace[];
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
  devices?: Device[];
  maskedPaths?: string[];
  readonlyPaths?: string[];
  resources: Resources;
  seccomp?: Seccomp;
  sysctl?: Record<string, string>;
  cgroupsPath?: string;
}

/** A namespace to create (no `path`) or join (`path`). */
export interface Namespace {
  type: 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';
  path?: string;
}

/** A user-namespace id mapping. */
export interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

/** A device node to create in the container's /dev. */
export interface Device {
  path: string;
  type: 'c' | 'b' | 'u' | 'p';
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

/** Cgroup resources: the device allow-list, and the limits of docker's resource flags (resources.ts). */
export interface Resources extends ResourceLimits {
  devices: DeviceRule[];
}

/** OCI LinuxResources without the device rules: what `runc update --resources` takes. */
export interface ResourceLimits {
  memory?: LinuxMemory;
  cpu?: LinuxCpu;
  blockIO?: LinuxBlockIO;
  pids?: LinuxPids;
}

/** Memory cgroup settings, bytes (`swap` is memory plus swap; -1 means unlimited). */
export interface LinuxMemory {
  limit?: number;
  reservation?: number;
  swap?: number;
  swappiness?: number;
  disableOOMKiller?: boolean;
}

/** CPU cgroup settings (CFS quota and period in microseconds; cpuset lists such as `0-1`). */
export interface LinuxCpu {
  shares?: number;
  quota?: number;
  period?: number;
  cpus?: string;
  mems?: string;
}

/** Block I/O cgroup settings. */
export interface LinuxBlockIO {
  weight?: number;
  weightDevice?: LinuxWeightDevice[];
  throttleReadBpsDevice?: LinuxThrottleDevice[];
  throttleWriteBpsDevice?: LinuxThrottleDevice[];
  throttleReadIOPSDevice?: LinuxThrottleDevice[];
  throttleWriteIOPSDevice?: LinuxThrottleDevice[];
}

export interface LinuxWeightDevice {
  major: number;
  minor: number;
  weight: number;
}

export interface LinuxThrottleDevice {
  major: number;
  minor: number;
  rate: number;
}

/** Pids cgroup: the most tasks; -1 means unlimited. */
export interface LinuxPids {
  limit: number;
}

/** One device-cgroup rule; omitted `type`/`major`/`minor` mean "all". */
export interface DeviceRule {
  allow: boolean;
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  access?: string;
}

/** A seccomp filter in the runtime-spec form. */
export interface Seccomp {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  syscalls?: SeccompSyscall[];
}

/** The libseccomp action names runc 1.1 understands. */
export type SeccompAction =
  | 'SCMP_ACT_KILL'
  | 'SCMP_ACT_KILL_PROCESS'
  | 'SCMP_ACT_TRAP'
  | 'SCMP_ACT_ERRNO'
  | 'SCMP_ACT_TRACE'
  | 'SCMP_ACT_ALLOW'
  | 'SCMP_ACT_LOG';

/** One seccomp rule: the action for `names`, when all `args` match. */
export interface SeccompSyscall {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: SeccompArg[];
}

/** A comparison on one syscall argument. */
export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op:
    | 'SCMP_CMP_NE'
    | 'SCMP_CMP_LT'
    | 'SCMP_CMP_LE'
    | 'SCMP_CMP_EQ'
    | 'SCMP_CMP_GE'
    | 'SCMP_CMP_GT'
    | 'SCMP_CMP_MASKED_EQ';
}
