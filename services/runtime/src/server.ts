/**
 * containerd.services.containers.v1.Containers over the ContainerStore,
 * publishing containerd's /containers/create|update|delete events.
 */
import type {
  CreateContainerRequest,
  CreateContainerResponse,
  DeleteContainerRequest,
  GetContainerRequest,
  GetContainerResponse,
  ListContainerMessage,
  ListContainersRequest,
  ListContainersResponse,
  UpdateContainerRequest,
  UpdateContainerResponse,
} from '@berth/proto/containers/v1';
import { ContainerCreate, ContainerDelete, ContainerUpdate } from '@berth/proto/events';
import type { Empty } from '@berth/proto/google';
import { invalidArgument } from '@berth/errdefs';
import type { CallContext } from '@berth/grpc';
import { packAny, type EventPublisher } from '@berth/events';
import type { ContainerStore } from './containers.js';

/** What else must go with a container record: its (stopped) task and its logs. */
export interface ContainerCleanup {
  /** Refuses (FailedPrecondition) while a task is live. */
  beforeDelete(ns: string, id: string): Promise<void>;
  afterDelete(ns: string, id: string): Promise<void>;
}

export class ContainersServer {
  constructor(
    private readonly store: ContainerStore,
    private readonly bus: EventPublisher,
    private readonly cleanup: ContainerCleanup,
  ) {}

  async get(req: GetContainerRequest, ctx: CallContext): Promise<GetContainerResponse> {
    return { container: await this.store.get(ctx.ns, req.id) };
  }

  async list(req: ListContainersRequest, ctx: CallContext): Promise<ListContainersResponse> {
    return { containers: await this.store.list(ctx.ns, req.filters) };
  }

  async *listStream(req: ListContainersRequest, ctx: CallContext): AsyncGenerator<ListContainerMessage> {
    for (const container of await this.store.list(ctx.ns, req.filters)) yield { container };
  }

  async create(req: CreateContainerRequest, ctx: CallContext): Promise<CreateContainerResponse> {
    if (!req.container) throw invalidArgument('create: container is required');
    const c = await this.store.create(ctx.ns, req.container);
    this.bus.publish(
      ctx.ns,
      '/containers/create',
      packAny('containerd.events.ContainerCreate', ContainerCreate, {
        id: c.id,
        image: c.image,
        runtime: { name: c.runtime?.name ?? '', options: c.runtime?.options },
      }),
    );
    return { container: c };
  }

  async update(req: UpdateContainerRequest, ctx: CallContext): Promise<UpdateContainerResponse> {
    if (!req.container) throw invalidArgument('update: container is required');
    const c = await this.store.update(ctx.ns, req.container, req.updateMask);
    this.bus.publish(
      ctx.ns,
      '/containers/update',
      packAny('containerd.events.ContainerUpdate', ContainerUpdate, {
        id: c.id,
        image: c.image,
        labels: c.labels,
        snapshotKey: c.snapshotKey,
      }),
    );
    return { container: c };
  }

  async delete(req: DeleteContainerRequest, ctx: CallContext): Promise<Empty> {
    await this.remove(ctx.ns, req.id);
    return {};
  }

  /** Deletes the record with its stopped task and logs, and says so on the bus. */
  async remove(ns: string, id: string): Promise<void> {
    await this.store.get(ns, id);
    await this.cleanup.beforeDelete(ns, id);
    await this.store.delete(ns, id);
    await this.cleanup.afterDelete(ns, id);
    this.bus.publish(
      ns,
      '/containers/delete',
      packAny('containerd.events.ContainerDelete', ContainerDelete, { id }),
    );
  }
}
