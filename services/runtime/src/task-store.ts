/**
 * Persisted task state, so a restarted berth-runtime can find its monitors
 * again. Schema v1 (changing it needs a migration):
 *
 *   v1/tasks/<ns>/<id> → TaskRecord as JSON
 *
 * A record outlives Tasks.Delete (marked `deleted`) so that `ps -a` and
 * inspect can show the last exit; Containers.Delete removes it.
 */
import { commit, getOr, key, list, type Db } from '@berth/store';

/** `creating` is only ever on disk: a crash between it and `created` is cleaned up at start. */
export type ProcStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

export interface ProcRecord {
  /** '' for the init process. */
  execId: string;
  pid: number;
  monitorPid: number;
  status: ProcStatus;
  terminal: boolean;
  stdin: string;
  stdout: string;
  stderr: string;
  /** Keep a stdin pipe for attach (docker -i). */
  stdinOpen: boolean;
  exitStatus?: number;
  exitedAt?: string;
  /** Directory of its exit file, pidfile and control FIFO. */
  dir: string;
  attach: string;
}

export interface TaskRecord {
  ns: string;
  id: string;
  bundle: string;
  runtime: string;
  runtimeRoot: string;
  /** The rootfs is a mount berth made (and must undo). */
  mounted: boolean;
  createdAt: string;
  startedAt?: string;
  init: ProcRecord;
  execs: Record<string, ProcRecord>;
  deleted?: boolean;
  /** Starts after the first, for `docker inspect`'s RestartCount. */
  restartCount: number;
  /** The OOM killer struck in the task's memory cgroup (docker's State.OOMKilled; oom.ts). */
  oomKilled?: boolean;
  /** Starts by the restart policy since the last start by a client (on-failure:max). */
  policyRestarts?: number;
  /** The health check's state (health.ts); kept across restarts of the task. */
  health?: HealthRecord;
}

/** docker's State.Health: the status, the failures in a row, the last 5 probes. */
export interface HealthRecord {
  status: 'starting' | 'healthy' | 'unhealthy';
  failingStreak: number;
  log: Array<{ start: string; end: string; exitCode: number; output: string }>;
}

const recKey = (ns: string, id: string) => key('v1', 'tasks', ns, id);

export class TaskStore {
  constructor(private readonly db: Db) {}

  get(ns: string, id: string): Promise<TaskRecord | undefined> {
    return getOr<TaskRecord>(this.db, recKey(ns, id));
  }

  /** Every record, or one namespace's. */
  async all(ns?: string): Promise<TaskRecord[]> {
    const prefix = ns === undefined ? key('v1', 'tasks') : key('v1', 'tasks', ns);
    return (await list<TaskRecord>(this.db, prefix)).map(([, r]) => r);
  }

  async put(r: TaskRecord): Promise<void> {
    await commit(this.db, [{ type: 'put', key: recKey(r.ns, r.id), value: r }]);
  }

  async remove(ns: string, id: string): Promise<void> {
    await commit(this.db, [{ type: 'del', key: recKey(ns, id) }]);
  }
}
