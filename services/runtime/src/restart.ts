/**
 * docker's restart policies, server-side: when a container's init exits, its
 * `io.berth.restart` label (no | always | unless-stopped | on-failure[:max])
 * decides whether berth-runtime starts it again, after docker's back-off
 * (100 ms, doubling per consecutive restart, back to 100 ms once a run lasted
 * 10 s, at most 1 min). A stop or kill by a client is never undone: the CLI
 * sets `io.berth.stopped=true` before it signals, and `start` clears it.
 * Between the exit and the new start the container is "restarting".
 *
 * At start-up (after TaskManager.recover) containers whose policy wants them
 * running but whose task is not (the runtime was down, or the host rebooted)
 * are started again.
 */
import { isNotFound, isUnavailable } from '@berth/errdefs';
import type { Logger } from '@berth/log';
import type { Container } from '@berth/proto/containers/v1';
import type { ExitInfo } from './monitor.js';
import type { CreateTask } from './tasks.js';
import type { TaskRecord } from './task-store.js';

export const RESTART_LABEL = 'io.berth.restart';
/** Set by clients on `stop`/`kill` (a stop by the user), cleared on `start`. */
export const STOPPED_LABEL = 'io.berth.stopped';
const AUTO_REMOVE_LABEL = 'io.berth.auto-remove';
const TTY_LABEL = 'io.berth.tty';

export interface RestartPolicy {
  name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  /** on-failure's maximum retry count; 0 means no limit. */
  maxRetries: number;
}

const NONE: RestartPolicy = { name: 'no', maxRetries: 0 };

/** The policy of a label value; anything unknown (written by another client) is `no`. */
export function parseRestartPolicy(value: string | undefined): RestartPolicy {
  const [name = '', max, ...rest] = (value ?? '').split(':');
  if (rest.length) return NONE;
  if (name === 'on-failure') {
    if (max === undefined || max === '') return { name, maxRetries: 0 };
    return /^\d+$/.test(max) ? { name, maxRetries: Number(max) } : NONE;
  }
  if (max !== undefined) return NONE;
  return name === 'always' || name === 'unless-stopped' ? { name, maxRetries: 0 } : NONE;
}

export interface ExitFacts {
  exitStatus: number;
  /** Stopped or killed by a client. */
  userStopped: boolean;
  /** Restarts by the policy since the last start by a client. */
  policyRestarts: number;
}

/** docker's RestartManager.ShouldRestart, less the back-off. */
export function shouldRestart(p: RestartPolicy, f: ExitFacts): boolean {
  if (f.userStopped) return false;
  switch (p.name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return f.exitStatus !== 0 && (p.maxRetries === 0 || f.policyRestarts < p.maxRetries);
    default:
      return false;
  }
}

export const BACKOFF_START_MS = 100;
export const BACKOFF_MAX_MS = 60_000;
/** A run at least this long resets the back-off. */
export const BACKOFF_RESET_AFTER_MS = 10_000;

/**
 * The wait before the next restart: docker's 100 ms, doubled per consecutive restart, capped
 * at a minute; back to 100 ms when the container ran `ranMs` ≥ 10 s. `prevMs` is the last
 * wait (0 for none).
 */
export function nextBackoff(prevMs: number, ranMs: number): number {
  const prev = ranMs >= BACKOFF_RESET_AFTER_MS ? 0 : prevMs;
  return prev <= 0 ? BACKOFF_START_MS : Math.min(prev * 2, BACKOFF_MAX_MS);
}

/** What the restarter needs of the task manager. */
export interface RestartTasks {
  record(ns: string, id: string): Promise<TaskRecord | undefined>;
  allRecords(): Promise<TaskRecord[]>;
  delete(ns: string, id: string): Promise<unknown>;
  create(ns: string, req: CreateTask): Promise<unknown>;
  start(ns: string, id: string): Promise<number>;
}

export interface RestarterDeps {
  tasks: RestartTasks;
  containers: { get(ns: string, id: string): Promise<Container> };
  log: Logger;
}

interface Pending {
  timer?: NodeJS.Timeout;
  /** The exit this restart answers (the task record's init.exitedAt). */
  exitedAt: string;
  /** A later exit that came while this restart was under way (the new task ended at once). */
  next?: string;
}

const keyOf = (ns: string, id: string) => `${ns}/${id}`;

export class Restarter {
  private readonly pending = new Map<string, Pending>();
  /** The last back-off per container, for the doubling. */
  private readonly backoff = new Map<string, number>();
  private closed = false;

  constructor(private readonly d: RestarterDeps) {}

  /** Whether the container waits for (or is in) a restart by its policy: docker's "restarting". */
  restarting(ns: string, id: string): boolean {
    return this.pending.has(keyOf(ns, id));
  }

  /** TaskManager's onInitExit: schedules a restart if the policy asks for one. */
  exited(ns: string, id: string, e: ExitInfo): void {
    void this.consider(ns, id, e.exitedAt.toISOString(), false).catch((err: unknown) =>
      this.d.log.error({ err, ns, id }, 'restart policy: deciding on an exit failed'),
    );
  }

  /**
   * Run once after TaskManager.recover(): starts the containers whose policy wants them
   * running but whose task is not (exited while this service was down, or before a reboot).
   */
  async recover(): Promise<void> {
    for (const t of await this.d.tasks.allRecords()) {
      if (!t.startedAt || (!t.deleted && t.init.status !== 'stopped')) continue;
      if (this.pending.has(keyOf(t.ns, t.id))) continue;
      await this.consider(t.ns, t.id, t.init.exitedAt ?? '', true).catch((err: unknown) =>
        this.d.log.error({ err, ns: t.ns, id: t.id }, 'restart policy: recovery failed'),
      );
    }
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  private async consider(ns: string, id: string, exitedAt: string, now: boolean): Promise<void> {
    const k = keyOf(ns, id);
    const busy = this.pending.get(k);
    if (busy && busy.exitedAt !== exitedAt) busy.next = exitedAt;
    if (this.closed || busy) return;
    const decided = await this.decide(ns, id, exitedAt);
    if (!decided || this.pending.has(k)) return;
    const ran = Date.parse(exitedAt) - Date.parse(decided.startedAt ?? exitedAt);
    const delay = nextBackoff(this.backoff.get(k) ?? 0, Number.isNaN(ran) ? 0 : ran);
    this.backoff.set(k, delay);
    const p: Pending = { exitedAt };
    this.pending.set(k, p);
    this.d.log.info({ ns, id, delayMs: now ? 0 : delay }, 'restart policy: restarting the container');
    p.timer = setTimeout(() => void this.fire(ns, id, p), now ? 0 : delay);
  }

  /** The task record to restart, if the policy (read now) wants this exit answered. */
  private async decide(ns: string, id: string, exitedAt: string): Promise<TaskRecord | undefined> {
    let c: Container;
    try {
      c = await this.d.containers.get(ns, id);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const policy = parseRestartPolicy(c.labels[RESTART_LABEL]);
    if (policy.name === 'no' || c.labels[AUTO_REMOVE_LABEL] === 'true') return undefined;
    const t = await this.d.tasks.record(ns, id);
    // Only the exit we were told of: a client may have started (or removed) it since.
    if (!t || (!t.deleted && t.init.status !== 'stopped') || (t.init.exitedAt ?? '') !== exitedAt)
      return undefined;
    const go = shouldRestart(policy, {
      exitStatus: t.init.exitStatus ?? 0,
      userStopped: c.labels[STOPPED_LABEL] === 'true',
      policyRestarts: t.policyRestarts ?? 0,
    });
    return go ? t : undefined;
  }

  private async fire(ns: string, id: string, p: Pending): Promise<void> {
    const k = keyOf(ns, id);
    let retry = false;
    try {
      // Decided again: the user may have stopped, started or removed it during the back-off.
      if (this.closed || !(await this.decide(ns, id, p.exitedAt))) return;
      await this.restart(ns, id);
    } catch (err) {
      // The snapshotter not up yet (start-up after a reboot): try again after the back-off.
      retry = isUnavailable(err) && !this.closed;
      this.d.log.error({ err, ns, id, retry }, 'restart policy: the restart failed');
    } finally {
      if (this.pending.get(k) === p) this.pending.delete(k);
    }
    const again = retry ? p.exitedAt : p.next;
    if (again) await this.consider(ns, id, again, false).catch(() => undefined);
  }

  /** What `berth start` does, server-side: the old task goes, a new one is created and started. */
  private async restart(ns: string, id: string): Promise<void> {
    const c = await this.d.containers.get(ns, id);
    await this.d.tasks.delete(ns, id).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    await this.d.tasks.create(ns, {
      containerId: id,
      rootfs: [],
      stdin: '',
      stdout: '',
      stderr: '',
      terminal: c.labels[TTY_LABEL] === 'true',
      byPolicy: true,
    });
    try {
      await this.d.tasks.start(ns, id);
    } catch (err) {
      await this.d.tasks.delete(ns, id).catch(() => undefined);
      throw err;
    }
  }
}
