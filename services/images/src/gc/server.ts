/**
 * Where the collector meets the APIs: Images.Delete followed by a collection
 * (awaited for `sync`, as containerd's ScheduleAndWait; else debounced), and
 * Transfer.Collect.
 */
import type { CollectRequest, CollectResponse } from '@berth/proto/berth/images/v1';
import type { DeleteImageRequest } from '@berth/proto/images/v1';
import type { Empty } from '@berth/proto/google';
import type { EventPublisher } from '@berth/events';
import type { CallContext } from '@berth/grpc';
import { ImagesServer } from '../server.js';
import type { ImageStore } from '../store.js';
import type { Collector } from './collector.js';

export class CollectingImagesServer extends ImagesServer {
  constructor(
    store: ImageStore,
    bus: EventPublisher,
    private readonly gc: Collector,
  ) {
    super(store, bus);
  }

  override async delete(req: DeleteImageRequest, ctx: CallContext): Promise<Empty> {
    const res = await super.delete(req, ctx);
    if (!req.sync) this.gc.schedule(ctx.ns);
    else
      // The record is gone either way; a failed collection is retried by the next one.
      await this.gc.collect(ctx.ns).catch((err: unknown) => {
        ctx.log.warn({ err }, 'gc: collection after image delete failed');
        this.gc.schedule(ctx.ns);
      });
    return res;
  }
}

/** Transfer.Collect: one collection in the caller's namespace. */
export async function collect(
  gc: Collector,
  req: CollectRequest,
  ctx: CallContext,
): Promise<CollectResponse> {
  const r = await gc.collect(ctx.ns, { dryRun: req.dryRun });
  return {
    removedContent: r.content.map((c) => c.digest),
    removedSnapshots: r.snapshots.map((s) => s.name),
    reclaimedBytes: r.reclaimed,
  };
}
