import type { ResourceHost, ResourceOptions } from './resources.js';
import type { Device, Mount } from './types.js';

/**
 * Docker-style run options, as `berth run`/`create` collect them from flags. Every field is
 * optional; the image config and Docker's defaults fill the rest. Strings are kept in the form
 * the flag takes (`nofile=1024:2048`, `size=64m`), so the CLI stays a thin parser.
 */
export interface RunOptions extends ResourceOptions {
  /** Arguments after the image name; replace the image's Cmd. */
  cmd?: readonly string[];
  /** `--entrypoint`: replaces the image's Entrypoint and drops its Cmd; `''` clears it. */
  entrypoint?: string | readonly string[];
  /** `-e KEY=value` (`KEY` alone unsets it); applied after `envFiles`. */
  env?: readonly string[];
  /** `--env-file` contents, already read by the caller; parsed with `parseEnvFile`. */
  envFiles?: readonly string[];
  /** `-w`: absolute working directory. */
  workdir?: string;
  /** `-u`: `name`, `uid`, `uid:gid`, `name:group`. */
  user?: string;
  /** `--group-add`: extra groups by name or gid. */
  groupAdd?: readonly string[];
  /** `-h`: defaults to the first 12 characters of the container id. */
  hostname?: string;
  /** `-t`: allocate a pseudo-terminal; also sets TERM=xterm. */
  tty?: boolean;
  /** `-i`: keep stdin open. Stdio belongs to the monitor, so this leaves the spec unchanged. */
  stdinOpen?: boolean;
  /** `--privileged`: every capability and device, no masks, no seccomp. */
  privileged?: boolean;
  /** `--cap-add`, `--cap-drop`: names with or without `CAP_`, any case, or `ALL`. */
  capAdd?: readonly string[];
  capDrop?: readonly string[];
  /** `--read-only`: mount the root filesystem read-only (`readonlyRootfs` is a synonym). */
  readOnly?: boolean;
  readonlyRootfs?: boolean;
  /** `--tmpfs`: destination → options such as `size=64m,mode=1777` (may be empty). */
  tmpfs?: Readonly<Record<string, string>>;
  /** `--ulimit name=soft[:hard]`. */
  ulimits?: readonly string[];
  /** `--sysctl`: `key=value` strings or a record; only namespaced sysctls. */
  sysctls?: Readonly<Record<string, string>> | readonly string[];
  /** `--security-opt`: no-new-privileges, seccomp=unconfined, apparmor=…, label=disable. */
  securityOpt?: readonly string[];
  /** `--oom-score-adj`, -1000…1000. */
  oomScoreAdj?: number;
  /** `--init`: run `initPath` (a host path, e.g. tini-static) as pid 1 in front of the command. */
  init?: boolean;
  /** Host path of the init binary; bind-mounted read-only at /sbin/docker-init. */
  initPath?: string;
  /** `--stop-signal`: name or number; not part of the spec (see `stopSignalOf`). */
  stopSignal?: string | number;
  /** `--stop-timeout`, seconds; not part of the spec (see `stopTimeoutOf`). */
  stopTimeout?: number;
  /** `--shm-size`: bytes or `64m`; default 64 MiB. */
  shmSize?: string | number;
  /** `--label`: become the spec's annotations. */
  labels?: Readonly<Record<string, string>>;
  /** `--network`: `none` (own namespace, loopback only) or `host`; default `none` for now. */
  networkMode?: 'none' | 'host';
  /**
   * Path of a prepared network namespace to join (e.g. `/var/run/netns/…`): the seam where
   * berth-network attaches containers. Ignored with `networkMode: 'host'`.
   */
  netnsPath?: string;
  /** `--cgroupns`: `host` (default, as Docker on cgroup v1/hybrid hosts) or `private`. */
  cgroupns?: 'host' | 'private';
  /** Cgroup path for the runtime; default `/berth/<namespace>/<id>`. */
  cgroupsPath?: string;
  /** Further mounts (volumes, /etc/hosts, /etc/resolv.conf); replace defaults at the same destination. */
  mounts?: readonly Mount[];
}

/** What `buildSpec` knows about the container and host besides the options. */
export interface BuildContext {
  /** The container id; the default hostname is its first 12 characters. */
  id: string;
  /** The containerd namespace, part of the default cgroups path. */
  namespace: string;
  /** Contents of the image's /etc/passwd and /etc/group, when it has them. */
  passwd?: string;
  group?: string;
  /** The host's hostname, used as the container's with `--network host` (as Docker). */
  hostHostname?: string;
  /** Host device nodes a privileged container gets in its /dev (the caller lists /dev). */
  hostDevices?: readonly Device[];
  /** CPUs, memory nodes, cgroup files and device numbers, for the resource flags' checks. */
  resourceHost?: ResourceHost;
}
