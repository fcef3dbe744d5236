/**
 * berth.runtime.v1.Runtime: docker's view of containers (names, ps, inspect,
 * logs, attach, top, rename) over the container store and the task manager.
 */
import type {
  AttachFrame,
  AttachRequest,
  InspectRequest,
  InspectResponse,
  ListRequest,
  ListResponse,
  LogEntry,
  LogsRequest,
  RenameRequest,
  RenameResponse,
  ResolveRequest,
  ResolveResponse,
  TopRequest,
  TopResponse,
} from '@berth/proto/berth/runtime/v1';
import { failedPrecondition, invalidArgument } from '@berth/errdefs';
import type { CallContext } from '@berth/grpc';
import { connectAttach, frames } from './attach.js';
import { logFile, type Layout } from './bundle.js';
import type { ContainerStore } from './containers.js';
import { inspect, nameOf, summarize, type Live } from './describe.js';
import { followLog, readLog } from './logs.js';
import type { TaskManager } from './tasks.js';
import { top } from './top.js';

export class RuntimeServer {
  constructor(
    private readonly containers: ContainerStore,
    private readonly tasks: TaskManager,
    private readonly layout: Layout,
    private readonly logMaxFiles: number,
    /** Whether a restart by the container's policy is pending (restart.ts). */
    private readonly restarting: (ns: string, id: string) => boolean = () => false,
    /** docker inspect's Mounts from the resolved volume requests, when there are any (volumes/). */
    private readonly mountsOf: (ns: string, id: string) => Promise<Live['mounts']> = async () => undefined,
  ) {}

  async resolve(req: ResolveRequest, ctx: CallContext): Promise<ResolveResponse> {
    const c = await this.containers.resolve(ctx.ns, req.ref);
    return { id: c.id, name: nameOf(c) };
  }

  async list(req: ListRequest, ctx: CallContext): Promise<ListResponse> {
    const [cs, records] = await Promise.all([
      this.containers.list(ctx.ns, req.filters),
      this.tasks.records(ctx.ns),
    ]);
    const out = cs.map((c) => summarize(c, records.get(c.id), { restarting: this.restarting(ctx.ns, c.id) }));
    const up = new Set(['running', 'paused', 'restarting']);
    return { containers: req.all ? out : out.filter((s) => up.has(s.state)) };
  }

  async inspect(req: InspectRequest, ctx: CallContext): Promise<InspectResponse> {
    const c = await this.containers.resolve(ctx.ns, req.id);
    const t = await this.tasks.record(ctx.ns, c.id);
    const live = { restarting: this.restarting(ctx.ns, c.id), mounts: await this.mountsOf(ctx.ns, c.id) };
    return { json: JSON.stringify(inspect(c, t, logFile(this.layout, ctx.ns, c.id), live)) };
  }

  async rename(req: RenameRequest, ctx: CallContext): Promise<RenameResponse> {
    const c = await this.containers.resolve(ctx.ns, req.id);
    await this.containers.rename(ctx.ns, c.id, req.name.replace(/^\//, ''));
    return {};
  }

  async *logs(req: LogsRequest, ctx: CallContext): AsyncGenerator<LogEntry> {
    const c = await this.containers.resolve(ctx.ns, req.id);
    const path = logFile(this.layout, ctx.ns, c.id);
    const both = !req.stdout && !req.stderr;
    const q = {
      tail: req.tail,
      since: req.since,
      until: req.until,
      stdout: both || req.stdout,
      stderr: both || req.stderr,
    };
    const { lines, offset } = await readLog(path, q, this.logMaxFiles);
    for (const l of lines) yield { stream: l.stream, data: l.data, time: l.time };
    if (!req.follow) return;
    const done = async () => {
      const t = await this.tasks.record(ctx.ns, c.id);
      return !t || !!t.deleted || t.init.status === 'stopped';
    };
    for await (const l of followLog(path, offset, q, done, ctx.signal))
      yield { stream: l.stream, data: l.data, time: l.time };
  }

  async *attach(reqs: AsyncIterable<AttachRequest>, ctx: CallContext): AsyncGenerator<AttachFrame> {
    const it = reqs[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) throw invalidArgument('attach: the first message must name the container');
    const { execId, stdin } = first.value;
    const c = await this.containers.resolve(ctx.ns, first.value.containerId);
    const p = await this.tasks.get(ctx.ns, c.id, execId).catch(() => undefined);
    const what = execId ? `exec ${execId} of ${nameOf(c)}` : `container ${nameOf(c)}`;
    if (!p || p.status === 'stopped')
      throw failedPrecondition(`You cannot attach to a stopped container, start it first (${what})`);
    const rec = await this.tasks.record(ctx.ns, c.id);
    const attachPath = (execId ? rec?.execs[execId] : rec?.init)?.attach ?? '';
    const sock = await connectAttach(attachPath, what);
    ctx.signal.addEventListener('abort', () => sock.destroy(), { once: true });
    // Input runs beside the output loop; it ends when the client half-closes. Writes are
    // awaited (into the kernel) before a close-stdin goes to the monitor, which then closes
    // the container's stdin only once it has taken in what is in the socket.
    const write = (data: Buffer) => new Promise<void>((resolve) => sock.write(data, () => resolve()));
    const input = (async () => {
      for (;;) {
        const r = await it.next().catch(() => ({ done: true as const, value: undefined }));
        if (r.done) return;
        const m = r.value;
        if (m.width && m.height)
          await this.tasks.resize(ctx.ns, c.id, execId, m.width, m.height).catch(() => undefined);
        if (stdin && m.data.length) await write(m.data);
        if (m.closeStdin) await this.tasks.closeStdin(ctx.ns, c.id, execId).catch(() => undefined);
      }
    })();
    void input;
    yield { stream: 0, data: Buffer.alloc(0), exitStatus: 0, exitedAt: undefined };
    let exited = false;
    try {
      for await (const f of frames(sock)) {
        if (f.stream === 3) {
          const e = JSON.parse(f.data.toString('utf8')) as { exit_status: number; exited_at: string };
          exited = true;
          yield {
            stream: 3,
            data: Buffer.alloc(0),
            exitStatus: e.exit_status,
            exitedAt: new Date(e.exited_at),
          };
        } else yield { stream: f.stream, data: f.data, exitStatus: 0, exitedAt: undefined };
      }
    } finally {
      sock.destroy();
    }
    if (!exited && !ctx.signal.aborted) {
      // The monitor went away without its exit frame (e.g. we attached as it ended).
      const e = await this.tasks.wait(ctx.ns, c.id, execId, ctx.signal);
      yield { stream: 3, data: Buffer.alloc(0), exitStatus: e.exitStatus, exitedAt: e.exitedAt };
    }
  }

  async top(req: TopRequest, ctx: CallContext): Promise<TopResponse> {
    const c = await this.containers.resolve(ctx.ns, req.id);
    const p = await this.tasks.get(ctx.ns, c.id).catch(() => undefined);
    if (!p || (p.status !== 'running' && p.status !== 'paused'))
      throw failedPrecondition(`Container ${nameOf(c)} is not running`);
    const pids = (await this.tasks.pids(ctx.ns, c.id)).map((x) => x.pid);
    const t = await top(pids, req.psArgs);
    return { titles: t.titles, processes: t.processes.map((fields) => ({ fields })) };
  }
}
