/**
 * docker exec over containerd's tasks API. The process is the container's own
 * (user, env, cwd, capabilities) with docker exec's overrides.
 *
 * Its output goes to two files made here, which berth-monitor appends to and
 * this client follows (inotify, with a slow poll as a fallback) until the
 * process has exited and the files are read to their end. Neither alternative
 * is lossless today: an attach stream can only join once the exec has started,
 * after a short command's output is gone, and berth-monitor drops output that
 * does not fit into a full output FIFO. Input (`-i`) goes through a FIFO, which
 * the monitor reads with back-pressure, and ends with CloseIO.
 */
import { execFile } from 'node:child_process';
import { constants as fsc, openSync, watch } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { failedPrecondition, invalidArgument, isNotFound } from '@berth/errdefs';
import { unary } from '@berth/grpc';
import { mergeEnv, resolveUser, type Process as SpecProcess } from '@berth/oci-spec';
import { Status } from '@berth/proto/types';
import type { ExitStatus } from './attach.js';
import { PROCESS_TYPE_URL, SNAPSHOTTER, type Clients } from './clients.js';
import { imageUserFiles } from './create.js';
import { generateId } from './ids.js';
import { getContainer, getTask, waitTask, type AttachStdio } from './lifecycle.js';
import { wireInput } from './stdio.js';

const run = promisify(execFile);

export interface ExecOptions {
  /** The command and its arguments. */
  args: readonly string[];
  /** `-e`, already expanded (`KEY=value`; a bare `KEY` unsets it). */
  env?: readonly string[];
  /** `-w`: an absolute directory; default the container's. */
  workdir?: string;
  /** `-u`: user[:group] resolved against the container's /etc/passwd and /etc/group. */
  user?: string;
  /** `-t` */
  tty?: boolean;
  /** `-d`: start it and return at once (no stdio). */
  detach?: boolean;
  /** Where the process's stdio go (ignored with `detach`); input only with `interactive`. */
  io?: AttachStdio;
  /** Where to make the stdio files (default the OS temp dir). */
  stdioDir?: string;
}

export interface ExecResult {
  execId: string;
  /** How the process ended; undefined with `detach`. */
  exit?: ExitStatus;
}

/**
 * Runs a process in running container `id` and, unless detached, relays its stdio and waits for
 * it, then deletes it (DeleteProcess).
 *
 * @throws FailedPrecondition when the container is not running (or paused), InvalidArgument
 *   for a relative workdir, and the runtime's error when the process cannot start.
 */
export async function execInContainer(c: Clients, id: string, o: ExecOptions): Promise<ExecResult> {
  if (o.args.length === 0) throw invalidArgument('exec needs a command');
  if (o.workdir !== undefined && o.workdir !== '' && !o.workdir.startsWith('/'))
    throw invalidArgument(`the working directory '${o.workdir}' is invalid, it needs to be an absolute path`);
  const container = await getContainer(c, id);
  const t = await getTask(c, id);
  if (t?.status === Status.PAUSED)
    throw failedPrecondition(`Container ${id} is paused, unpause the container before exec`);
  if (t?.status !== Status.RUNNING) throw failedPrecondition(`Container ${id} is not running`);
  const process = await execProcess(c, container.snapshotKey || id, specProcess(container.spec?.value), o);
  const execId = generateId();
  const detach = o.detach === true || !o.io;
  const interactive = !detach && o.io?.interactive === true && o.io.stdin !== undefined;
  const files = detach ? undefined : await makeStdioFiles(o.stdioDir ?? tmpdir(), interactive);
  try {
    await unary(
      c.tasks,
      c.tasks.exec,
      {
        containerId: id,
        execId,
        stdin: files?.stdin ?? '',
        stdout: files?.stdout ?? '',
        stderr: files?.stderr ?? '',
        terminal: o.tty === true,
        spec: { typeUrl: PROCESS_TYPE_URL, value: Buffer.from(JSON.stringify(process)) },
      },
      c.opts,
    );
    try {
      await unary(c.tasks, c.tasks.start, { containerId: id, execId }, c.opts);
    } catch (err) {
      await deleteProcess(c, id, execId).catch(() => undefined);
      throw err;
    }
    if (detach || !files || !o.io) return { execId };
    const exit = await relay(c, id, execId, files, o.io, o.tty === true, interactive);
    await deleteProcess(c, id, execId).catch(() => undefined);
    return { execId, exit };
  } finally {
    if (files) await rm(files.dir, { recursive: true, force: true });
  }
}

/** The container's process from its spec, the base of every exec. */
function specProcess(value: Uint8Array | undefined): SpecProcess {
  try {
    const spec = JSON.parse(Buffer.from(value ?? []).toString('utf8')) as { process?: SpecProcess };
    if (spec.process) return spec.process;
  } catch {
    // fall through
  }
  throw failedPrecondition('the container has no valid OCI spec');
}

async function execProcess(c: Clients, key: string, base: SpecProcess, o: ExecOptions): Promise<SpecProcess> {
  const env = [...(o.env ?? [])];
  if (o.tty) env.unshift('TERM=xterm');
  const p: SpecProcess = {
    ...base,
    terminal: o.tty === true,
    args: [...o.args],
    env: mergeEnv(base.env ?? [], env),
    cwd: o.workdir || base.cwd,
  };
  if (o.user !== undefined && o.user !== '') {
    const { mounts } = await unary(
      c.snapshots,
      c.snapshots.mounts,
      { snapshotter: SNAPSHOTTER, key },
      c.opts,
    );
    const [passwd, group] = await imageUserFiles(mounts);
    p.user = resolveUser(o.user, passwd, group);
  }
  return p;
}

async function deleteProcess(c: Clients, id: string, execId: string): Promise<void> {
  try {
    await unary(c.tasks, c.tasks.deleteProcess, { containerId: id, execId }, c.opts);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

interface StdioFiles {
  dir: string;
  stdin?: string;
  stdout: string;
  stderr: string;
}

/** Empty output files (regular files: the monitor appends) and, for input, a FIFO. */
async function makeStdioFiles(parent: string, stdin: boolean): Promise<StdioFiles> {
  const dir = await mkdtemp(join(parent, 'berth-exec-'));
  const f = { dir, stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') };
  await Promise.all([writeFile(f.stdout, '', { mode: 0o600 }), writeFile(f.stderr, '', { mode: 0o600 })]);
  if (!stdin) return f;
  const path = join(dir, 'stdin');
  await run('mkfifo', ['-m', '600', path]);
  return { ...f, stdin: path };
}

/** Copies the exec's output to `io` and `io`'s input to it until it exits and its output ends. */
async function relay(
  c: Clients,
  id: string,
  execId: string,
  f: StdioFiles,
  io: AttachStdio,
  tty: boolean,
  interactive: boolean,
): Promise<ExitStatus> {
  let exited!: () => void;
  const ended = new Promise<void>((resolve) => (exited = resolve));
  const outputs = [follow(f.stdout, io.stdout, ended), follow(f.stderr, io.stderr, ended)];
  let input: Socket | undefined;
  if (interactive && f.stdin) {
    // The monitor holds the FIFO open (read-write) from before the start: this never blocks.
    const fd = openSync(f.stdin, fsc.O_WRONLY | fsc.O_NONBLOCK);
    input = new Socket({ fd, readable: false, writable: true });
    input.on('error', () => undefined);
  }
  const target = {
    write: (d: Buffer) => void input?.write(d),
    closeStdin: () => {
      // The end of input travels as CloseIO once every byte is in the FIFO.
      input?.end(() => {
        void unary(c.tasks, c.tasks.closeIo, { containerId: id, execId, stdin: true }, c.opts).catch(
          () => undefined,
        );
      });
    },
    resize: (width: number, height: number) => {
      void unary(c.tasks, c.tasks.resizePty, { containerId: id, execId, width, height }, c.opts).catch(
        () => undefined,
      );
    },
  };
  const unwire = wireInput(target, interactive ? io : { stdout: io.stdout, stderr: io.stderr }, tty);
  try {
    const exit = await waitTask(c, id, { execId });
    // The monitor has written all output before it records the exit: read to the end now.
    exited();
    await Promise.all(outputs);
    return exit ?? { exitStatus: 255 };
  } finally {
    exited();
    unwire();
    input?.destroy();
  }
}

const POLL_MS = 200;

/**
 * Copies what is appended to `path` to `out` (waiting for `out` to drain), until `ended` has
 * resolved and the file is read to its end.
 */
async function follow(path: string, out: NodeJS.WritableStream, ended: Promise<void>): Promise<void> {
  const fh = await open(path, 'r');
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  let done = false;
  void ended.then(() => {
    done = true;
    poke();
  });
  const watcher = watch(path, poke);
  watcher.on('error', () => undefined);
  const buf = Buffer.alloc(256 * 1024);
  let pos = 0;
  try {
    for (;;) {
      const last = done; // read once more after the end: everything is in the file by then
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        if (!out.write(Buffer.from(buf.subarray(0, bytesRead))))
          await new Promise<void>((r) => out.once('drain', () => r()));
        continue;
      }
      if (last) return;
      if (done) continue; // it ended while we were reading: one last read
      await new Promise<void>((r) => {
        const t = setTimeout(r, POLL_MS);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
      wake = undefined;
    }
  } finally {
    watcher.close();
    await fh.close();
  }
}
