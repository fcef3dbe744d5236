/**
 * `docker stats` arithmetic and output, as docker's CLI computes it: CPU % from two samples of
 * the container's and the system's CPU time, memory usage without the inactive page cache, the
 * host's memory as the limit of an unlimited container, block I/O from io_service_bytes, net I/O
 * of the container's interfaces; sizes as docker's go-units prints them. Pure module.
 */
import type { Metrics as V1 } from '@berth/proto/cgroups/v1';
import type { Metrics as V2 } from '@berth/proto/cgroups/v2';
import type { Big } from '../ctr/decode-big.js';
import { dockerSize } from '../views/ps-view.js';
import { tabulateText } from '../views/tabwriter.js';
import { splitTableFormat } from '../views/list.js';
import { compileTemplate } from '../views/template.js';

/** One reading of one container. CPU times are nanoseconds. */
export interface Usage {
  cpu: number;
  memUsage: number;
  memLimit: number;
  /** total_inactive_file (v1) or inactive_file (v2): cache docker leaves out of the usage. */
  inactiveFile: number;
  blkRead: number;
  blkWrite: number;
  netRx: number;
  netTx: number;
  pids: number;
}

export const ZERO: Usage = {
  cpu: 0,
  memUsage: 0,
  memLimit: 0,
  inactiveFile: 0,
  blkRead: 0,
  blkWrite: 0,
  netRx: 0,
  netTx: 0,
  pids: 0,
};

const n = (v: number | bigint | undefined): number => Number(v ?? 0);

/** Sums io_service_bytes by operation, as docker's calculateBlockIO (R… read, W… write). */
function blockIO(entries: readonly { op: string; value: number | bigint }[]): [number, number] {
  let read = 0;
  let write = 0;
  for (const e of entries) {
    const c = e.op[0]?.toLowerCase();
    if (c === 'r') read += n(e.value);
    else if (c === 'w') write += n(e.value);
  }
  return [read, write];
}

/** The cgroup v1 stats (io.containerd.cgroups.v1.Metrics) as a Usage without network. */
export function usageFromV1(m: Big<V1>): Usage {
  const [blkRead, blkWrite] = blockIO(m.blkio?.ioServiceBytesRecursive ?? []);
  return {
    ...ZERO,
    cpu: n(m.cpu?.usage?.total),
    memUsage: n(m.memory?.usage?.usage),
    memLimit: n(m.memory?.usage?.limit),
    inactiveFile: n(m.memory?.totalInactiveFile),
    blkRead,
    blkWrite,
    pids: n(m.pids?.current),
  };
}

/** The cgroup v2 stats (io.containerd.cgroups.v2.Metrics) as a Usage without network. */
export function usageFromV2(m: Big<V2>): Usage {
  let blkRead = 0;
  let blkWrite = 0;
  for (const e of m.io?.usage ?? []) {
    blkRead += n(e.rbytes);
    blkWrite += n(e.wbytes);
  }
  return {
    ...ZERO,
    cpu: n(m.cpu?.usageUsec) * 1000,
    memUsage: n(m.memory?.usage),
    memLimit: n(m.memory?.usageLimit),
    inactiveFile: n(m.memory?.inactiveFile),
    blkRead,
    blkWrite,
    pids: n(m.pids?.current),
  };
}

/**
 * The system's CPU time in nanoseconds from /proc/stat's `cpu` line, as dockerd's
 * getSystemCPUUsage: user+nice+system+idle+iowait+irq+softirq ticks at 100 Hz.
 */
export function systemCpuFromProcStat(text: string, ticksPerSecond = 100): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  const parts = line?.trim().split(/\s+/) ?? [];
  if (parts.length < 8) throw new Error('invalid number of cpu fields in /proc/stat');
  const ticks = parts.slice(1, 8).reduce((a, v) => a + Number(v), 0);
  return (ticks * 1e9) / ticksPerSecond;
}

/** Received and sent bytes over a /proc/<pid>/net/dev, loopback left out. */
export function netFromProcNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo' || name.includes('|')) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx, tx };
}

/** docker's calculateCPUPercentUnix: (Δcontainer / Δsystem) × online CPUs × 100. */
export function cpuPercent(
  prevCpu: number,
  prevSystem: number,
  cpu: number,
  system: number,
  onlineCpus: number,
): number {
  const cpuDelta = cpu - prevCpu;
  const systemDelta = system - prevSystem;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * onlineCpus * 100 : 0;
}

/** docker's calculateMemUsageUnixNoCache: usage less the inactive file cache. */
export const memUsedNoCache = (u: Usage): number =>
  u.inactiveFile < u.memUsage ? u.memUsage - u.inactiveFile : u.memUsage;

/** The limit docker shows: the host's memory when the cgroup has none (or more). */
export const memLimitShown = (u: Usage, hostMemory: number): number =>
  u.memLimit === 0 || (hostMemory > 0 && u.memLimit > hostMemory) ? hostMemory : u.memLimit;

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** go-units BytesSize: binary multiples with 4 significant digits, `1.496MiB`, `7.633GiB`, `0B`. */
export function bytesSize(bytes: number): string {
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < BINARY.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toPrecision(4))}${BINARY[i]}`;
}

/** The fields of docker's stats formatter (`--format '{{.Name}} {{.CPUPerc}}'`). */
export interface StatsContext {
  Container: string;
  ID: string;
  Name: string;
  CPUPerc: string;
  MemUsage: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDs: string;
}

export const STATS_HEADERS: Readonly<StatsContext> = {
  Container: 'CONTAINER',
  ID: 'CONTAINER ID',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};

/** docker's default `table` format. */
export const DEFAULT_STATS_FORMAT =
  'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

export interface StatsInput {
  /** What the user typed (or the id when listing). */
  container: string;
  id: string;
  name: string;
  /** Readings a second apart; the same reading twice gives 0 % CPU. Undefined: not running. */
  prev?: { usage: Usage; system: number };
  cur?: { usage: Usage; system: number };
  onlineCpus: number;
  hostMemory: number;
  trunc: boolean;
}

const percent = (v: number) => `${v.toFixed(2)}%`;

/** One row's fields, formatted as docker's. */
export function statsContext(s: StatsInput): StatsContext {
  const u = s.cur?.usage ?? ZERO;
  const cpu =
    s.cur && s.prev ? cpuPercent(s.prev.usage.cpu, s.prev.system, u.cpu, s.cur.system, s.onlineCpus) : 0;
  const used = memUsedNoCache(u);
  const limit = s.cur ? memLimitShown(u, s.hostMemory) : 0;
  return {
    Container: s.container,
    ID: s.trunc ? s.id.slice(0, 12) : s.id,
    Name: s.name.replace(/^\//, ''),
    CPUPerc: percent(cpu),
    MemUsage: `${bytesSize(used)} / ${bytesSize(limit)}`,
    MemPerc: percent(limit > 0 ? (used / limit) * 100 : 0),
    NetIO: `${dockerSize(u.netRx)} / ${dockerSize(u.netTx)}`,
    BlockIO: `${dockerSize(u.blkRead)} / ${dockerSize(u.blkWrite)}`,
    PIDs: String(u.pids),
  };
}

/** docker's `{{json .}}` of a row: the fields in alphabetical order. */
export function statsJson(c: StatsContext): string {
  const keys = Object.keys(c).sort() as (keyof StatsContext)[];
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, c[k]])));
}

/**
 * A compiled `--format`: `table` (docker's columns), `table TEMPLATE` (a header row from
 * STATS_HEADERS and aligned columns), `json` (a JSON object per line) or a Go template (a
 * line per container). Throws TemplateError for a template that does not parse.
 */
export function statsRenderer(format: string | undefined): (rows: readonly StatsContext[]) => string {
  let f = (format ?? '').trim() || 'table';
  if (f === 'json') return (rows) => rows.map((r) => statsJson(r) + '\n').join('');
  if (f === 'table') f = DEFAULT_STATS_FORMAT;
  const { table, src } = splitTableFormat(f);
  const t = compileTemplate(src);
  return (rows) => {
    const lines = rows.map((r) => t.execute(r) + '\n').join('');
    return table ? tabulateText(t.execute(STATS_HEADERS) + '\n' + lines) : lines;
  };
}
