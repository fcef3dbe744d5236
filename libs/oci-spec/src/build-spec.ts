import { posix } from 'node:path';
import { invalidArgument } from '@berth/errdefs';
import type { ContainerConfig, ImageConfig } from '@berth/image';
import { capabilitiesFor } from './capabilities.js';
import {
  DEFAULT_PATH_ENV,
  DEFAULT_SHM_SIZE,
  DEFAULT_STOP_SIGNAL,
  DEFAULT_STOP_TIMEOUT,
  INIT_PATH_IN_CONTAINER,
  MASKED_PATHS,
  READONLY_PATHS,
  defaultDeviceRules,
  defaultMounts,
} from './constants.js';
import { mergeEnv, parseEnvFile } from './env.js';
import { overlayMounts, tmpfsMount } from './mounts.js';
import { linuxResources } from './resources.js';
import type { BuildContext, RunOptions } from './run-options.js';
import { seccompFor } from './seccomp.js';
import { parseSecurityOpts } from './security-opt.js';
import type { Signal } from './signal.js';
import { parseSignal } from './signal.js';
import { validateSysctls } from './sysctl.js';
import { parseUlimit } from './ulimit.js';
import { parseMemory } from './units.js';
import { parseGroup, resolveUser } from './user.js';
import type { Linux, Mount, Namespace, Process, Rlimit, Spec, User } from './types.js';
import { OCI_VERSION } from './types.js';

/**
 * Builds the OCI runtime spec for a container from docker-style run options and the image
 * config, with Docker's secure defaults (capabilities, seccomp, masked and read-only paths,
 * device allow-list). The root filesystem is `rootfs` in the bundle. Pure: the caller reads the
 * image's /etc/passwd and /etc/group and passes their contents in `ctx`.
 *
 * Precedence follows Docker: a command replaces the image's Cmd; an entrypoint replaces the
 * image's Entrypoint and drops its Cmd; `-e` overrides `--env-file`, which overrides the image's
 * Env, key by key; `-w`, `-u` and `--stop-signal` override WorkingDir, User and StopSignal.
 *
 * @throws InvalidArgument for any invalid option, naming it as Docker does, and
 *   `no command specified` when neither options nor image give a command.
 */
export function buildSpec(opts: RunOptions, image: ImageConfig | undefined, ctx: BuildContext): Spec {
  const config = image?.config ?? {};
  const security = parseSecurityOpts(opts.securityOpt);
  const privileged = opts.privileged === true;
  const caps = capabilitiesFor(opts.capAdd, opts.capDrop, privileged);
  const hostNetwork = opts.networkMode === 'host';
  const hostname = opts.hostname || (hostNetwork && ctx.hostHostname) || ctx.id.slice(0, 12);

  const process: Process = {
    terminal: opts.tty === true,
    user: userOf(opts, config, ctx),
    args: argsOf(opts, config),
    env: envOf(opts, config, hostname),
    cwd: cwdOf(opts, config),
    capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
    rlimits: rlimitsOf(opts.ulimits),
    noNewPrivileges: security.noNewPrivileges,
  };
  if (!privileged && security.apparmor !== undefined && security.apparmor !== 'unconfined') {
    process.apparmorProfile = security.apparmor;
  }
  if (opts.oomScoreAdj !== undefined) process.oomScoreAdj = oomScoreAdjOf(opts.oomScoreAdj);

  const linux: Linux = {
    namespaces: namespacesOf(opts),
    resources: {
      devices: privileged ? [{ allow: true, access: 'rwm' }] : defaultDeviceRules(),
      ...linuxResources(opts, ctx.resourceHost).resources,
    },
    cgroupsPath: opts.cgroupsPath ?? `/berth/${ctx.namespace}/${ctx.id}`,
  };
  if (privileged) {
    if (ctx.hostDevices?.length) linux.devices = ctx.hostDevices.map((d) => ({ ...d }));
  } else {
    linux.maskedPaths = [...MASKED_PATHS];
    linux.readonlyPaths = [...READONLY_PATHS];
    if (security.seccomp === 'default') linux.seccomp = seccompFor(caps);
  }
  if (opts.sysctls !== undefined) linux.sysctl = validateSysctls(opts.sysctls, hostNetwork);

  const spec: Spec = {
    ociVersion: OCI_VERSION,
    process,
    root: { path: 'rootfs', readonly: opts.readOnly === true || opts.readonlyRootfs === true },
    hostname,
    mounts: mountsOf(opts, privileged),
    linux,
  };
  if (opts.labels && Object.keys(opts.labels).length > 0) spec.annotations = { ...opts.labels };
  return spec;
}

/**
 * Returns the signal `stop` sends: `--stop-signal`, else the image's StopSignal, else SIGTERM.
 *
 * @throws InvalidArgument `Invalid signal: x`.
 */
export function stopSignalOf(opts: Pick<RunOptions, 'stopSignal'>, image: ImageConfig | undefined): Signal {
  const raw = opts.stopSignal ?? (image?.config?.StopSignal || undefined) ?? DEFAULT_STOP_SIGNAL;
  return parseSignal(raw);
}

/**
 * Returns the seconds `stop` waits before SIGKILL: `--stop-timeout`, else 10.
 *
 * @throws InvalidArgument for a negative or non-integer timeout (-1 means wait forever).
 */
export function stopTimeoutOf(opts: Pick<RunOptions, 'stopTimeout'>): number {
  const t = opts.stopTimeout ?? DEFAULT_STOP_TIMEOUT;
  if (!Number.isInteger(t) || t < -1) throw invalidArgument(`invalid stop timeout: ${t}`);
  return t;
}

function argsOf(opts: RunOptions, config: ContainerConfig): string[] {
  let entrypoint: readonly string[];
  let cmd: readonly string[];
  if (opts.entrypoint !== undefined) {
    // NOTE: like docker, --entrypoint also discards the image's Cmd; only the user's command stays.
    entrypoint =
      typeof opts.entrypoint === 'string'
        ? opts.entrypoint === ''
          ? []
          : [opts.entrypoint]
        : opts.entrypoint;
    cmd = opts.cmd ?? [];
  } else {
    entrypoint = config.Entrypoint ?? [];
    cmd = opts.cmd && opts.cmd.length > 0 ? opts.cmd : (config.Cmd ?? []);
  }
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) throw invalidArgument('no command specified');
  if (opts.init) {
    if (!opts.initPath) throw invalidArgument('--init needs the path of an init binary (initPath)');
    return [INIT_PATH_IN_CONTAINER, '--', ...args];
  }
  return args;
}

function envOf(opts: RunOptions, config: ContainerConfig, hostname: string): string[] {
  // Docker's order: PATH and HOSTNAME (and TERM with a tty) first, then the image's and the
  // user's variables replacing them by key or appended.
  const base = [DEFAULT_PATH_ENV, `HOSTNAME=${hostname}`];
  if (opts.tty) base.push('TERM=xterm');
  const fromFiles = (opts.envFiles ?? []).flatMap((text) => parseEnvFile(text));
  return mergeEnv(mergeEnv(base, config.Env ?? []), [...fromFiles, ...(opts.env ?? [])]);
}

function cwdOf(opts: RunOptions, config: ContainerConfig): string {
  if (opts.workdir !== undefined && opts.workdir !== '') {
    if (!opts.workdir.startsWith('/')) {
      throw invalidArgument(
        `the working directory '${opts.workdir}' is invalid, it needs to be an absolute path`,
      );
    }
    return posix.resolve(opts.workdir);
  }
  return config.WorkingDir ? posix.resolve('/', config.WorkingDir) : '/';
}

function userOf(opts: RunOptions, config: ContainerConfig, ctx: BuildContext): User {
  const user = resolveUser(opts.user ?? config.User ?? '', ctx.passwd, ctx.group);
  if (!opts.groupAdd?.length) return user;
  const groups = parseGroup(ctx.group ?? '');
  const extra = opts.groupAdd.map((g) => {
    const found = groups.find((e) => e.name === g || String(e.gid) === g);
    if (found) return found.gid;
    if (/^\d+$/.test(g)) return Number(g);
    throw invalidArgument(`unable to find group ${g}: no matching entries in group file`);
  });
  return { ...user, additionalGids: [...new Set([...(user.additionalGids ?? []), ...extra])] };
}

// NOTE: without --ulimit the container inherits the runtime's limits, as with Docker: a fixed
// default such as nofile=1048576 fails with EPERM wherever the runtime's hard limit is lower.
function rlimitsOf(ulimits: readonly string[] = []): Rlimit[] {
  const byType = new Map<string, Rlimit>();
  for (const u of ulimits) {
    const r = parseUlimit(u);
    byType.set(r.type, r);
  }
  return [...byType.values()];
}

function oomScoreAdjOf(v: number): number {
  if (!Number.isInteger(v) || v < -1000 || v > 1000) {
    throw invalidArgument(`Invalid value ${v}, range for oom score adj is [-1000, 1000]`);
  }
  return v;
}

function namespacesOf(opts: RunOptions): Namespace[] {
  const ns: Namespace[] = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  // NOTE: --network host shares only the network namespace; the container keeps its own UTS
  // namespace (its hostname defaults to the host's), as Docker does unless --uts=host.
  if (opts.networkMode !== 'host') {
    ns.push(opts.netnsPath ? { type: 'network', path: opts.netnsPath } : { type: 'network' });
  }
  if (opts.cgroupns === 'private') ns.push({ type: 'cgroup' });
  return ns;
}

function mountsOf(opts: RunOptions, privileged: boolean): Mount[] {
  const shmSize =
    opts.shmSize === undefined || opts.shmSize === 0 ? DEFAULT_SHM_SIZE : parseMemory(opts.shmSize);
  if (shmSize <= 0) throw invalidArgument('SHM size can not be less than 0');
  const extra: Mount[] = Object.entries(opts.tmpfs ?? {}).map(([dest, o]) => tmpfsMount(dest, o));
  for (const m of opts.mounts ?? []) {
    if (!m.destination.startsWith('/'))
      throw invalidArgument(`invalid mount config: mount path must be absolute: ${m.destination}`);
    extra.push({ ...m, destination: posix.normalize(m.destination) });
  }
  if (opts.init && opts.initPath) {
    extra.push({
      destination: INIT_PATH_IN_CONTAINER,
      type: 'bind',
      source: opts.initPath,
      options: ['rbind', 'ro'],
    });
  }
  return overlayMounts(defaultMounts(shmSize, privileged), extra);
}
