/**
 * containerd.services.tasks.v1.Tasks over the TaskManager: protobuf in and
 * out, nothing else. Unary everywhere, Wait included (a long poll).
 */
import type {
  CheckpointTaskRequest,
  CloseIORequest,
  CreateTaskRequest,
  CreateTaskResponse,
  DeleteProcessRequest,
  DeleteResponse,
  DeleteTaskRequest,
  ExecProcessRequest,
  GetRequest,
  GetResponse,
  KillRequest,
  ListPidsRequest,
  ListPidsResponse,
  ListTasksRequest,
  ListTasksResponse,
  MetricsRequest,
  MetricsResponse,
  PauseTaskRequest,
  ResizePtyRequest,
  ResumeTaskRequest,
  StartRequest,
  StartResponse,
  UpdateTaskRequest,
  WaitRequest,
  WaitResponse,
  CheckpointTaskResponse,
} from '@berth/proto/tasks/v1';
import { Status, type Process } from '@berth/proto/types';
import { ProcessDetails } from '@berth/proto/runc';
import { Metrics } from '@berth/proto/cgroups/v1';
import type { Empty } from '@berth/proto/google';
import { invalidArgument, notImplemented } from '@berth/errdefs';
import { packAny } from '@berth/events';
import { parseFilters, recordAdaptor } from '@berth/filters';
import type { CallContext } from '@berth/grpc';
import { mountFromProto } from '@berth/snapshots';
import type { ExitInfo } from './monitor.js';
import type { ProcessView, TaskManager } from './tasks.js';

const STATUS: Record<ProcessView['status'], Status> = {
  created: Status.CREATED,
  running: Status.RUNNING,
  paused: Status.PAUSED,
  stopped: Status.STOPPED,
};

function toProcess(p: ProcessView): Process {
  return {
    containerId: p.containerId,
    id: p.execId || p.containerId,
    pid: p.pid,
    status: STATUS[p.status],
    stdin: p.stdin,
    stdout: p.stdout,
    stderr: p.stderr,
    terminal: p.terminal,
    exitStatus: p.exitStatus,
    exitedAt: p.exitedAt,
  };
}

const deleted = (id: string, e: ExitInfo): DeleteResponse => ({
  id,
  pid: e.pid,
  exitStatus: e.exitStatus,
  exitedAt: e.exitedAt,
});

/** Metrics of one task, read from its cgroup; injected so tests can read a fake root. */
export type MetricsReader = (ns: string, id: string) => Promise<Metrics>;

export class TasksServer {
  constructor(
    private readonly tasks: TaskManager,
    private readonly metricsOf: MetricsReader,
  ) {}

  async create(req: CreateTaskRequest, ctx: CallContext): Promise<CreateTaskResponse> {
    if (req.checkpoint) throw notImplemented('checkpoint/restore is not supported');
    const p = await this.tasks.create(ctx.ns, {
      containerId: req.containerId,
      rootfs: req.rootfs.map(mountFromProto),
      stdin: req.stdin,
      stdout: req.stdout,
      stderr: req.stderr,
      terminal: req.terminal,
    });
    return { containerId: p.containerId, pid: p.pid };
  }

  async start(req: StartRequest, ctx: CallContext): Promise<StartResponse> {
    return { pid: await this.tasks.start(ctx.ns, req.containerId, req.execId) };
  }

  async delete(req: DeleteTaskRequest, ctx: CallContext): Promise<DeleteResponse> {
    return deleted(req.containerId, await this.tasks.delete(ctx.ns, req.containerId));
  }

  async deleteProcess(req: DeleteProcessRequest, ctx: CallContext): Promise<DeleteResponse> {
    return deleted(req.execId, await this.tasks.deleteProcess(ctx.ns, req.containerId, req.execId));
  }

  async get(req: GetRequest, ctx: CallContext): Promise<GetResponse> {
    return { process: toProcess(await this.tasks.get(ctx.ns, req.containerId, req.execId)) };
  }

  async list(req: ListTasksRequest, ctx: CallContext): Promise<ListTasksResponse> {
    const f = parseFilters(req.filter ? [req.filter] : []);
    const all = await this.tasks.list(ctx.ns);
    const match = (p: ProcessView) =>
      f.match(recordAdaptor({ id: p.containerId, container_id: p.containerId, status: p.status }, {}));
    return { tasks: all.filter(match).map(toProcess) };
  }

  async kill(req: KillRequest, ctx: CallContext): Promise<Empty> {
    if (!req.signal) throw invalidArgument('kill: signal must be set');
    await this.tasks.kill(ctx.ns, req.containerId, req.execId, req.signal, req.all);
    return {};
  }

  async exec(req: ExecProcessRequest, ctx: CallContext): Promise<Empty> {
    if (!req.spec?.value?.length) throw invalidArgument('exec: process spec is required');
    const { containerId, execId, stdin, stdout, stderr, terminal } = req;
    const process = Buffer.from(req.spec.value).toString('utf8');
    await this.tasks.exec(ctx.ns, containerId, execId, { stdin, stdout, stderr, terminal }, process);
    return {};
  }

  async resizePty(req: ResizePtyRequest, ctx: CallContext): Promise<Empty> {
    await this.tasks.resize(ctx.ns, req.containerId, req.execId, req.width, req.height);
    return {};
  }

  async closeIo(req: CloseIORequest, ctx: CallContext): Promise<Empty> {
    if (req.stdin) await this.tasks.closeStdin(ctx.ns, req.containerId, req.execId);
    return {};
  }

  async pause(req: PauseTaskRequest, ctx: CallContext): Promise<Empty> {
    await this.tasks.pause(ctx.ns, req.containerId);
    return {};
  }

  async resume(req: ResumeTaskRequest, ctx: CallContext): Promise<Empty> {
    await this.tasks.resume(ctx.ns, req.containerId);
    return {};
  }

  async listPids(req: ListPidsRequest, ctx: CallContext): Promise<ListPidsResponse> {
    const pids = await this.tasks.pids(ctx.ns, req.containerId);
    return {
      processes: pids.map(({ pid, execId }) => ({
        pid,
        info: execId ? packAny('containerd.runc.v1.ProcessDetails', ProcessDetails, { execId }) : undefined,
      })),
    };
  }

  checkpoint(_req: CheckpointTaskRequest): Promise<CheckpointTaskResponse> {
    return Promise.reject(notImplemented('checkpoint is not supported'));
  }

  async update(req: UpdateTaskRequest, ctx: CallContext): Promise<Empty> {
    if (!req.resources?.value?.length) throw invalidArgument('update: resources are required');
    await this.tasks.update(ctx.ns, req.containerId, Buffer.from(req.resources.value).toString('utf8'));
    return {};
  }

  async metrics(req: MetricsRequest, ctx: CallContext): Promise<MetricsResponse> {
    const f = parseFilters(req.filters);
    const live = (await this.tasks.list(ctx.ns)).filter((p) =>
      f.match(recordAdaptor({ id: p.containerId, container_id: p.containerId }, {})),
    );
    const metrics = await Promise.all(
      live.map(async (p) => ({
        timestamp: new Date(),
        id: p.containerId,
        data: packAny(
          'io.containerd.cgroups.v1.Metrics',
          Metrics,
          await this.metricsOf(ctx.ns, p.containerId),
        ),
      })),
    );
    return { metrics };
  }

  async wait(req: WaitRequest, ctx: CallContext): Promise<WaitResponse> {
    const e = await this.tasks.wait(ctx.ns, req.containerId, req.execId, ctx.signal);
    return { exitStatus: e.exitStatus, exitedAt: e.exitedAt };
  }
}
