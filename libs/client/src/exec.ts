/**
 * docker exec over containerd's tasks API. The process is the container's own
 * (user, env, cwd, capabilities) with docker exec's overrides. Its monitor
 * exists from Tasks.Exec on, so this client attaches (berth.runtime.v1
 * Attach) before Tasks.Start and sees all of its output; input (`-i`) goes
 * through the same stream (the exec's stdin is `attach://`).
 */
import { failedPrecondition, invalidArgument, isNotFound } from '@berth/errdefs';
import { unary } from '@berth/grpc';
import { mergeEnv, resolveUser, type Process as SpecProcess } from '@berth/oci-spec';
import { Status } from '@berth/proto/types';
import { openAttach, type AttachSession, type ExitStatus } from './attach.js';
import { PROCESS_TYPE_URL, SNAPSHOTTER, type Clients } from './clients.js';
import { imageUserFiles } from './create.js';
import { generateId } from './ids.js';
import { getContainer, getTask, type AttachStdio } from './lifecycle.js';
import { wireInput } from './stdio.js';

/** The exec's stdin is the attach stream (berth-runtime: no FIFO, a pipe for attach clients). */
const ATTACH_STDIN = 'attach://';

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
  await unary(
    c.tasks,
    c.tasks.exec,
    {
      containerId: id,
      execId,
      stdin: interactive ? ATTACH_STDIN : '',
      stdout: '',
      stderr: '',
      terminal: o.tty === true,
      spec: { typeUrl: PROCESS_TYPE_URL, value: Buffer.from(JSON.stringify(process)) },
    },
    c.opts,
  );
  const start = () => unary(c.tasks, c.tasks.start, { containerId: id, execId }, c.opts);
  if (detach || !o.io) {
    await start().catch(async (err: unknown) => {
      await deleteProcess(c, id, execId).catch(() => undefined);
      throw err;
    });
    return { execId };
  }
  const io = o.io;
  const session: AttachSession = openAttach(c, id, {
    execId,
    stdin: interactive,
    output: (stream, data) => {
      const out = stream === 1 ? io.stdout : io.stderr;
      if (out.write(data)) return true;
      out.once('drain', () => session.resume());
      return false;
    },
  });
  let unwire = () => {};
  try {
    await session.ready;
    unwire = wireInput(session, interactive ? io : { stdout: io.stdout, stderr: io.stderr }, o.tty === true);
    await start();
    return { execId, exit: await session.exit };
  } finally {
    unwire();
    session.close();
    await deleteProcess(c, id, execId).catch(() => undefined);
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
