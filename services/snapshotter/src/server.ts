/**
 * containerd.services.snapshots.v1.Snapshots over a Snapshotter. Every request
 * names a snapshotter: berth has one, overlay2, and answers to the names
 * clients use for it (ctr sends `overlayfs` by default).
 */
import type {
  CleanupRequest,
  CommitSnapshotRequest,
  ListSnapshotsRequest,
  ListSnapshotsResponse,
  MountsRequest,
  MountsResponse,
  PrepareSnapshotRequest,
  PrepareSnapshotResponse,
  RemoveSnapshotRequest,
  StatSnapshotRequest,
  StatSnapshotResponse,
  UpdateSnapshotRequest,
  UpdateSnapshotResponse,
  UsageRequest,
  UsageResponse,
  ViewSnapshotRequest,
  ViewSnapshotResponse,
} from '@berth/proto/snapshots/v1';
import type { Empty } from '@berth/proto/google';
import { invalidArgument } from '@berth/errdefs';
import type { CallContext } from '@berth/grpc';
import { infoToProto, mountToProto, type Snapshotter } from '@berth/snapshots';

/** Names this snapshotter answers to; '' means "the default". */
export const SNAPSHOTTER_NAMES = ['', 'overlayfs', 'overlay2', 'overlay'];

const LIST_BATCH = 100;

function check(name: string): void {
  if (!SNAPSHOTTER_NAMES.includes(name))
    throw invalidArgument(
      `snapshotter ${JSON.stringify(name)} is not loaded (berth serves: overlayfs, alias overlay2)`,
    );
}

/** Registers a snapshot made under a `containerd-lease` with that lease (the gateway's Leases). */
export type LeaseHook = (ns: string, lease: string, key: string) => Promise<void>;

export class SnapshotsServer {
  constructor(
    private readonly s: Snapshotter,
    private readonly leased: LeaseHook = async () => undefined,
  ) {}

  /**
   * Protects `key` under the caller's lease, so a collection running before the
   * client labels its work (e.g. between commit and the image config's gc.ref)
   * keeps it. Done before answering, as containerd's metadata store does.
   */
  private async lease(ctx: CallContext, key: string): Promise<void> {
    if (ctx.lease) await this.leased(ctx.ns, ctx.lease, key);
  }

  async prepare(req: PrepareSnapshotRequest, ctx: CallContext): Promise<PrepareSnapshotResponse> {
    check(req.snapshotter);
    const mounts = await this.s.prepare(ctx.ns, req.key, req.parent, req.labels);
    await this.lease(ctx, req.key);
    return { mounts: mounts.map(mountToProto) };
  }

  async view(req: ViewSnapshotRequest, ctx: CallContext): Promise<ViewSnapshotResponse> {
    check(req.snapshotter);
    const mounts = await this.s.view(ctx.ns, req.key, req.parent, req.labels);
    await this.lease(ctx, req.key);
    return { mounts: mounts.map(mountToProto) };
  }

  async mounts(req: MountsRequest, ctx: CallContext): Promise<MountsResponse> {
    check(req.snapshotter);
    return { mounts: (await this.s.mounts(ctx.ns, req.key)).map(mountToProto) };
  }

  async commit(req: CommitSnapshotRequest, ctx: CallContext): Promise<Empty> {
    check(req.snapshotter);
    await this.s.commit(ctx.ns, req.name, req.key, req.labels);
    await this.lease(ctx, req.name);
    return {};
  }

  async remove(req: RemoveSnapshotRequest, ctx: CallContext): Promise<Empty> {
    check(req.snapshotter);
    await this.s.remove(ctx.ns, req.key);
    return {};
  }

  async stat(req: StatSnapshotRequest, ctx: CallContext): Promise<StatSnapshotResponse> {
    check(req.snapshotter);
    return { info: infoToProto(await this.s.stat(ctx.ns, req.key)) };
  }

  async update(req: UpdateSnapshotRequest, ctx: CallContext): Promise<UpdateSnapshotResponse> {
    check(req.snapshotter);
    if (!req.info) throw invalidArgument('update: info is required');
    return { info: infoToProto(await this.s.update(ctx.ns, req.info, req.updateMask)) };
  }

  async *list(req: ListSnapshotsRequest, ctx: CallContext): AsyncGenerator<ListSnapshotsResponse> {
    check(req.snapshotter);
    let batch: ListSnapshotsResponse['info'] = [];
    for await (const info of this.s.list(ctx.ns, req.filters)) {
      batch.push(infoToProto(info));
      if (batch.length === LIST_BATCH) {
        yield { info: batch };
        batch = [];
      }
    }
    if (batch.length) yield { info: batch };
  }

  async usage(req: UsageRequest, ctx: CallContext): Promise<UsageResponse> {
    check(req.snapshotter);
    return this.s.usage(ctx.ns, req.key);
  }

  async cleanup(req: CleanupRequest): Promise<Empty> {
    check(req.snapshotter);
    await this.s.cleanup();
    return {};
  }
}
