/**
 * Whether the kernel's OOM killer struck in a container's memory cgroup, for docker's
 * State.OOMKilled and containerd's /tasks/oom event. Read when the init process's exit is
 * recorded: the cgroup is still there then (runc removes it at delete). cgroup v1 counts kills
 * in memory.oom_control (`oom_kill N`, kernel ≥ 4.13; `under_oom 1` on older ones); v2 in
 * memory.events.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** `key value` lines (memory.oom_control, memory.events) as numbers. */
export function parseKeyedCounts(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) m.set(k, Number(v));
  }
  return m;
}

/** Whether the memory cgroup at `cgroupsPath` saw an OOM kill (v1, then v2 layouts). */
export async function cgroupOomKilled(cgroupsPath: string, root = CGROUP_ROOT): Promise<boolean> {
  const read = (p: string) => readFile(p, 'utf8').catch(() => undefined);
  const v1 = await read(join(root, 'memory', cgroupsPath, 'memory.oom_control'));
  if (v1 !== undefined) {
    const c = parseKeyedCounts(v1);
    return c.has('oom_kill') ? (c.get('oom_kill') ?? 0) > 0 : c.get('under_oom') === 1;
  }
  for (const dir of [join(root, cgroupsPath), join(root, 'unified', cgroupsPath)]) {
    const v2 = await read(join(dir, 'memory.events'));
    if (v2 !== undefined) return (parseKeyedCounts(v2).get('oom_kill') ?? 0) > 0;
  }
  return false;
}

/** The same for a task, by its bundle's config.json (linux.cgroupsPath); false when unreadable. */
export async function taskOomKilled(bundle: string, root = CGROUP_ROOT): Promise<boolean> {
  try {
    const spec = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as {
      linux?: { cgroupsPath?: string };
    };
    const path = spec.linux?.cgroupsPath;
    return path ? await cgroupOomKilled(path, root) : false;
  } catch {
    return false;
  }
}

interface SpecLimits {
  memory?: { limit?: number; reservation?: number; swap?: number; disableOOMKiller?: boolean };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
  pids?: { limit?: number };
}

/** docker inspect's HostConfig resource fields, from the spec's linux.resources. */
export function hostConfigLimits(resources: unknown): Record<string, unknown> {
  const r = (resources ?? {}) as SpecLimits;
  return {
    Memory: r.memory?.limit ?? 0,
    MemorySwap: r.memory?.swap ?? 0,
    MemoryReservation: r.memory?.reservation ?? 0,
    OomKillDisable: r.memory?.disableOOMKiller ?? false,
    CpuShares: r.cpu?.shares ?? 0,
    CpuPeriod: r.cpu?.period ?? 0,
    CpuQuota: r.cpu?.quota ?? 0,
    CpusetCpus: r.cpu?.cpus ?? '',
    CpusetMems: r.cpu?.mems ?? '',
    PidsLimit: r.pids?.limit && r.pids.limit > 0 ? r.pids.limit : null,
  };
}
