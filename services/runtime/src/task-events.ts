/**
 * containerd's task events (api/events/task.proto), published as the runtime
 * shim would: create → start → exit → delete for the init process, and
 * exec-added → exec-started → exit for each exec.
 */
import {
  TaskCreate,
  TaskDelete,
  TaskExecAdded,
  TaskExecStarted,
  TaskExit,
  TaskOOM,
  TaskPaused,
  TaskResumed,
  TaskStart,
} from '@berth/proto/events';
import { packAny, type EventPublisher, type MessageType } from '@berth/events';
import type { Mount } from '@berth/snapshots';

export interface TaskEvents {
  create(ns: string, e: { id: string; bundle: string; rootfs: Mount[]; pid: number; io: Io }): void;
  start(ns: string, id: string, pid: number): void;
  exit(ns: string, e: { id: string; execId: string; pid: number; exitStatus: number; exitedAt: Date }): void;
  delete(ns: string, e: { id: string; pid: number; exitStatus: number; exitedAt: Date }): void;
  paused(ns: string, id: string): void;
  resumed(ns: string, id: string): void;
  execAdded(ns: string, id: string, execId: string): void;
  execStarted(ns: string, id: string, execId: string, pid: number): void;
  /** The OOM killer struck in the container's cgroup (containerd's /tasks/oom). */
  oom?(ns: string, id: string): void;
}

interface Io {
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
}

export function taskEvents(bus: EventPublisher): TaskEvents {
  const pub = <T>(ns: string, topic: string, name: string, type: MessageType<T>, msg: T) =>
    bus.publish(ns, topic, packAny(`containerd.events.${name}`, type, msg));
  return {
    create: (ns, e) =>
      pub(ns, '/tasks/create', 'TaskCreate', TaskCreate, {
        containerId: e.id,
        bundle: e.bundle,
        rootfs: e.rootfs.map((m) => ({ type: m.type, source: m.source, target: '', options: m.options })),
        io: e.io,
        checkpoint: '',
        pid: e.pid,
      }),
    start: (ns, id, pid) => pub(ns, '/tasks/start', 'TaskStart', TaskStart, { containerId: id, pid }),
    exit: (ns, e) =>
      pub(ns, '/tasks/exit', 'TaskExit', TaskExit, {
        containerId: e.id,
        id: e.execId || e.id,
        pid: e.pid,
        exitStatus: e.exitStatus,
        exitedAt: e.exitedAt,
      }),
    delete: (ns, e) =>
      pub(ns, '/tasks/delete', 'TaskDelete', TaskDelete, {
        containerId: e.id,
        pid: e.pid,
        exitStatus: e.exitStatus,
        exitedAt: e.exitedAt,
        id: e.id,
      }),
    paused: (ns, id) => pub(ns, '/tasks/paused', 'TaskPaused', TaskPaused, { containerId: id }),
    resumed: (ns, id) => pub(ns, '/tasks/resumed', 'TaskResumed', TaskResumed, { containerId: id }),
    execAdded: (ns, id, execId) =>
      pub(ns, '/tasks/exec-added', 'TaskExecAdded', TaskExecAdded, { containerId: id, execId }),
    execStarted: (ns, id, execId, pid) =>
      pub(ns, '/tasks/exec-started', 'TaskExecStarted', TaskExecStarted, { containerId: id, execId, pid }),
    oom: (ns, id) => pub(ns, '/tasks/oom', 'TaskOOM', TaskOOM, { containerId: id }),
  };
}
