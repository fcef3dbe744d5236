/**
 * docker's container lifecycle over containerd's tasks API: start (optionally
 * attached), stop (signal, grace period, SIGKILL), kill, pause/unpause, wait,
 * attach to a running container, and remove (refusing a running container
 * unless forced, and taking its snapshot along).
 */
import { conflict, failedPrecondition, isNotFound } from '@berth/errdefs';
import { unary } from '@berth/grpc';
import type { Container } from '@berth/proto/containers/v1';
import { Status, type Process } from '@berth/proto/types';
import { openAttach, type AttachSession, type ExitStatus } from './attach.js';
import { longCall, type Clients } from './clients.js';
import { removeSnapshot } from './create.js';
import { LABELS, stopSettings } from './labels.js';
import { detachNetwork } from './network.js';
import { wireInput, type ClientStdio } from './stdio.js';

export const SIGKILL = 9;

/** Turns a name, id or unique id prefix into the container's id and name (NotFound `No such container: x`). */
export async function resolveContainer(c: Clients, ref: string): Promise<{ id: string; name: string }> {
  return unary(c.runtime, c.runtime.resolve, { ref }, c.opts);
}

export async function getContainer(c: Clients, id: string): Promise<Container> {
  const { container } = await unary(c.containers, c.containers.get, { id }, c.opts);
  if (!container) throw failedPrecondition(`container ${id}: empty answer`);
  return container;
}

/** The container's task (init process), or undefined when it has none. */
export async function getTask(c: Clients, id: string, execId = ''): Promise<Process | undefined> {
  try {
    return (await unary(c.tasks, c.tasks.get, { containerId: id, execId }, c.opts)).process;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Marks a stop by the user (label io.berth.stopped), or clears the mark: berth-runtime's
 * restart policy never undoes such a stop (docker's HasBeenManuallyStopped). Set before
 * signalling, cleared by start.
 */
export async function markStopped(c: Clients, container: Container, stopped: boolean): Promise<void> {
  if ((container.labels[LABELS.stopped] === 'true') === stopped) return;
  const labels = { [LABELS.stopped]: stopped ? 'true' : '' };
  const updateMask = [`labels.${LABELS.stopped}`];
  await unary(c.containers, c.containers.update, { container: { ...container, labels }, updateMask }, c.opts);
}

const isLive = (t: Process | undefined): t is Process =>
  t !== undefined &&
  (t.status === Status.RUNNING || t.status === Status.PAUSED || t.status === Status.PAUSING);

/** Deletes the container's task; one that is already gone is fine. */
export async function deleteTask(c: Clients, id: string): Promise<void> {
  try {
    await unary(c.tasks, c.tasks.delete, { containerId: id }, c.opts);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export interface AttachStdio extends ClientStdio {
  /** Send input (`-i`); needs a container created with stdin open. */
  interactive: boolean;
}

export interface StartOptions {
  /** Attach this process's stdio (run without -d, start -a) and resolve on the exit. */
  attach?: AttachStdio;
  /** Called once the task is running (signal proxying hooks in here). */
  onStarted?(pid: number): void;
}

export interface StartResult {
  pid: number;
  /** false when the container was already running (docker: a no-op). */
  started: boolean;
  /** With `attach`: how the process ended. */
  exit?: ExitStatus;
}

/**
 * Starts container `id`: a stopped task is deleted first (ignoring NotFound), then the task is
 * created (its terminal from the io.berth.tty label), attached if asked, and started.
 * A container that is already running is left alone (and attached to with `attach`).
 */
export async function startContainer(c: Clients, id: string, o: StartOptions = {}): Promise<StartResult> {
  const container = await getContainer(c, id);
  const tty = container.labels[LABELS.tty] === 'true';
  const current = await getTask(c, id);
  if (isLive(current)) {
    if (!o.attach) return { pid: current.pid, started: false };
    return { pid: current.pid, started: false, exit: await attachContainer(c, id, o.attach) };
  }
  await markStopped(c, container, false);
  if (current) await deleteTask(c, id);
  await unary(
    c.tasks,
    c.tasks.create,
    {
      containerId: id,
      rootfs: [],
      stdin: '',
      stdout: '',
      stderr: '',
      terminal: tty,
      checkpoint: undefined,
      options: undefined,
      runtimePath: '',
    },
    c.opts,
  );
  let session: AttachSession | undefined;
  let unwire = () => {};
  try {
    if (o.attach) {
      const stdinOpen = container.labels[LABELS.stdinOpen] === 'true';
      session = openSession(c, id, o.attach, o.attach.interactive && stdinOpen);
      await session.ready;
      unwire = wireInput(session, withInput(o.attach, stdinOpen), tty);
    }
    const { pid } = await unary(c.tasks, c.tasks.start, { containerId: id, execId: '' }, c.opts);
    o.onStarted?.(pid);
    if (!session) return { pid, started: true };
    return { pid, started: true, exit: await session.exit };
  } catch (err) {
    if (session && !(await isStarted(c, id))) await deleteTask(c, id).catch(() => undefined);
    throw err;
  } finally {
    unwire();
    session?.close();
  }
}

async function isStarted(c: Clients, id: string): Promise<boolean> {
  const t = await getTask(c, id).catch(() => undefined);
  return t !== undefined && t.status !== Status.CREATED;
}

const withInput = (io: AttachStdio, stdinOpen: boolean): ClientStdio =>
  io.interactive && stdinOpen ? io : { stdout: io.stdout, stderr: io.stderr };

function openSession(c: Clients, id: string, io: AttachStdio, stdin: boolean, execId = ''): AttachSession {
  const session: AttachSession = openAttach(c, id, {
    execId,
    stdin,
    output: (stream, data) => {
      const out = stream === 1 ? io.stdout : io.stderr;
      if (out.write(data)) return true;
      out.once('drain', () => session.resume());
      return false;
    },
  });
  return session;
}

/**
 * Attaches this process's stdio to a running container (docker attach) and resolves with its
 * exit. Input goes only with `interactive` to a container created with `-i`.
 *
 * @throws FailedPrecondition "You cannot attach to a stopped container, start it first".
 */
export async function attachContainer(c: Clients, id: string, io: AttachStdio): Promise<ExitStatus> {
  const container = await getContainer(c, id);
  const tty = container.labels[LABELS.tty] === 'true';
  const stdinOpen = container.labels[LABELS.stdinOpen] === 'true';
  const session = openSession(c, id, io, io.interactive && stdinOpen);
  let unwire = () => {};
  try {
    await session.ready;
    unwire = wireInput(session, withInput(io, stdinOpen), tty);
    return await session.exit;
  } finally {
    unwire();
    session.close();
  }
}

/** Sends `signal` to the container's init process. NotFound-free: a stopped container is FailedPrecondition. */
export async function killContainer(c: Clients, id: string, signal: number, name = id): Promise<void> {
  const [container, t] = await Promise.all([getContainer(c, id), getTask(c, id)]);
  // Also while restarting (no task running): the restart is called off.
  if (isLive(t) || container.labels[LABELS.restart]) await markStopped(c, container, true);
  if (!isLive(t)) throw failedPrecondition(`Cannot kill container: ${name}: Container ${id} is not running`);
  try {
    await unary(c.tasks, c.tasks.kill, { containerId: id, execId: '', signal, all: false }, c.opts);
  } catch (err) {
    if (isNotFound(err))
      throw failedPrecondition(`Cannot kill container: ${name}: Container ${id} is not running`);
    throw err;
  }
}

/**
 * Waits for the container's task to exit and returns its status; undefined when it has no
 * task (never started). With `timeoutMs`, undefined also when it is still running by then.
 */
export async function waitTask(
  c: Clients,
  id: string,
  o: { timeoutMs?: number; signal?: AbortSignal; execId?: string } = {},
): Promise<ExitStatus | undefined> {
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = o.timeoutMs !== undefined && o.timeoutMs >= 0 ? setTimeout(onAbort, o.timeoutMs) : undefined;
  try {
    const r = await unary(
      c.tasks,
      c.tasks.wait,
      { containerId: id, execId: o.execId ?? '' },
      longCall(c, ac.signal),
    );
    return { exitStatus: r.exitStatus, exitedAt: r.exitedAt };
  } catch (err) {
    if (isNotFound(err) || (ac.signal.aborted && !o.signal?.aborted)) return undefined;
    throw err;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * docker stop: sends the container's stop signal (label, default SIGTERM), waits up to
 * `timeoutSec` (label io.berth.stop-timeout, default 10; -1 waits forever), then SIGKILL.
 * `signal` overrides the stop signal (docker stop -s). A container that is not running is left
 * alone. Returns the exit, if it was running.
 */
export async function stopContainer(
  c: Clients,
  id: string,
  timeoutSec?: number,
  signal?: number,
): Promise<ExitStatus | undefined> {
  const container = await getContainer(c, id);
  const t = await getTask(c, id);
  if (t?.status === Status.CREATED) {
    // Created but never started (an interrupted start): nothing runs; drop the task.
    await deleteTask(c, id);
    return undefined;
  }
  if (isLive(t) || container.labels[LABELS.restart]) await markStopped(c, container, true);
  if (!isLive(t)) return undefined;
  const s = stopSettings(container.labels);
  const timeout = timeoutSec ?? s.timeout;
  const waiting = waitTask(c, id);
  waiting.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  await signalTask(c, id, signal ?? s.signal, t.status !== Status.RUNNING);
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<undefined>((resolve) => {
    if (timeout >= 0) timer = setTimeout(() => resolve(undefined), timeout * 1000);
  });
  const ended = await Promise.race([waiting, grace]).finally(() => clearTimeout(timer));
  if (ended) return ended;
  await signalTask(c, id, SIGKILL, false);
  return waiting;
}

/** Kills the init process; a paused container is thawed so that the signal lands. */
async function signalTask(c: Clients, id: string, signal: number, paused: boolean): Promise<void> {
  try {
    await unary(c.tasks, c.tasks.kill, { containerId: id, execId: '', signal, all: false }, c.opts);
  } catch (err) {
    if (!isNotFound(err)) throw err; // NotFound: it has just exited
  }
  if (paused) {
    await unary(c.tasks, c.tasks.resume, { containerId: id }, c.opts).catch(() => undefined);
  }
}

export interface RemoveOptions {
  /** Kill a running container first (docker rm -f). */
  force?: boolean;
}

/**
 * docker rm: refuses a running container unless forced (then SIGKILL and wait), deletes the
 * task, the container record, its networking (Networks.Detach) and its snapshot.
 *
 * @throws Conflict docker's "You cannot remove a running container …" without force.
 */
export async function removeContainer(c: Clients, id: string, o: RemoveOptions = {}): Promise<void> {
  const [container, t] = await Promise.all([getContainer(c, id), getTask(c, id)]);
  if (isLive(t)) {
    if (!o.force) {
      const what = t.status === Status.RUNNING ? 'running' : 'paused';
      throw conflict(
        `You cannot remove a ${what} container ${id}. Stop the container before attempting removal or force remove`,
      );
    }
    await markStopped(c, container, true);
    const waiting = waitTask(c, id);
    waiting.catch(() => undefined);
    await signalTask(c, id, SIGKILL, t.status !== Status.RUNNING);
    await waiting;
  }
  await deleteTask(c, id);
  try {
    await unary(c.containers, c.containers.delete, { id }, c.opts);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  // Independent of each other once the record is gone.
  await Promise.all([detachNetwork(c, id), removeSnapshot(c, container.snapshotKey || id)]);
}

export async function pauseContainer(c: Clients, id: string, name = id): Promise<void> {
  const t = await getTask(c, id);
  if (t?.status === Status.PAUSED) throw failedPrecondition(`Container ${id} is already paused`);
  if (t?.status !== Status.RUNNING) throw failedPrecondition(`Container ${name} is not running`);
  await unary(c.tasks, c.tasks.pause, { containerId: id }, c.opts);
}

export async function unpauseContainer(c: Clients, id: string, name = id): Promise<void> {
  const t = await getTask(c, id);
  if (t?.status !== Status.PAUSED) throw failedPrecondition(`Container ${name} is not paused`);
  await unary(c.tasks, c.tasks.resume, { containerId: id }, c.opts);
}
