/**
 * The containerd content API (containerd.services.content.v1.Content) over a
 * ContentStore. Each method validates, calls the store and converts; errors
 * are mapped once by the @berth/grpc binder.
 */
import {
  WriteAction,
  type AbortRequest,
  type DeleteContentRequest,
  type InfoRequest,
  type InfoResponse,
  type ListContentRequest,
  type ListContentResponse,
  type ListStatusesRequest,
  type ListStatusesResponse,
  type ReadContentRequest,
  type ReadContentResponse,
  type StatusRequest,
  type StatusResponse,
  type UpdateRequest,
  type UpdateResponse,
  type WriteContentRequest,
  type WriteContentResponse,
} from '@berth/proto/content/v1';
import type { Empty } from '@berth/proto/google';
import { invalidArgument } from '@berth/errdefs';
import type { CallContext } from '@berth/grpc';
import { infoToProto, statusToProto, type ContentStore, type Writer } from '@berth/content';

/** Infos per List message, as containerd batches them. */
const LIST_BATCH = 100;

export class ContentServer {
  constructor(private readonly store: ContentStore) {}

  async info(req: InfoRequest, ctx: CallContext): Promise<InfoResponse> {
    return { info: infoToProto(await this.store.info(ctx.ns, req.digest)) };
  }

  async update(req: UpdateRequest, ctx: CallContext): Promise<UpdateResponse> {
    if (!req.info) throw invalidArgument('update: info is required');
    const info = await this.store.update(
      ctx.ns,
      { digest: req.info.digest, labels: req.info.labels },
      req.updateMask,
    );
    return { info: infoToProto(info) };
  }

  async *list(req: ListContentRequest, ctx: CallContext): AsyncGenerator<ListContentResponse> {
    let batch: ListContentResponse['info'] = [];
    for await (const info of this.store.list(ctx.ns, req.filters)) {
      batch.push(infoToProto(info));
      if (batch.length === LIST_BATCH) {
        yield { info: batch };
        batch = [];
      }
    }
    if (batch.length) yield { info: batch };
  }

  async delete(req: DeleteContentRequest, ctx: CallContext): Promise<Empty> {
    await this.store.delete(ctx.ns, req.digest);
    return {};
  }

  async *read(req: ReadContentRequest, ctx: CallContext): AsyncGenerator<ReadContentResponse> {
    let offset = req.offset;
    for await (const chunk of this.store.read(ctx.ns, req.digest, req.offset, req.size)) {
      yield { offset, data: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) };
      offset += chunk.byteLength;
    }
  }

  async status(req: StatusRequest, ctx: CallContext): Promise<StatusResponse> {
    return { status: statusToProto(await this.store.status(ctx.ns, req.ref)) };
  }

  async listStatuses(req: ListStatusesRequest, ctx: CallContext): Promise<ListStatusesResponse> {
    return { statuses: (await this.store.listStatuses(ctx.ns, req.filters)).map(statusToProto) };
  }

  /**
   * The lock-step ingest protocol: the first message opens (or resumes) the
   * ingest named by its ref; each STAT/WRITE/COMMIT gets exactly one response.
   */
  async *write(
    reqs: AsyncIterable<WriteContentRequest>,
    ctx: CallContext,
  ): AsyncGenerator<WriteContentResponse> {
    let w: Writer | undefined;
    try {
      for await (const req of reqs) {
        if (!w) {
          if (!req.ref) throw invalidArgument('write: the first message must carry a ref');
          w = await this.store.writer(
            ctx.ns,
            { ref: req.ref, total: req.total, expected: req.expected },
            ctx.lease,
          );
        } else if (req.ref && req.ref !== w.ref) {
          throw invalidArgument(
            `write: ref changed from ${JSON.stringify(w.ref)} to ${JSON.stringify(req.ref)}`,
          );
        }
        let digest = '';
        switch (req.action) {
          case WriteAction.STAT:
            break;
          case WriteAction.WRITE:
            await w.write(req.offset, req.data);
            break;
          case WriteAction.COMMIT:
            if (req.data.length) await w.write(req.offset, req.data);
            digest = await w.commit(req.total, req.expected, req.labels);
            break;
          default:
            throw invalidArgument(`write: unknown action ${req.action}`);
        }
        const st = w.status();
        yield {
          action: req.action,
          startedAt: st.startedAt,
          updatedAt: st.updatedAt,
          offset: st.offset,
          total: st.total,
          digest: digest || w.digest(),
        };
      }
    } finally {
      await w?.close();
    }
  }

  async abort(req: AbortRequest, ctx: CallContext): Promise<Empty> {
    await this.store.abort(ctx.ns, req.ref);
    return {};
  }
}
