/**
 * Docker's resource flags (`-m`, `--memory-swap`, `--cpus`, `--cpuset-cpus`, `--pids-limit`, the
 * block I/O throttles, …) turned into OCI LinuxResources, with the checks and messages of
 * dockerd's `verifyPlatformContainerResources` and of the docker CLI's flag parsers. Pure: what
 * must be learned from the host (CPU count, online CPUs and memory nodes, which cgroup files
 * exist, device numbers) comes in a `ResourceHost`.
 */
import { invalidArgument } from '@berth/errdefs';
import type {
  LinuxBlockIO,
  LinuxCpu,
  LinuxMemory,
  LinuxThrottleDevice,
  LinuxWeightDevice,
  ResourceLimits,
} from './types.js';
import { parseMemory } from './units.js';

/** The resource flags of `docker run`/`create`/`update`, in the form the flags take. */
export interface ResourceOptions {
  /** `-m, --memory`: bytes or `16m`; 0 means no limit; at least 6 MiB. */
  memory?: string | number;
  /** `--memory-swap`: memory plus swap, bytes or `32m`; `-1` unlimited; default twice `memory`. */
  memorySwap?: string | number;
  /** `--memory-reservation`: the soft limit. */
  memoryReservation?: string | number;
  /** `--memory-swappiness` 0…100; -1 keeps the host's. */
  memorySwappiness?: number;
  /** `--oom-kill-disable`. */
  oomKillDisable?: boolean;
  /** `--cpus`: a decimal number of CPUs (`0.5`); becomes a CFS quota over a 100 ms period. */
  cpus?: string | number;
  /** `-c, --cpu-shares`: relative weight (default 1024). */
  cpuShares?: number;
  /** `--cpu-period`, `--cpu-quota`: CFS period and quota in microseconds (quota -1: none). */
  cpuPeriod?: number;
  cpuQuota?: number;
  /** `--cpuset-cpus`, `--cpuset-mems`: lists such as `0-2,4`. */
  cpusetCpus?: string;
  cpusetMems?: string;
  /** `--blkio-weight` 10…1000 (0: unset). */
  blkioWeight?: number;
  /** `--blkio-weight-device /dev/sda:200`. */
  blkioWeightDevice?: readonly string[];
  /** `--device-read-bps /dev/vda:1mb` and the like; iops rates are plain numbers. */
  deviceReadBps?: readonly string[];
  deviceWriteBps?: readonly string[];
  deviceReadIops?: readonly string[];
  deviceWriteIops?: readonly string[];
  /** `--pids-limit`: the most processes; 0 or -1 unlimited. */
  pidsLimit?: number;
}

/** A block device's numbers. */
export interface DeviceNumbers {
  major: number;
  minor: number;
}

/** What the checks need to know about the host (see the CLI's probe). */
export interface ResourceHost {
  /** CPUs this process may run on (Go's runtime.NumCPU). */
  numCpu: number;
  /** Online CPUs and memory nodes as cpuset lists (the root cpuset's cpuset.cpus, cpuset.mems). */
  cpus: string;
  mems: string;
  /** Whether blkio.weight and blkio.weight_device exist (not on hosts with only BFQ's files). */
  blkioWeight: boolean;
  blkioWeightDevice: boolean;
  /** Whether memory.memsw.* exists (swap accounting). */
  swapLimit: boolean;
  /** Major and minor of a device node (stat); throws with the system's message when it fails. */
  device(path: string): DeviceNumbers;
}

export interface ResolvedResources {
  /** The limits for spec.linux.resources (without device rules). */
  resources: ResourceLimits;
  /** Docker's warnings for settings this host cannot apply (they are dropped). */
  warnings: string[];
}

export interface ResourcesUpdate extends ResolvedResources {
  /** The container's limits after the update: what to persist in its spec. */
  merged: ResourceLimits;
}

/** Docker's `linuxMinMemory`: 6 MiB. */
export const MIN_MEMORY = 6 * 1024 * 1024;
/** The CFS period `--cpus` uses (100 ms). */
export const CFS_PERIOD = 100_000;

const KEYS: readonly (keyof ResourceOptions)[] = [
  'memory',
  'memorySwap',
  'memoryReservation',
  'memorySwappiness',
  'oomKillDisable',
  'cpus',
  'cpuShares',
  'cpuPeriod',
  'cpuQuota',
  'cpusetCpus',
  'cpusetMems',
  'blkioWeight',
  'blkioWeightDevice',
  'deviceReadBps',
  'deviceWriteBps',
  'deviceReadIops',
  'deviceWriteIops',
  'pidsLimit',
];

/** Whether any resource option is set (`docker update` needs at least one). */
export function hasResourceOptions(opts: ResourceOptions): boolean {
  return KEYS.some((k) => {
    const v = opts[k];
    return v !== undefined && !(Array.isArray(v) && v.length === 0);
  });
}

/** Docker's HostConfig.Resources, parsed. */
interface Parsed {
  memory: number;
  memorySwap: number;
  memoryReservation: number;
  swappiness?: number;
  oomKillDisable?: boolean;
  nanoCpus: number;
  cpuShares: number;
  cpuPeriod: number;
  cpuQuota: number;
  cpusetCpus: string;
  cpusetMems: string;
  blkioWeight: number;
  weightDevice: { path: string; weight: number }[];
  readBps: { path: string; rate: number }[];
  writeBps: { path: string; rate: number }[];
  readIops: { path: string; rate: number }[];
  writeIops: { path: string; rate: number }[];
  pidsLimit?: number;
}

const flagError = (flag: string, value: unknown, why: string) =>
  invalidArgument(`invalid argument ${JSON.stringify(String(value))} for "${flag}" flag: ${why}`);

function bytes(flag: string, v: string | number | undefined): number {
  if (v === undefined || v === '') return 0;
  try {
    return parseMemory(v);
  } catch (err) {
    throw flagError(flag, v, (err as Error).message);
  }
}

function integer(flag: string, v: number | undefined): number {
  if (v === undefined) return 0;
  if (!Number.isSafeInteger(v)) throw flagError(flag, v, 'not a whole number');
  return v;
}

/**
 * `--cpus` as nano CPUs, exactly (docker parses a rational number and refuses one finer
 * than 1e-9): `'0.5'` → 500000000.
 */
export function parseCpus(v: string | number): number {
  const s = String(v).trim();
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[1] === '' && !m[2])) throw flagError('--cpus', v, `failed to parse ${s} as a rational number`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > 9) throw flagError('--cpus', v, 'value is too precise');
  const nano = Number(m[1] || '0') * 1e9 + Number(frac.padEnd(9, '0'));
  if (!Number.isSafeInteger(nano)) throw flagError('--cpus', v, 'value out of range');
  return nano;
}

/** docker's parsers.ParseUintList: `0-2,4` → {0,1,2,4}; `''` → empty. */
export function parseCpuset(val: string): Set<number> {
  const out = new Set<number>();
  if (val === '') return out;
  for (const part of val.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`invalid format: ${val}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > hi) throw new Error(`invalid range format: ${part}`);
    if (hi - lo > 65536) throw new Error(`invalid format: ${val}`);
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return out;
}

function pathAndValue(flag: string, s: string): [string, string] {
  const i = s.lastIndexOf(':');
  if (i < 0 || s.indexOf(':') !== i) throw flagError(flag, s, `bad format: ${s}`);
  const path = s.slice(0, i);
  if (!path.startsWith('/dev/')) throw flagError(flag, s, `bad format for device path: ${s}`);
  return [path, s.slice(i + 1)];
}

/** `--blkio-weight-device /dev/sda:200` (docker's ValidateWeightDevice). */
export function parseWeightDevice(s: string): { path: string; weight: number } {
  const flag = '--blkio-weight-device';
  const [path, w] = pathAndValue(flag, s);
  const weight = /^\d+$/.test(w) ? Number(w) : NaN;
  if (!(weight >= 0 && weight <= 65535) || (weight > 0 && (weight < 10 || weight > 1000)))
    throw flagError(flag, s, `invalid weight for device: ${s}`);
  return { path, weight };
}

/** `--device-read-bps /dev/vda:1mb` (docker's ValidateThrottleBpsDevice). */
export function parseThrottleBps(flag: string, s: string): { path: string; rate: number } {
  const [path, r] = pathAndValue(flag, s);
  let rate: number;
  try {
    rate = parseMemory(r);
  } catch {
    throw flagError(
      flag,
      s,
      `invalid rate for device: ${s}. The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb`,
    );
  }
  return { path, rate };
}

/** `--device-read-iops /dev/vda:100` (docker's ValidateThrottleIOpsDevice). */
export function parseThrottleIops(flag: string, s: string): { path: string; rate: number } {
  const [path, r] = pathAndValue(flag, s);
  if (!/^\d+$/.test(r) || !Number.isSafeInteger(Number(r)))
    throw flagError(
      flag,
      s,
      `invalid rate for device: ${s}. The correct format is <device-path>:<number>. Number must be a positive integer`,
    );
  return { path, rate: Number(r) };
}

function parse(o: ResourceOptions): Parsed {
  const swap = o.memorySwap;
  return {
    memory: bytes('--memory', o.memory),
    memorySwap:
      swap === -1 || (typeof swap === 'string' && swap.trim() === '-1') ? -1 : bytes('--memory-swap', swap),
    memoryReservation: bytes('--memory-reservation', o.memoryReservation),
    swappiness: o.memorySwappiness,
    oomKillDisable: o.oomKillDisable,
    nanoCpus: o.cpus === undefined || o.cpus === '' ? 0 : parseCpus(o.cpus),
    cpuShares: integer('--cpu-shares', o.cpuShares),
    cpuPeriod: integer('--cpu-period', o.cpuPeriod),
    cpuQuota: integer('--cpu-quota', o.cpuQuota),
    cpusetCpus: o.cpusetCpus ?? '',
    cpusetMems: o.cpusetMems ?? '',
    blkioWeight: integer('--blkio-weight', o.blkioWeight),
    weightDevice: (o.blkioWeightDevice ?? []).map(parseWeightDevice),
    readBps: (o.deviceReadBps ?? []).map((s) => parseThrottleBps('--device-read-bps', s)),
    writeBps: (o.deviceWriteBps ?? []).map((s) => parseThrottleBps('--device-write-bps', s)),
    readIops: (o.deviceReadIops ?? []).map((s) => parseThrottleIops('--device-read-iops', s)),
    writeIops: (o.deviceWriteIops ?? []).map((s) => parseThrottleIops('--device-write-iops', s)),
    pidsLimit: o.pidsLimit === undefined ? undefined : integer('--pids-limit', o.pidsLimit),
  };
}

/**
 * dockerd's verifyPlatformContainerResources: errors for impossible settings, warnings (and
 * the setting dropped) for what this host cannot do. `update` relaxes the swap-without-memory rule.
 */
function verify(r: Parsed, host: ResourceHost | undefined, update: boolean): string[] {
  const warnings: string[] = [];
  if (r.swappiness === -1) r.swappiness = undefined;

  if (r.memory !== 0 && r.memory < MIN_MEMORY) throw invalidArgument('Minimum memory limit allowed is 6MB');
  if (r.memory > 0 && r.memorySwap !== -1 && host && !host.swapLimit) {
    warnings.push(
      'Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.',
    );
    r.memorySwap = -1;
  }
  if (r.memory > 0 && r.memorySwap > 0 && r.memorySwap < r.memory)
    throw invalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (r.memory === 0 && r.memorySwap > 0 && !update)
    throw invalidArgument('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (
    r.swappiness !== undefined &&
    !(Number.isInteger(r.swappiness) && r.swappiness >= 0 && r.swappiness <= 100)
  )
    throw invalidArgument(`Invalid value: ${r.swappiness}, valid memory swappiness range is 0-100`);
  if (r.memoryReservation > 0 && r.memoryReservation < MIN_MEMORY)
    throw invalidArgument('Minimum memory reservation allowed is 6MB');
  if (r.memory > 0 && r.memoryReservation > 0 && r.memory < r.memoryReservation)
    throw invalidArgument('Minimum memory limit can not be less than memory reservation limit, see usage');
  if (r.oomKillDisable && r.memory === 0)
    warnings.push(
      'OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.',
    );

  if (r.nanoCpus > 0 && r.cpuPeriod > 0)
    throw invalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (r.nanoCpus > 0 && r.cpuQuota > 0)
    throw invalidArgument('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  // NOTE: docker checks only the upper bound and lets the kernel refuse a quota under 1 ms;
  // 0.01 CPUs is that 1 ms of a 100 ms period, so refuse less with docker's own message.
  const n = host?.numCpu;
  if (r.nanoCpus < 0 || (r.nanoCpus > 0 && r.nanoCpus < 1e7) || (n !== undefined && r.nanoCpus > n * 1e9))
    throw invalidArgument(
      n === undefined
        ? 'Range of CPUs is from 0.01 upwards'
        : `Range of CPUs is from 0.01 to ${n}.00, as there are only ${n} CPUs available`,
    );
  if (r.cpuShares < 0) throw invalidArgument(`Invalid value: ${r.cpuShares}, cpu shares can not be negative`);
  if (r.cpuPeriod !== 0 && (r.cpuPeriod < 1000 || r.cpuPeriod > 1_000_000))
    throw invalidArgument(
      'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)',
    );
  if (r.cpuQuota > 0 && r.cpuQuota < 1000)
    throw invalidArgument('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  checkCpuset(r.cpusetCpus, host?.cpus, 'cpus', 'CPUs');
  checkCpuset(r.cpusetMems, host?.mems, 'mems', 'memory nodes');

  if (r.blkioWeight > 0 && host && !host.blkioWeight) {
    warnings.push(
      'Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.',
    );
    r.blkioWeight = 0;
  }
  if (r.blkioWeight !== 0 && (r.blkioWeight < 10 || r.blkioWeight > 1000))
    throw invalidArgument('Range of blkio weight is from 10 to 1000');
  if (r.weightDevice.length > 0 && host && !host.blkioWeightDevice) {
    warnings.push(
      'Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.',
    );
    r.weightDevice = [];
  }
  if (r.pidsLimit !== undefined && r.pidsLimit <= 0) r.pidsLimit = -1;
  return warnings;
}

function checkCpuset(requested: string, available: string | undefined, what: string, noun: string): void {
  let want: Set<number>;
  try {
    want = parseCpuset(requested);
  } catch (err) {
    throw invalidArgument(`Invalid value ${requested} for cpuset ${what}: ${(err as Error).message}`);
  }
  if (available === undefined || want.size === 0) return;
  const have = parseCpuset(available.trim());
  if ([...want].some((c) => !have.has(c)))
    throw invalidArgument(
      `Requested ${noun} are not available - requested ${requested}, available: ${available.trim()}`,
    );
}

function devices<T extends { path: string }>(
  list: readonly T[],
  host: ResourceHost | undefined,
): (T & DeviceNumbers)[] {
  return list.map((d) => {
    if (!host) throw invalidArgument(`cannot find the numbers of device ${d.path}: no host to look it up`);
    return { ...d, ...host.device(d.path) };
  });
}

/** dockerd's oci_linux.go: Resources → LinuxResources. */
function toLinux(r: Parsed, host: ResourceHost | undefined): ResourceLimits {
  const out: ResourceLimits = {};
  const memory: LinuxMemory = {};
  if (r.memory !== 0) memory.limit = r.memory;
  if (r.memoryReservation !== 0) memory.reservation = r.memoryReservation;
  if (r.memorySwap !== 0) memory.swap = r.memorySwap;
  if (r.swappiness !== undefined) memory.swappiness = r.swappiness;
  if (r.oomKillDisable !== undefined) memory.disableOOMKiller = r.oomKillDisable;
  if (Object.keys(memory).length) out.memory = memory;

  const cpu: LinuxCpu = {};
  if (r.cpuShares !== 0) cpu.shares = r.cpuShares;
  if (r.cpusetCpus !== '') cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems !== '') cpu.mems = r.cpusetMems;
  if (r.nanoCpus > 0) {
    cpu.period = CFS_PERIOD;
    cpu.quota = Math.floor((r.nanoCpus * CFS_PERIOD) / 1e9);
  } else {
    if (r.cpuPeriod !== 0) cpu.period = r.cpuPeriod;
    if (r.cpuQuota !== 0) cpu.quota = r.cpuQuota;
  }
  if (Object.keys(cpu).length) out.cpu = cpu;

  const io: LinuxBlockIO = {};
  if (r.blkioWeight > 0) io.weight = r.blkioWeight;
  const throttle = (list: { path: string; rate: number }[]): LinuxThrottleDevice[] =>
    devices(list, host).map(({ major, minor, rate }) => ({ major, minor, rate }));
  if (r.weightDevice.length)
    io.weightDevice = devices(r.weightDevice, host).map(({ major, minor, weight }): LinuxWeightDevice => ({
      major,
      minor,
      weight,
    }));
  if (r.readBps.length) io.throttleReadBpsDevice = throttle(r.readBps);
  if (r.writeBps.length) io.throttleWriteBpsDevice = throttle(r.writeBps);
  if (r.readIops.length) io.throttleReadIOPSDevice = throttle(r.readIops);
  if (r.writeIops.length) io.throttleWriteIOPSDevice = throttle(r.writeIops);
  if (Object.keys(io).length) out.blockIO = io;

  if (r.pidsLimit !== undefined) out.pids = { limit: r.pidsLimit };
  return out;
}

/**
 * The limits of `docker run`/`create` resource flags, for spec.linux.resources, with docker's
 * validation and warnings. A memory limit without `--memory-swap` gets twice as much
 * memory+swap, as dockerd's default. Without `host`, host-dependent checks are skipped.
 *
 * @throws InvalidArgument with docker's messages.
 */
export function linuxResources(opts: ResourceOptions, host?: ResourceHost): ResolvedResources {
  const r = parse(opts);
  const warnings = verify(r, host, false);
  if (r.memory > 0 && r.memorySwap === 0) r.memorySwap = 2 * r.memory;
  return { resources: toLinux(r, host), warnings };
}

/**
 * `docker update`: the LinuxResources document for `runc update` (only what the flags change)
 * and the container's limits after it (`current` merged with the change), for its spec.
 * As dockerd, a memory limit above an existing memory+swap limit needs `--memory-swap` too;
 * a first memory limit gets twice as much memory+swap, as `run -m` would.
 *
 * @throws InvalidArgument with docker's messages (Conflict-like ones included).
 */
export function resourcesUpdate(
  opts: ResourceOptions,
  host?: ResourceHost,
  current: ResourceLimits = {},
): ResourcesUpdate {
  if (!hasResourceOptions(opts))
    throw invalidArgument('You must provide one or more flags when using this command.');
  const r = parse(opts);
  const warnings = verify(r, host, true);
  const curSwap = current.memory?.swap ?? 0;
  if (r.memory > 0 && r.memorySwap === 0) {
    if (curSwap > 0 && r.memory > curSwap)
      throw invalidArgument(
        'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time',
      );
    if (curSwap === 0 && !(host && !host.swapLimit)) r.memorySwap = 2 * r.memory;
  }
  const limit = r.memory || current.memory?.limit || 0;
  const swap = r.memorySwap || curSwap;
  if (limit > 0 && swap > 0 && swap < limit)
    throw invalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
  const resources = toLinux(r, host);
  return { resources, merged: mergeResources(current, resources), warnings };
}

/** `current` with `change` applied field by field; throttle and weight devices by device. */
export function mergeResources(current: ResourceLimits, change: ResourceLimits): ResourceLimits {
  const out: ResourceLimits = structuredClone(current);
  if (change.memory) out.memory = { ...out.memory, ...change.memory };
  if (change.cpu) out.cpu = { ...out.cpu, ...change.cpu };
  if (change.pids) out.pids = { ...change.pids };
  if (change.blockIO) {
    const io: LinuxBlockIO = { ...out.blockIO };
    if (change.blockIO.weight !== undefined) io.weight = change.blockIO.weight;
    const keys = [
      'weightDevice',
      'throttleReadBpsDevice',
      'throttleWriteBpsDevice',
      'throttleReadIOPSDevice',
      'throttleWriteIOPSDevice',
    ] as const;
    for (const k of keys) {
      const next = change.blockIO[k] as DeviceNumbers[] | undefined;
      if (!next) continue;
      const same = (a: DeviceNumbers, b: DeviceNumbers) => a.major === b.major && a.minor === b.minor;
      const kept = ((io[k] ?? []) as DeviceNumbers[]).filter((d) => !next.some((n) => same(n, d)));
      (io as Record<string, unknown>)[k] = [...kept, ...next];
    }
    out.blockIO = io;
  }
  return out;
}
