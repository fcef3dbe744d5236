/**
 * `berth stats`: docker's live resource view. Each reading takes one Runtime.List (names,
 * states, init pids), one Tasks.Metrics for the live containers (their cgroup stats, decoded
 * tolerantly: cgroup v1 or v2), the system's CPU time from /proc/stat and each container's
 * /proc/<pid>/net/dev; CPU % needs two readings, so `--no-stream` takes two a second apart and
 * the live view redraws every second until interrupted.
 */
import { readFile, readlink } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { unary } from '@berth/grpc';
import type { ContainerSummary } from '@berth/proto/berth/runtime/v1';
import { Metrics as V1 } from '@berth/proto/cgroups/v1';
import { Metrics as V2 } from '@berth/proto/cgroups/v2';
import { TasksClient } from '@berth/proto/tasks/v1';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { asUsage } from '../../usage.js';
import { decodeBig } from '../ctr/decode-big.js';
import { openRuntime, resolveContainer } from '../views/runtime.js';
import {
  netFromProcNetDev,
  statsContext,
  statsRenderer,
  systemCpuFromProcStat,
  usageFromV1,
  usageFromV2,
  type Usage,
} from './view.js';

export interface StatsOptions {
  all?: boolean;
  stream?: boolean;
  trunc?: boolean;
  format?: string;
}

const INTERVAL_MS = 1000;

interface Reading {
  system: number;
  targets: { container: string; id: string; name: string; usage?: Usage }[];
}

const live = (s: ContainerSummary | undefined) => s?.state === 'running' || s?.state === 'paused';

export async function run(ctx: Context, [refs]: [string[]], o: StatsOptions): Promise<number> {
  const render = asUsage(() => statsRenderer(o.format));
  const rt = openRuntime(ctx);
  const tasks = openClient(ctx, TasksClient);
  const wanted = await Promise.all(
    refs.map(async (ref) => ({ ref, id: await resolveContainer(ctx, rt, ref) })),
  );

  const read = async (): Promise<Reading> => {
    const listed = (await unary(rt, rt.list, { all: true, filters: [] }, ctx.callOpts())).containers;
    const byId = new Map(listed.map((s) => [s.id, s]));
    const targets = refs.length
      ? wanted.map((w) => ({ container: w.ref, id: w.id, summary: byId.get(w.id) }))
      : listed
          .filter((s) => o.all || live(s))
          .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
          .map((s) => ({ container: s.id, id: s.id, summary: s }));
    const running = targets.filter((t) => live(t.summary));
    const metrics = running.length
      ? (await unary(tasks, tasks.metrics, { filters: running.map((t) => `id==${t.id}`) }, ctx.callOpts()))
          .metrics
      : [];
    const system = systemCpuFromProcStat(await readFile('/proc/stat', 'utf8'));
    const usages = new Map<string, Usage>();
    for (const m of metrics) {
      const type = m.data?.typeUrl ?? '';
      const value = m.data?.value ?? new Uint8Array();
      if (type.endsWith('io.containerd.cgroups.v1.Metrics'))
        usages.set(m.id, usageFromV1(decodeBig(V1, value)));
      else if (type.endsWith('io.containerd.cgroups.v2.Metrics'))
        usages.set(m.id, usageFromV2(decodeBig(V2, value)));
    }
    await Promise.all(
      running.map(async (t) => {
        const u = usages.get(t.id);
        if (u && t.summary?.pid) Object.assign(u, await netOf(t.summary.pid));
      }),
    );
    return {
      system,
      targets: targets.map((t) => ({
        container: t.container,
        id: t.id,
        name: t.summary?.name ?? t.id,
        usage: usages.get(t.id),
      })),
    };
  };

  const onlineCpus = cpus().length;
  const hostMemory = totalmem();
  const frame = (prev: Reading, cur: Reading) =>
    render(
      cur.targets.map((t) => {
        const p = prev.targets.find((x) => x.id === t.id)?.usage;
        return statsContext({
          container: t.container,
          id: t.id,
          name: t.name,
          prev: p && { usage: p, system: prev.system },
          cur: t.usage && { usage: t.usage, system: cur.system },
          onlineCpus,
          hostMemory,
          trunc: o.trunc !== false,
        });
      }),
    );

  let prev = await read();
  if (o.stream === false) {
    await sleep(INTERVAL_MS);
    ctx.stdout.write(frame(prev, await read()));
    return 0;
  }
  // Live: clear the screen and redraw every second, until ^C.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  ctx.defer(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
  ctx.stdout.write('\x1b[2J\x1b[H' + frame(prev, prev));
  while (!stop.signal.aborted) {
    try {
      await sleep(INTERVAL_MS, undefined, { signal: stop.signal });
    } catch {
      break;
    }
    const cur = await read();
    ctx.stdout.write('\x1b[2J\x1b[H' + frame(prev, cur));
    prev = cur;
  }
  return 0;
}

/**
 * Bytes in and out of the container's network namespace, read through its init process; none
 * when it shares this host's namespace (`--network host`), as docker shows no network there.
 */
async function netOf(pid: number): Promise<{ netRx: number; netTx: number }> {
  try {
    const [mine, theirs] = await Promise.all([
      readlink('/proc/self/ns/net'),
      readlink(`/proc/${pid}/ns/net`),
    ]);
    if (mine === theirs) return { netRx: 0, netTx: 0 };
    const { rx, tx } = netFromProcNetDev(await readFile(`/proc/${pid}/net/dev`, 'utf8'));
    return { netRx: rx, netTx: tx };
  } catch {
    return { netRx: 0, netTx: 0 };
  }
}
