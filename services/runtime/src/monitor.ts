/**
 * Starting a berth-monitor and learning what became of its process. The
 * monitor detaches (it must outlive this service), reports `created` /
 * `started` / `error` as JSON lines on fd 3, and writes an exit file when the
 * process it watches is gone. See native/monitor/README.md for the contract.
 */
import { spawn } from 'node:child_process';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { stripLogrus } from './runc.js';
import { BerthError, failedPrecondition, internal, notFound, type ErrorKind } from '@berth/errdefs';

export interface MonitorOptions {
  binary: string;
  id: string;
  bundle: string;
  runtime: string;
  runtimeRoot: string;
  exitFile: string;
  pidFile: string;
  control: string;
  attachSocket: string;
  logFile?: string;
  logMaxSize?: number;
  logMaxFiles?: number;
  terminal: boolean;
  /** Keep a stdin pipe open (docker -i). */
  stdin: boolean;
  /** containerd-style FIFO (or file) paths from the client; empty when unused. */
  stdinPath?: string;
  stdoutPath?: string;
  stderrPath?: string;
  /**
   * Exec mode: the process JSON file and exec id. With `waitStart` the monitor prepares
   * everything (attach socket, control FIFO) and runs the process only when told `start`.
   */
  exec?: { process: string; id: string; waitStart?: boolean };
}

export interface Spawned {
  /** The container's init (or exec'd) process. */
  pid: number;
  /** The detached monitor. */
  monitorPid: number;
}

export interface ExitInfo {
  pid: number;
  exitStatus: number;
  exitedAt: Date;
  signal?: number;
}

function argv(o: MonitorOptions): string[] {
  const a = ['--detach', '--sync-fd', '3', '--id', o.id, '--bundle', o.bundle, '--runtime', o.runtime];
  a.push('--runtime-root', o.runtimeRoot, '--exit-file', o.exitFile, '--pidfile', o.pidFile);
  a.push('--control', o.control, '--attach-socket', o.attachSocket);
  if (o.logFile) a.push('--log-file', o.logFile);
  if (o.logMaxSize)
    a.push('--log-max-size', String(o.logMaxSize), '--log-max-files', String(o.logMaxFiles ?? 1));
  if (o.terminal) a.push('--terminal');
  if (o.stdin) a.push('--stdin');
  if (o.stdinPath) a.push('--stdin-path', o.stdinPath);
  if (o.stdoutPath) a.push('--stdout-path', o.stdoutPath);
  if (o.stderrPath) a.push('--stderr-path', o.stderrPath);
  if (o.exec) a.push('--exec', o.exec.process, '--exec-id', o.exec.id);
  if (o.exec?.waitStart) a.push('--wait-start');
  return a;
}

const KINDS: Record<string, ErrorKind> = {
  NotFound: 'NotFound',
  FailedPrecondition: 'FailedPrecondition',
  Internal: 'Internal',
};

type SyncMessage = { type: string; pid?: number; kind?: string; message?: string };

/** A monitor that prepared an exec and waits for `start` on its control FIFO. */
export interface Prepared {
  monitorPid: number;
  /** Resolves with the process pid once the monitor reports it started (after `start`). */
  started(): Promise<number>;
  /** Stops listening to the monitor's reports. */
  close(): void;
}

interface Launched {
  first: SyncMessage;
  monitorPid: number;
  next(): Promise<SyncMessage | undefined>;
  close(): void;
}

/**
 * Runs the monitor and waits for its first report. The monitor's own error
 * text (usually the OCI runtime's) becomes the error message.
 */
async function launch(o: MonitorOptions): Promise<Launched> {
  const child = spawn(o.binary, argv(o), { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e) => reject(failedPrecondition(`berth-monitor ${o.binary}: ${e.message}`))),
  );
  const sync = child.stdio[3] as NodeJS.ReadableStream;
  const lines = createInterface({ input: sync, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const close = () => {
    void lines.return?.();
    (sync as unknown as { destroy(): void }).destroy();
  };
  const next = async (): Promise<SyncMessage | undefined> => {
    for (;;) {
      const r = await lines.next();
      if (r.done) return undefined;
      if (r.value.trim()) return JSON.parse(r.value) as SyncMessage;
    }
  };
  try {
    const first = await Promise.race([next(), spawnError]);
    if (!first) throw internal(`berth-monitor exited without a report${stderr ? `: ${stderr.trim()}` : ''}`);
    throwIfError(first);
    return { first, monitorPid: readPid(o.pidFile), next, close };
  } catch (err) {
    close();
    throw err;
  }
}

function throwIfError(msg: SyncMessage): void {
  if (msg.type === 'error')
    throw new BerthError(
      KINDS[msg.kind ?? ''] ?? 'Internal',
      stripLogrus(msg.message ?? 'berth-monitor failed'),
    );
}

function pidOf(msg: SyncMessage | undefined, want: string): number {
  if (!msg) throw internal(`berth-monitor exited before reporting ${want}`);
  throwIfError(msg);
  if (msg.type !== want || !msg.pid)
    throw internal(`berth-monitor: unexpected report ${JSON.stringify(msg)}`);
  return msg.pid;
}

/** Container mode (`created`) or an exec run at once (`started`): the process exists on return. */
export async function spawnMonitor(o: MonitorOptions): Promise<Spawned> {
  const l = await launch(o);
  try {
    return { pid: pidOf(l.first, o.exec ? 'started' : 'created'), monitorPid: l.monitorPid };
  } finally {
    l.close();
  }
}

/** An exec prepared by its monitor (`ready`); `started()` follows the `start` control command. */
export async function prepareExec(o: MonitorOptions): Promise<Prepared> {
  const l = await launch({ ...o, exec: { ...o.exec!, waitStart: true } });
  if (l.first.type !== 'ready') {
    l.close();
    throw internal(`berth-monitor: expected ready, got ${JSON.stringify(l.first)}`);
  }
  return {
    monitorPid: l.monitorPid,
    started: async () => {
      try {
        return pidOf(await l.next(), 'started');
      } finally {
        l.close();
      }
    },
    close: l.close,
  };
}

function readPid(file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw internal(`berth-monitor pidfile ${file}: no pid`);
  return pid;
}

/** Whether `pid` is still a berth-monitor (not a recycled pid). */
export function monitorAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('berth-monitor');
  } catch {
    return false;
  }
}

export async function readExitFile(file: string): Promise<ExitInfo | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const j = JSON.parse(text) as { pid: number; exit_status: number; exited_at: string; signal?: number };
  return { pid: j.pid, exitStatus: j.exit_status, exitedAt: new Date(j.exited_at), signal: j.signal };
}

/**
 * Calls `onExit` once, when the exit file appears — or, if the monitor dies
 * without writing one (kill -9), with status 255 as containerd reports a lost
 * shim. inotify gives the prompt answer; a slow poll is the backstop.
 */
export function watchExit(
  exitFile: string,
  monitorPid: number,
  onExit: (e: ExitInfo) => void,
  pollMs = 1000,
): () => void {
  let done = false;
  let watcher: FSWatcher | undefined;
  const stop = () => {
    done = true;
    watcher?.close();
    clearInterval(timer);
  };
  const check = async (final: boolean) => {
    if (done) return;
    const e = await readExitFile(exitFile).catch(() => undefined);
    if (done) return;
    if (e) {
      stop();
      onExit(e);
    } else if (final && !monitorAlive(monitorPid)) {
      // Re-read once: the monitor may have written the file just before exiting.
      const again = await readExitFile(exitFile).catch(() => undefined);
      if (done) return;
      stop();
      onExit(again ?? { pid: 0, exitStatus: 255, exitedAt: new Date() });
    }
  };
  try {
    const name = basename(exitFile);
    watcher = watch(dirname(exitFile), (_, f) => {
      if (f === name) void check(false);
    });
    watcher.on('error', () => undefined);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`bundle of ${exitFile} is gone`);
    throw err;
  }
  const timer = setInterval(() => void check(true), pollMs);
  timer.unref();
  void check(false);
  return stop;
}
