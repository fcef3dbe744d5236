/**
 * docker's health checks, server-side. A container labelled
 * `io.berth.healthcheck` (the effective HEALTHCHECK as JSON, written by the
 * CLI from the image config and the --health-* flags) is probed while its
 * init runs: every interval an exec (`health-<n>`) whose output goes to a
 * file in the bundle; a probe that outlives its timeout is killed and fails.
 * The status goes starting → healthy on a success, → unhealthy after
 * `retries` failures in a row (failures inside the start period, before any
 * success, do not count). The status, the streak and the last 5 probes are
 * kept in the task record (so they survive a restart of this service), and
 * every change is published as /health/<status> (berth.runtime.v1.HealthStatus).
 */
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { packAny, type EventPublisher } from '@berth/events';
import type { Logger } from '@berth/log';
import { HealthStatus } from '@berth/proto/berth/runtime/v1';
import type { Container } from '@berth/proto/containers/v1';
import type { ExitInfo } from './monitor.js';
import type { TaskIo } from './tasks.js';
import type { HealthRecord, TaskRecord } from './task-store.js';

export const HEALTHCHECK_LABEL = 'io.berth.healthcheck';
export const HEALTH_TYPE_URL = 'berth.runtime.v1.HealthStatus';

/** The effective check: docker's HealthConfig in milliseconds, defaults applied. */
export interface HealthConfig {
  /** `["CMD-SHELL", cmd]` or `["CMD", arg…]`. */
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

export type ProbeResult = HealthRecord['log'][number];

export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 3;
/** docker keeps this many probe results. */
export const MAX_LOG = 5;
/** and this much of a probe's output. */
export const MAX_OUTPUT = 4096;

const positive = (v: unknown, dflt: number) => (typeof v === 'number' && v > 0 ? v : dflt);

/** The check a label describes; undefined for none (no label, `NONE`, or nothing to run). */
export function parseHealthcheck(label: string | undefined): HealthConfig | undefined {
  if (!label) return undefined;
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(label) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const test = j['test'];
  if (!Array.isArray(test) || !test.every((x) => typeof x === 'string')) return undefined;
  if (!(test[0] === 'CMD' && test.length > 1) && !(test[0] === 'CMD-SHELL' && test.length > 1))
    return undefined;
  return {
    test: test as string[],
    intervalMs: positive(j['intervalMs'], DEFAULT_INTERVAL_MS),
    timeoutMs: positive(j['timeoutMs'], DEFAULT_TIMEOUT_MS),
    retries: positive(j['retries'], DEFAULT_RETRIES),
    startPeriodMs: positive(j['startPeriodMs'], 0),
  };
}

/** The probe's argv: CMD-SHELL runs through /bin/sh -c, as docker's default shell. */
export function probeArgs(test: readonly string[]): string[] {
  return test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test.slice(1).join(' ')] : test.slice(1);
}

/** docker's handleProbeResult: the health after one probe of a task started at `startedAtMs`. */
export function applyProbe(
  h: HealthRecord,
  r: ProbeResult,
  cfg: Pick<HealthConfig, 'retries' | 'startPeriodMs'>,
  startedAtMs: number,
): HealthRecord {
  const log = [...h.log, r].slice(-MAX_LOG);
  if (r.exitCode === 0) return { status: 'healthy', failingStreak: 0, log };
  // Before the first success, failures inside the start period do not count.
  if (h.status === 'starting' && Date.parse(r.start) - startedAtMs < cfg.startPeriodMs) return { ...h, log };
  const failingStreak = h.failingStreak + 1;
  return { status: failingStreak >= cfg.retries ? 'unhealthy' : h.status, failingStreak, log };
}

/** Go's time.Duration.String() for whole milliseconds: `500ms`, `1.5s`, `1m30s`, `1h0m0s`. */
export function goDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = `${(ms % 60_000) / 1000}s`;
  return h ? `${h}h${m}m${s}` : m ? `${m}m${s}` : s;
}

/** What the health monitor needs of the task manager. */
export interface HealthTasks {
  record(ns: string, id: string): Promise<TaskRecord | undefined>;
  allRecords(): Promise<TaskRecord[]>;
  exec(ns: string, id: string, execId: string, io: TaskIo, process: string): Promise<void>;
  start(ns: string, id: string, execId: string): Promise<number>;
  wait(ns: string, id: string, execId: string, signal?: AbortSignal): Promise<ExitInfo>;
  kill(ns: string, id: string, execId: string, signal: number, all: boolean): Promise<void>;
  deleteProcess(ns: string, id: string, execId: string): Promise<ExitInfo>;
  setHealth(ns: string, id: string, createdAt: string, health: HealthRecord): Promise<boolean>;
}

export interface HealthDeps {
  tasks: HealthTasks;
  containers: { get(ns: string, id: string): Promise<Container> };
  bus: EventPublisher;
  log: Logger;
}

interface Watch {
  ns: string;
  id: string;
  /** The task generation probed (its record's createdAt). */
  generation: string;
  startedAtMs: number;
  cfg: HealthConfig;
  health: HealthRecord;
  seq: number;
  timer?: NodeJS.Timeout;
  abort: AbortController;
}

const SIGKILL = 9;
const keyOf = (ns: string, id: string) => `${ns}/${id}`;
const HEALTH_EXEC = /^health-(\d+)$/;

export class HealthMonitor {
  private readonly watches = new Map<string, Watch>();
  private closed = false;

  constructor(private readonly d: HealthDeps) {}

  /** The init of a container started: (re)start probing it, status `starting`. */
  started(ns: string, id: string): void {
    this.stopped(ns, id);
    void this.begin(ns, id, true).catch((err: unknown) =>
      this.d.log.error({ err, ns, id }, 'health check: could not start'),
    );
  }

  /** The init exited (or the task went): no more probes. */
  stopped(ns: string, id: string): void {
    const k = keyOf(ns, id);
    const w = this.watches.get(k);
    if (!w) return;
    clearTimeout(w.timer);
    w.abort.abort();
    this.watches.delete(k);
  }

  /** Run once after TaskManager.recover(): probes the running containers again, status kept. */
  async recover(): Promise<void> {
    for (const t of await this.d.tasks.allRecords()) {
      if (t.deleted || (t.init.status !== 'running' && t.init.status !== 'paused')) continue;
      await this.begin(t.ns, t.id, false).catch((err: unknown) =>
        this.d.log.error({ err, ns: t.ns, id: t.id }, 'health check: could not resume'),
      );
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.watches.values()) {
      clearTimeout(w.timer);
      w.abort.abort();
    }
    this.watches.clear();
  }

  private async begin(ns: string, id: string, fresh: boolean): Promise<void> {
    const c = await this.d.containers.get(ns, id);
    const cfg = parseHealthcheck(c.labels[HEALTHCHECK_LABEL]);
    const t = await this.d.tasks.record(ns, id);
    if (!cfg || !t || t.deleted || this.closed || this.watches.has(keyOf(ns, id))) return;
    const health: HealthRecord =
      fresh || !t.health ? { status: 'starting', failingStreak: 0, log: t.health?.log ?? [] } : t.health;
    const seq = Math.max(0, ...Object.keys(t.execs).map((e) => Number(HEALTH_EXEC.exec(e)?.[1] ?? 0)));
    const w: Watch = {
      ns,
      id,
      generation: t.createdAt,
      startedAtMs: Date.parse(t.startedAt ?? t.createdAt),
      cfg,
      health,
      seq,
      abort: new AbortController(),
    };
    this.watches.set(keyOf(ns, id), w);
    // Probes a crash of this service interrupted.
    for (const e of Object.keys(t.execs))
      if (HEALTH_EXEC.test(e)) await this.d.tasks.deleteProcess(ns, id, e).catch(() => undefined);
    if (fresh || !t.health) {
      if (!(await this.d.tasks.setHealth(ns, id, w.generation, health))) return this.stopped(ns, id);
      this.publish(w);
    }
    this.schedule(w);
  }

  private schedule(w: Watch): void {
    if (w.abort.signal.aborted) return;
    w.timer = setTimeout(() => void this.tick(w), w.cfg.intervalMs);
    w.timer.unref();
  }

  private async tick(w: Watch): Promise<void> {
    try {
      const t = await this.d.tasks.record(w.ns, w.id);
      if (!t || t.deleted || t.createdAt !== w.generation || t.init.status === 'stopped')
        return this.stopped(w.ns, w.id);
      if (t.init.status === 'running') {
        const r = await this.probe(w, t);
        if (w.abort.signal.aborted) return;
        const prev = w.health.status;
        w.health = applyProbe(w.health, r, w.cfg, w.startedAtMs);
        if (!(await this.d.tasks.setHealth(w.ns, w.id, w.generation, w.health)))
          return this.stopped(w.ns, w.id);
        if (w.health.status !== prev) this.publish(w);
      }
    } catch (err) {
      this.d.log.error({ err, ns: w.ns, id: w.id }, 'health check: probe failed');
    }
    this.schedule(w);
  }

  /** One probe: an exec with its output in a file, killed at the timeout. */
  private async probe(w: Watch, t: TaskRecord): Promise<ProbeResult> {
    const execId = `health-${++w.seq}`;
    const out = join(t.bundle, `${execId}.out`);
    const { ns, id } = w;
    const start = new Date();
    const result = (exitCode: number, output: string): ProbeResult => ({
      start: start.toISOString(),
      end: new Date().toISOString(),
      exitCode,
      output,
    });
    try {
      const c = await this.d.containers.get(ns, id);
      const proc = { ...processOf(c), args: probeArgs(w.cfg.test), terminal: false };
      await this.d.tasks.exec(
        ns,
        id,
        execId,
        { stdin: '', stdout: out, stderr: out, terminal: false },
        JSON.stringify(proc),
      );
      try {
        await this.d.tasks.start(ns, id, execId);
        const exit = await this.waitFor(w, execId);
        if (exit === 'timeout')
          return result(-1, `Health check exceeded timeout (${goDuration(w.cfg.timeoutMs)})`);
        return result(exit.exitStatus, await tail(out, MAX_OUTPUT));
      } finally {
        await this.d.tasks.deleteProcess(ns, id, execId).catch(() => undefined);
      }
    } catch (err) {
      return result(-1, err instanceof Error ? err.message : String(err));
    } finally {
      await unlink(out).catch(() => undefined);
    }
  }

  /** The probe's exit, or `timeout` (then it is killed and reaped). */
  private async waitFor(w: Watch, execId: string): Promise<ExitInfo | 'timeout'> {
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    w.abort.signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      const waiting = this.d.tasks.wait(w.ns, w.id, execId, ac.signal);
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), w.cfg.timeoutMs);
      });
      const r = await Promise.race([waiting, timeout]);
      if (r !== 'timeout') return r;
      await this.d.tasks.kill(w.ns, w.id, execId, SIGKILL, false).catch(() => undefined);
      const reaped = setTimeout(() => ac.abort(), 5000);
      await waiting.catch(() => undefined).finally(() => clearTimeout(reaped));
      return 'timeout';
    } finally {
      clearTimeout(timer);
      w.abort.signal.removeEventListener('abort', onAbort);
    }
  }

  private publish(w: Watch): void {
    this.d.bus.publish(
      w.ns,
      `/health/${w.health.status}`,
      packAny(HEALTH_TYPE_URL, HealthStatus, {
        containerId: w.id,
        status: w.health.status,
        failingStreak: w.health.failingStreak,
      }),
    );
  }
}

/** The container's process (user, env, cwd, capabilities): the probe runs as it does. */
function processOf(c: Container): Record<string, unknown> {
  try {
    const spec = JSON.parse(Buffer.from(c.spec?.value ?? []).toString('utf8') || '{}') as {
      process?: Record<string, unknown>;
    };
    return spec.process ?? {};
  } catch {
    return {};
  }
}

/** The last `max` bytes of a file ('' when it is missing). */
async function tail(path: string, max: number): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, max);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}
