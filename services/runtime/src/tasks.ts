/**
 * Tasks: the container's init process and its execs, each watched by its own
 * berth-monitor. This module owns the state machine (created → running ⇄
 * paused → stopped → deleted), the exit waiters, and recovery after this
 * service restarts; the OCI runtime verbs are in runc.ts, the monitor in
 * monitor.ts, the files in bundle.ts.
 */
import { constants as fsc } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import {
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  isNotFound,
  notFound,
  notImplemented,
} from '@berth/errdefs';
import { KeyedMutex } from '@berth/store';
import { mountAll, unmount } from '@berth/mount';
import type { Mount } from '@berth/snapshots';
import type { Logger } from '@berth/log';
import type { Container } from '@berth/proto/containers/v1';
import { Options } from '@berth/proto/runc';
import {
  attachSocket,
  logFile,
  makeBundle,
  procDir,
  procFiles,
  removeBundle,
  unlinkQuiet,
  type Layout,
} from './bundle.js';
import {
  monitorAlive,
  prepareExec,
  readExitFile,
  spawnMonitor,
  watchExit,
  type ExitInfo,
  type MonitorOptions,
  type Prepared,
} from './monitor.js';
import { taskOomKilled } from './oom.js';
import { Runc } from './runc.js';
import { clampCapabilities, hostCapabilities } from './capabilities.js';
import type { TaskEvents } from './task-events.js';
import type { HealthRecord, ProcRecord, TaskRecord, TaskStore } from './task-store.js';

export interface TaskIo {
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
}

export interface CreateTask extends TaskIo {
  containerId: string;
  /** Mounts for the rootfs; empty means the container's snapshot (or the spec's root as is). */
  rootfs: Mount[];
  /** A start by the restart policy (restart.ts), counted for on-failure:max. */
  byPolicy?: boolean;
}

export interface ProcessView {
  containerId: string;
  execId: string;
  pid: number;
  status: Exclude<ProcRecord['status'], 'creating'>;
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
  exitStatus: number;
  exitedAt?: Date;
}

export interface Deps {
  store: TaskStore;
  containers: { get(ns: string, id: string): Promise<Container> };
  /** The container's snapshot mounts (from the snapshotter). */
  snapshotMounts(ns: string, snapshotter: string, key: string): Promise<Mount[]>;
  events: TaskEvents;
  log: Logger;
  layout: Layout & { runtimeRoot: string };
  monitor: string;
  /** OCI runtime binaries by name (`runc`, `crun`); the first is the default. */
  runtimes: Record<string, string>;
  logMaxSize: number;
  logMaxFiles: number;
  /** Told after an init process's exit is recorded (auto-remove, restart policies). */
  onInitExit?(ns: string, id: string, e: ExitInfo): void;
  /**
   * Last word on the spec before the task is created, with the rootfs mounted at `rootfs`
   * (volumes: mounts resolved, image content copied up). May change `spec` in place.
   */
  prepareSpec?(ns: string, c: Container, spec: Record<string, unknown>, rootfs: string): Promise<void>;
}

/** Labels berth's clients put on containers to steer their tasks. */
export const LABELS = {
  runtime: 'io.berth.runtime',
  stdinOpen: 'io.berth.stdin-open',
  logMaxSize: 'io.berth.log.max-size',
  logMaxFiles: 'io.berth.log.max-file',
} as const;

/**
 * A stdin "path" meaning: no FIFO, but keep a stdin pipe that attach clients write to
 * (docker's -i without a client-side FIFO), in the spirit of containerd's log URIs.
 */
export const ATTACH_STDIN = 'attach://';
const fifoPath = (stdin: string) => (stdin === ATTACH_STDIN ? '' : stdin);

/**
 * Where an output stream goes: a FIFO path, or containerd's log URI `file:///path` (ctr
 * --log-uri), which the monitor appends to. `binary://` log drivers are not supported.
 */
export function sinkPath(uri: string): string {
  if (uri.startsWith('file://')) return decodeURIComponent(new URL(uri).pathname);
  if (/^[a-z]+:\/\//.test(uri))
    throw notImplemented(`log URI ${JSON.stringify(uri)}: only file:// is supported`);
  return uri;
}

type Waiter = (e: ExitInfo) => void;

export class TaskManager {
  private readonly lock = new KeyedMutex();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly watches = new Map<string, () => void>();
  /** Execs whose monitor is ready and waits for `start` (Exec → Start), by proc key. */
  private readonly prepared = new Map<string, Prepared>();

  constructor(private readonly d: Deps) {}

  // --- queries ---------------------------------------------------------------------------

  async get(ns: string, id: string, execId = ''): Promise<ProcessView> {
    const t = await this.live(ns, id);
    return view(t, this.proc(t, execId));
  }

  async list(ns: string): Promise<ProcessView[]> {
    return (await this.d.store.all(ns))
      .filter((t) => !t.deleted && t.init.status !== 'creating')
      .map((t) => view(t, t.init));
  }

  /** Every task record of a namespace, deleted ones included, by container id. */
  async records(ns: string): Promise<Map<string, TaskRecord>> {
    return new Map((await this.d.store.all(ns)).map((t) => [t.id, t]));
  }

  /** Every task record of every namespace (restart policies at start-up). */
  allRecords(): Promise<TaskRecord[]> {
    return this.d.store.all();
  }

  /**
   * Records the health of task generation `createdAt` (health.ts); false, and nothing
   * written, when that task is gone or was replaced meanwhile.
   */
  async setHealth(ns: string, id: string, createdAt: string, health: HealthRecord): Promise<boolean> {
    return this.lock.run(`${ns}/${id}`, async () => {
      const t = await this.d.store.get(ns, id);
      if (!t || t.deleted || t.createdAt !== createdAt) return false;
      t.health = health;
      await this.d.store.put(t);
      return true;
    });
  }

  /** The task record even after Delete (last exit), for summaries; undefined if never created. */
  record(ns: string, id: string): Promise<TaskRecord | undefined> {
    return this.d.store.get(ns, id);
  }

  async pids(ns: string, id: string): Promise<Array<{ pid: number; execId: string }>> {
    const t = await this.live(ns, id);
    const pids = await this.runc(t).ps(id);
    const byPid = new Map(Object.values(t.execs).map((e) => [e.pid, e.execId]));
    return pids.map((pid) => ({ pid, execId: byPid.get(pid) ?? '' }));
  }

  // --- lifecycle --------------------------------------------------------------------------

  async create(ns: string, req: CreateTask): Promise<ProcessView> {
    const id = req.containerId;
    return this.lock.run(`${ns}/${id}`, async () => {
      const c = await this.d.containers.get(ns, id);
      const prev = await this.d.store.get(ns, id);
      if (prev && !prev.deleted) throw alreadyExists(`task ${id}: already exists`);
      const spec = parseSpec(c);
      const { name: runtimeName, binary: runtime } = this.runtimeFor(c);
      const l = this.d.layout;
      const bundle = await makeBundle(l, ns, id);
      const rootfs = req.rootfs.length
        ? req.rootfs
        : c.snapshotKey
          ? await this.d.snapshotMounts(ns, c.snapshotter, c.snapshotKey)
          : [];
      const t: TaskRecord = {
        ns,
        id,
        bundle,
        runtime,
        runtimeRoot: join(l.runtimeRoot, runtimeName, ns),
        mounted: rootfs.length > 0,
        createdAt: new Date().toISOString(),
        init: {
          execId: '',
          pid: 0,
          monitorPid: 0,
          status: 'creating',
          terminal: req.terminal,
          stdin: req.stdin,
          stdout: req.stdout,
          stderr: req.stderr,
          stdinOpen: c.labels[LABELS.stdinOpen] === 'true' || !!req.stdin,
          dir: bundle,
          attach: attachSocket(l, ns, id, ''),
        },
        execs: {},
        restartCount: prev ? prev.restartCount + (prev.startedAt ? 1 : 0) : 0,
        policyRestarts: req.byPolicy ? (prev?.policyRestarts ?? 0) + 1 : 0,
        // docker keeps the health log across starts; the status starts over.
        health: prev?.health && { ...prev.health, status: 'starting', failingStreak: 0 },
      };
      // Written first: a crash from here on is found and undone by recover().
      await this.d.store.put(t);
      try {
        if (t.mounted) mountAll(rootfs, join(bundle, 'rootfs'));
        if (t.mounted || !isAbsolute(spec.root?.path ?? '')) spec.root = { ...spec.root, path: 'rootfs' };
        spec.process = { ...spec.process, terminal: req.terminal };
        await this.d.prepareSpec?.(ns, c, spec, join(bundle, 'rootfs'));
        const dropped = clampCapabilities(spec.process['capabilities'] as never, hostCapabilities());
        if (dropped.length) this.d.log.debug({ id, dropped }, 'capabilities this host cannot grant');
        await writeFile(join(bundle, 'config.json'), JSON.stringify(spec));
        const files = procFiles(bundle);
        await Promise.all([unlinkQuiet(files.exit), mkdir(this.d.layout.runtimeRoot, { recursive: true })]);
        const s = await spawnMonitor({
          binary: this.d.monitor,
          id,
          bundle,
          runtime,
          runtimeRoot: t.runtimeRoot,
          exitFile: files.exit,
          pidFile: files.pid,
          control: files.control,
          attachSocket: t.init.attach,
          logFile: logFile(l, ns, id),
          logMaxSize: Number(c.labels[LABELS.logMaxSize]) || this.d.logMaxSize,
          logMaxFiles: Number(c.labels[LABELS.logMaxFiles]) || this.d.logMaxFiles,
          terminal: req.terminal,
          stdin: t.init.stdinOpen,
          stdinPath: fifoPath(req.stdin),
          stdoutPath: sinkPath(req.stdout),
          stderrPath: sinkPath(req.stderr),
        });
        t.init = { ...t.init, pid: s.pid, monitorPid: s.monitorPid, status: 'created' };
        await this.d.store.put(t);
      } catch (err) {
        await this.undoCreate(t).catch((e: unknown) =>
          this.d.log.error({ err: e, id }, 'undo of create failed'),
        );
        throw err;
      }
      this.watch(t, t.init);
      this.d.events.create(ns, { id, bundle, rootfs, pid: t.init.pid, io: req });
      return view(t, t.init);
    });
  }

  async start(ns: string, id: string, execId = ''): Promise<number> {
    return this.lock.run(`${ns}/${id}`, async () => {
      const t = await this.live(ns, id);
      if (execId) return this.startExec(t, execId);
      if (t.init.status !== 'created')
        throw failedPrecondition(`task ${id} is ${t.init.status}, not created: cannot start it`);
      await this.runc(t).start(id);
      t.init.status = 'running';
      t.startedAt = new Date().toISOString();
      await this.d.store.put(t);
      this.d.events.start(ns, id, t.init.pid);
      return t.init.pid;
    });
  }

  async exec(ns: string, id: string, execId: string, io: TaskIo, process: string): Promise<void> {
    if (!execId) throw invalidArgument('exec id must be set');
    await this.lock.run(`${ns}/${id}`, async () => {
      const t = await this.live(ns, id);
      if (t.execs[execId]) throw alreadyExists(`exec ${execId} of ${id}: already exists`);
      if (t.init.status !== 'running' && t.init.status !== 'paused')
        throw failedPrecondition(`container ${id} is not running (${t.init.status})`);
      let spec: { terminal?: boolean };
      try {
        spec = JSON.parse(process) as { terminal?: boolean };
      } catch {
        throw invalidArgument(`exec ${execId}: process spec is not valid JSON`);
      }
      const dir = procDir(t.bundle, execId);
      await mkdir(dir, { recursive: true });
      await writeFile(procFiles(dir).process, JSON.stringify({ ...spec, terminal: io.terminal }));
      const p: ProcRecord = {
        execId,
        pid: 0,
        monitorPid: 0,
        status: 'created',
        ...io,
        stdinOpen: !!io.stdin,
        dir,
        attach: attachSocket(this.d.layout, ns, id, execId),
      };
      // The monitor is started now, so clients can attach before Start (and see all output).
      const prepared = await prepareExec(this.monitorOptions(t, p));
      p.monitorPid = prepared.monitorPid;
      this.prepared.set(procKey(ns, id, execId), prepared);
      t.execs[execId] = p;
      await this.d.store.put(t);
      this.d.events.execAdded(ns, id, execId);
    });
  }

  private async startExec(t: TaskRecord, execId: string): Promise<number> {
    const p = this.proc(t, execId);
    if (p.status !== 'created') throw failedPrecondition(`exec ${execId} of ${t.id} is ${p.status}`);
    const k = procKey(t.ns, t.id, execId);
    const prepared = this.prepared.get(k);
    if (!prepared)
      throw failedPrecondition(
        `exec ${execId} of ${t.id} was prepared before berth-runtime restarted: exec it again`,
      );
    this.prepared.delete(k);
    await this.writeControl(p, 'start\n');
    let pid: number;
    try {
      pid = await prepared.started();
    } catch (err) {
      delete t.execs[execId];
      await this.d.store.put(t);
      throw err;
    }
    Object.assign(p, { pid, status: 'running' });
    await this.d.store.put(t);
    this.watch(t, p);
    this.d.events.execStarted(t.ns, t.id, execId, pid);
    return pid;
  }

  private monitorOptions(t: TaskRecord, p: ProcRecord): MonitorOptions {
    const files = procFiles(p.dir);
    return {
      binary: this.d.monitor,
      id: t.id,
      bundle: t.bundle,
      runtime: t.runtime,
      runtimeRoot: t.runtimeRoot,
      exitFile: files.exit,
      pidFile: files.pid,
      control: files.control,
      attachSocket: p.attach,
      terminal: p.terminal,
      stdin: p.stdinOpen,
      stdinPath: fifoPath(p.stdin),
      stdoutPath: sinkPath(p.stdout),
      stderrPath: sinkPath(p.stderr),
      exec: { process: files.process, id: p.execId },
    };
  }

  /** Ends a prepared exec's monitor that will never be started. */
  private dropPrepared(t: TaskRecord, p: ProcRecord): void {
    const k = procKey(t.ns, t.id, p.execId);
    this.prepared.get(k)?.close();
    this.prepared.delete(k);
    if (p.status === 'created' && monitorAlive(p.monitorPid)) process.kill(p.monitorPid, 'SIGTERM');
  }

  async kill(ns: string, id: string, execId: string, signal: number, all: boolean): Promise<void> {
    const t = await this.live(ns, id);
    const p = this.proc(t, execId);
    if (p.status === 'stopped' || p.status === 'creating' || (execId && p.status === 'created'))
      throw notFound(`process ${execId || id} already finished`);
    if (!execId) return this.runc(t).kill(id, signal, all);
    try {
      process.kill(p.pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH')
        throw notFound(`process ${execId} already finished`);
      throw err;
    }
  }

  async pause(ns: string, id: string): Promise<void> {
    await this.lock.run(`${ns}/${id}`, async () => {
      const t = await this.live(ns, id);
      if (t.init.status !== 'running')
        throw failedPrecondition(`container ${id} is ${t.init.status}, not running`);
      await this.runc(t).pause(id);
      t.init.status = 'paused';
      await this.d.store.put(t);
      this.d.events.paused(ns, id);
    });
  }

  async resume(ns: string, id: string): Promise<void> {
    await this.lock.run(`${ns}/${id}`, async () => {
      const t = await this.live(ns, id);
      if (t.init.status !== 'paused')
        throw failedPrecondition(`container ${id} is ${t.init.status}, not paused`);
      await this.runc(t).resume(id);
      t.init.status = 'running';
      await this.d.store.put(t);
      this.d.events.resumed(ns, id);
    });
  }

  async update(ns: string, id: string, resources: string): Promise<void> {
    const t = await this.live(ns, id);
    if (t.init.status === 'stopped') throw failedPrecondition(`container ${id} is not running`);
    await this.runc(t).update(id, resources);
  }

  async resize(ns: string, id: string, execId: string, width: number, height: number): Promise<void> {
    await this.control(ns, id, execId, `resize ${width} ${height}\n`);
  }

  async closeStdin(ns: string, id: string, execId: string): Promise<void> {
    await this.control(ns, id, execId, 'close-stdin\n');
  }

  /** Blocks until the process exits (or `signal` aborts); the status is kept until Delete. */
  async wait(ns: string, id: string, execId: string, signal?: AbortSignal): Promise<ExitInfo> {
    const t = await this.live(ns, id);
    const p = this.proc(t, execId);
    if (p.status === 'stopped') return exitOf(p);
    const k = procKey(ns, id, execId);
    return new Promise<ExitInfo>((resolve, reject) => {
      const w: Waiter = (e) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(e);
      };
      const onAbort = () => {
        this.waiters.set(
          k,
          (this.waiters.get(k) ?? []).filter((x) => x !== w),
        );
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(k, [...(this.waiters.get(k) ?? []), w]);
      // The exit may have landed between the read above and registering.
      void this.d.store.get(ns, id).then((cur) => {
        const q = cur && (execId ? cur.execs[execId] : cur.init);
        if (q?.status === 'stopped') this.settle(k, exitOf(q));
      });
    });
  }

  async delete(ns: string, id: string): Promise<ExitInfo> {
    // An exit taken here (catchUp) is not passed to onInitExit: the caller deleting the task
    // is the one deciding what happens next (docker's start, or its --rm).
    return this.lock.run(`${ns}/${id}`, async () => {
      const t = await this.live(ns, id);
      await this.catchUp(t, t.init);
      if (t.init.status === 'running' || t.init.status === 'paused')
        throw failedPrecondition(`task ${id} must be stopped before deletion: ${t.init.status}`);
      await this.runc(t).delete(id, true);
      if (t.init.status !== 'stopped') {
        // Created but never started: runc delete --force killed it; take the exit it left.
        t.init = { ...t.init, ...recordExit(await this.exitAfterKill(t.init)) };
      }
      await this.teardown(t);
      t.deleted = true;
      t.execs = {};
      await this.d.store.put(t);
      const e = exitOf(t.init);
      this.d.events.delete(ns, { id, pid: e.pid, exitStatus: e.exitStatus, exitedAt: e.exitedAt });
      return e;
    });
  }

  async deleteProcess(ns: string, id: string, execId: string): Promise<ExitInfo> {
    if (!execId) throw invalidArgument('exec id must be set');
    return this.lock.run(`${ns}/${id}`, async () => {
      const t = await this.live(ns, id);
      const p = this.proc(t, execId);
      await this.catchUp(t, p);
      if (p.status === 'running' || p.status === 'paused')
        throw failedPrecondition(`exec ${execId} must be stopped before deletion`);
      this.unwatch(t, p);
      this.dropPrepared(t, p);
      delete t.execs[execId];
      await this.d.store.put(t);
      await removeProcFiles(p);
      return exitOf(p);
    });
  }

  /** Forgets a container's task entirely (Containers.Delete). Refuses a live one. */
  async forget(ns: string, id: string): Promise<void> {
    await this.lock.run(`${ns}/${id}`, async () => {
      const t = await this.d.store.get(ns, id);
      if (!t) return;
      if (!t.deleted) {
        if (t.init.status !== 'stopped')
          throw failedPrecondition(`container ${id} has a ${t.init.status} task: stop and delete it first`);
        await this.runc(t).delete(id, true);
        await this.teardown(t);
      }
      await this.d.store.remove(ns, id);
    });
  }

  // --- recovery ---------------------------------------------------------------------------

  /**
   * Run once at start: undoes creates that a crash interrupted, learns the
   * exits that happened while this service was down and watches the rest.
   */
  async recover(): Promise<void> {
    for (const t of await this.d.store.all()) {
      if (t.deleted) continue;
      try {
        if (t.init.status === 'creating') {
          this.d.log.warn({ ns: t.ns, id: t.id }, 'undoing a task create interrupted by a crash');
          await this.undoCreate(t);
          continue;
        }
        for (const p of Object.values(t.execs)) if (p.status === 'created') this.dropPrepared(t, p);
        for (const p of [t.init, ...Object.values(t.execs)]) {
          if (p.status === 'stopped' || (p.execId && p.status === 'created')) continue;
          const file = procFiles(p.dir).exit;
          let e = await readExitFile(file);
          // A monitor that is gone without an exit file (kill -9, or a reboot that emptied the
          // state dir and the bundle with it): lost, as containerd reports a lost shim.
          if (!e && !monitorAlive(p.monitorPid))
            e = (await readExitFile(file)) ?? { pid: p.pid, exitStatus: 255, exitedAt: new Date() };
          if (e) await this.onExit(t.ns, t.id, p.execId, e);
          else this.watch(t, p);
        }
      } catch (err) {
        this.d.log.error({ err, ns: t.ns, id: t.id }, 'task recovery failed');
      }
    }
  }

  close(): void {
    for (const stop of this.watches.values()) stop();
    this.watches.clear();
  }

  // --- internals --------------------------------------------------------------------------

  private async live(ns: string, id: string): Promise<TaskRecord> {
    const t = await this.d.store.get(ns, id);
    if (!t || t.deleted || t.init.status === 'creating')
      throw notFound(`task ${JSON.stringify(id)}: not found`);
    return t;
  }

  private proc(t: TaskRecord, execId: string): ProcRecord {
    const p = execId ? t.execs[execId] : t.init;
    if (!p) throw notFound(`process ${JSON.stringify(execId)} of task ${t.id}: not found`);
    return p;
  }

  /**
   * The OCI runtime a container asked for: berth's label, or containerd's runc options
   * (`ctr run --runc-binary crun`), by name; default runc.
   */
  private runtimeFor(c: Container): { name: string; binary: string } {
    let name = c.labels[LABELS.runtime] ?? '';
    const o = c.runtime?.options;
    if (!name && o?.typeUrl === 'containerd.runc.v1.Options' && o.value.length)
      name = basename(Options.decode(o.value).binaryName);
    name ||= Object.keys(this.d.runtimes)[0]!;
    const binary = this.d.runtimes[name];
    if (!binary)
      throw invalidArgument(
        `unknown runtime ${JSON.stringify(name)} (known: ${Object.keys(this.d.runtimes).join(', ')})`,
      );
    return { name, binary };
  }

  private runc(t: TaskRecord): Runc {
    return new Runc(t.runtime, t.runtimeRoot);
  }

  private watch(t: TaskRecord, p: ProcRecord): void {
    const k = procKey(t.ns, t.id, p.execId);
    this.watches.get(k)?.();
    const stop = watchExit(procFiles(p.dir).exit, p.monitorPid, (e) => {
      this.watches.delete(k);
      this.onExit(t.ns, t.id, p.execId, e).catch((err: unknown) =>
        this.d.log.error({ err, id: t.id, execId: p.execId }, 'recording an exit failed'),
      );
    });
    this.watches.set(k, stop);
  }

  private unwatch(t: TaskRecord, p: ProcRecord): void {
    const k = procKey(t.ns, t.id, p.execId);
    this.watches.get(k)?.();
    this.watches.delete(k);
  }

  private async onExit(ns: string, id: string, execId: string, e: ExitInfo): Promise<void> {
    const recorded = await this.lock.run(`${ns}/${id}`, async () => {
      const t = await this.d.store.get(ns, id);
      const p = t && !t.deleted && (execId ? t.execs[execId] : t.init);
      return !!t && !!p && (await this.recordExit(t, p, e));
    });
    if (recorded && !execId) this.d.onInitExit?.(ns, id, e);
  }

  /** Records an exit (caller holds the task's lock); false when it was already known. */
  private async recordExit(t: TaskRecord, p: ProcRecord, e: ExitInfo): Promise<boolean> {
    if (p.status === 'stopped') return false;
    const { ns, id } = t;
    const execId = p.execId;
    this.unwatch(t, p);
    Object.assign(p, recordExit({ ...e, pid: e.pid || p.pid }));
    // Read now: the memory cgroup (and its OOM count) goes away at runc delete.
    const oom = !execId && (await taskOomKilled(t.bundle));
    if (oom) t.oomKilled = true;
    await this.d.store.put(t);
    if (oom) this.d.events.oom?.(ns, id);
    this.d.events.exit(ns, { id, execId, pid: p.pid, exitStatus: e.exitStatus, exitedAt: e.exitedAt });
    this.settle(procKey(ns, id, execId), exitOf(p));
    return true;
  }

  /**
   * A client that saw the exit (the attach stream's last frame) may ask to delete before our
   * watcher has read the exit file: take the file's word first.
   */
  private async catchUp(t: TaskRecord, p: ProcRecord): Promise<boolean> {
    if (p.status !== 'running' && p.status !== 'paused') return false;
    const e = await readExitFile(procFiles(p.dir).exit);
    return !!e && (await this.recordExit(t, p, e));
  }

  private settle(k: string, e: ExitInfo): void {
    const ws = this.waiters.get(k) ?? [];
    this.waiters.delete(k);
    for (const w of ws) w(e);
  }

  private async exitAfterKill(p: ProcRecord): Promise<ExitInfo> {
    const file = procFiles(p.dir).exit;
    for (let i = 0; i < 100; i++) {
      const e = await readExitFile(file);
      if (e) return e;
      if (!monitorAlive(p.monitorPid)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { pid: p.pid, exitStatus: 137, exitedAt: new Date() };
  }

  private async control(ns: string, id: string, execId: string, line: string): Promise<void> {
    const t = await this.live(ns, id);
    const p = this.proc(t, execId);
    if (p.status === 'stopped') throw notFound(`process ${execId || id} already finished`);
    await this.writeControl(p, line);
  }

  /** One command line to the process's monitor (see native/monitor/README.md). */
  private async writeControl(p: ProcRecord, line: string): Promise<void> {
    let fh;
    try {
      fh = await open(procFiles(p.dir).control, fsc.O_WRONLY | fsc.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENXIO' || code === 'ENOENT')
        throw failedPrecondition(`process ${p.execId || 'init'} has no monitor listening`);
      throw err;
    }
    try {
      await fh.write(line);
    } finally {
      await fh.close();
    }
  }

  /** Unmounts and removes what a task owns on the host. */
  private async teardown(t: TaskRecord): Promise<void> {
    for (const p of [t.init, ...Object.values(t.execs)]) this.unwatch(t, p);
    for (const p of Object.values(t.execs)) this.dropPrepared(t, p);
    if (t.mounted) {
      try {
        unmount(join(t.bundle, 'rootfs'));
      } catch (err) {
        // Not mounted (any more), or gone with the bundle (a reboot emptied the state dir).
        if (!/EINVAL|ENOENT|Invalid argument|No such file/.test(String(err))) throw err;
      }
    }
    await Promise.all([t.init, ...Object.values(t.execs)].map((p) => unlinkQuiet(p.attach)));
    await removeBundle(t.bundle);
  }

  private async undoCreate(t: TaskRecord): Promise<void> {
    await this.runc(t)
      .delete(t.id, true)
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    const pid = await readFile(procFiles(t.bundle).pid, 'utf8').catch(() => '');
    if (monitorAlive(Number(pid))) await this.exitAfterKill({ ...t.init, monitorPid: Number(pid) });
    await this.teardown(t);
    const prev = t.restartCount > 0 || t.startedAt;
    if (prev) await this.d.store.put({ ...t, deleted: true, init: { ...t.init, status: 'stopped' } });
    else await this.d.store.remove(t.ns, t.id);
  }
}

const procKey = (ns: string, id: string, execId: string) => `${ns}/${id}/${execId}`;

function parseSpec(c: Container): {
  root?: { path?: string; readonly?: boolean };
  process?: Record<string, unknown>;
  [k: string]: unknown;
} {
  if (!c.spec?.value?.length) throw failedPrecondition(`container ${c.id} has no spec`);
  try {
    return JSON.parse(Buffer.from(c.spec.value).toString('utf8')) as ReturnType<typeof parseSpec>;
  } catch {
    throw invalidArgument(`container ${c.id}: spec is not valid JSON`);
  }
}

function recordExit(e: ExitInfo): Partial<ProcRecord> {
  return { status: 'stopped', pid: e.pid, exitStatus: e.exitStatus, exitedAt: e.exitedAt.toISOString() };
}

function exitOf(p: ProcRecord): ExitInfo {
  return {
    pid: p.pid,
    exitStatus: p.exitStatus ?? 0,
    exitedAt: p.exitedAt ? new Date(p.exitedAt) : new Date(0),
  };
}

function view(t: TaskRecord, p: ProcRecord): ProcessView {
  return {
    containerId: t.id,
    execId: p.execId,
    pid: p.pid,
    status: p.status === 'creating' ? 'created' : p.status,
    stdin: p.stdin,
    stdout: p.stdout,
    stderr: p.stderr,
    terminal: p.terminal,
    exitStatus: p.exitStatus ?? 0,
    exitedAt: p.exitedAt ? new Date(p.exitedAt) : undefined,
  };
}

async function removeProcFiles(p: ProcRecord): Promise<void> {
  const f = procFiles(p.dir);
  await Promise.all([f.exit, f.pid, f.control, f.process, p.attach].map(unlinkQuiet));
  await import('node:fs/promises').then((fs) => fs.rmdir(p.dir).catch(() => undefined));
}
