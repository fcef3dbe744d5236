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
