/**
 * A task's resource usage read from its cgroup, as containerd's
 * io.containerd.cgroups.v1.Metrics (what `ctr tasks metrics` decodes). This
 * host mounts each v1 controller under /sys/fs/cgroup/<controller>; runc puts
 * the container at the spec's linux.cgroupsPath inside each.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Metrics, type BlkIOEntry } from '@berth/proto/cgroups/v1';

const CGROUP_ROOT = '/sys/fs/cgroup';

async function read(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

const num = (s: string | undefined): number => {
  const n = Number((s ?? '').trim());
  // "max" and the "unlimited" sentinel (PAGE_COUNTER_MAX pages, above 2^53) both mean no
  // limit, reported as 0 as containerd does for v2's "max".
  return Number.isSafeInteger(n) ? n : 0;
};

function keyed(text: string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.split(' ');
    if (k && v !== undefined) m.set(k, num(v));
  }
  return m;
}

/** blkio.throttle.io_service_bytes lines: "8:0 Read 1234". */
function blkio(text: string | undefined): BlkIOEntry[] {
  const out: BlkIOEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [dev, op, v] = line.split(' ');
    if (!dev || !op || v === undefined) continue;
    const [major, minor] = dev.split(':').map(Number);
    out.push({ op, device: '', major: major ?? 0, minor: minor ?? 0, value: num(v) });
  }
  return out;
}

export async function cgroupV1Metrics(cgroupsPath: string, root = CGROUP_ROOT): Promise<Metrics> {
  const at = (ctl: string, file: string) => read(join(root, ctl, cgroupsPath, file));
  const [pidsCur, pidsMax, usage, usageUser, usageSys, perCpu, cpuStat, memStat] = await Promise.all([
    at('pids', 'pids.current'),
    at('pids', 'pids.max'),
    at('cpuacct', 'cpuacct.usage'),
    at('cpuacct', 'cpuacct.usage_user'),
    at('cpuacct', 'cpuacct.usage_sys'),
    at('cpuacct', 'cpuacct.usage_percpu'),
    at('cpu', 'cpu.stat'),
    at('memory', 'memory.stat'),
  ]);
  const [memUsage, memLimit, memMax, memFail, swUsage, swLimit, ioBytes, ioOps] = await Promise.all([
    at('memory', 'memory.usage_in_bytes'),
    at('memory', 'memory.limit_in_bytes'),
    at('memory', 'memory.max_usage_in_bytes'),
    at('memory', 'memory.failcnt'),
    at('memory', 'memory.memsw.usage_in_bytes'),
    at('memory', 'memory.memsw.limit_in_bytes'),
    at('blkio', 'blkio.throttle.io_service_bytes'),
    at('blkio', 'blkio.throttle.io_serviced'),
  ]);
  const ms = keyed(memStat);
  const cs = keyed(cpuStat);
  const g = (k: string) => ms.get(k) ?? 0;
  return Metrics.fromPartial({
    pids: { current: num(pidsCur), limit: pidsMax?.trim() === 'max' ? 0 : num(pidsMax) },
    cpu: {
      usage: {
        total: num(usage),
        user: num(usageUser),
        kernel: num(usageSys),
        perCpu: (perCpu ?? '').trim().split(/\s+/).filter(Boolean).map(Number),
      },
      throttling: {
        periods: cs.get('nr_periods') ?? 0,
        throttledPeriods: cs.get('nr_throttled') ?? 0,
        throttledTime: cs.get('throttled_time') ?? 0,
      },
    },
    memory: {
      cache: g('cache'),
      rss: g('rss'),
      rssHuge: g('rss_huge'),
      mappedFile: g('mapped_file'),
      dirty: g('dirty'),
      writeback: g('writeback'),
      pgPgIn: g('pgpgin'),
      pgPgOut: g('pgpgout'),
      pgFault: g('pgfault'),
      pgMajFault: g('pgmajfault'),
      inactiveAnon: g('inactive_anon'),
      activeAnon: g('active_anon'),
      inactiveFile: g('inactive_file'),
      activeFile: g('active_file'),
      unevictable: g('unevictable'),
      hierarchicalMemoryLimit: g('hierarchical_memory_limit'),
      hierarchicalSwapLimit: g('hierarchical_memsw_limit'),
      totalCache: g('total_cache'),
      totalRss: g('total_rss'),
      totalInactiveFile: g('total_inactive_file'),
      totalActiveFile: g('total_active_file'),
      usage: { usage: num(memUsage), limit: num(memLimit), max: num(memMax), failcnt: num(memFail) },
      swap: { usage: num(swUsage), limit: num(swLimit), max: 0, failcnt: 0 },
    },
    blkio: { ioServiceBytesRecursive: blkio(ioBytes), ioServicedRecursive: blkio(ioOps) },
  });
}
