/**
 * berth.images.v1.Transfer: the adapter. Each operation lives in its own
 * module (pull.ts, push.ts, archive/…, inspect.ts); this class only routes.
 * Pull, import and unpack run under a GC hold (gc/hold.ts): no collection
 * while they write objects nothing refers to yet.
 */
import type {
  CollectRequest,
  CollectResponse,
  ExportChunk,
  ExportRequest,
  ImportRequest,
  ImportResponse,
  InspectRequest,
  InspectResponse,
  Progress,
  PullRequest,
  PushRequest,
  UnpackRequest,
  UnpackResponse,
} from '@berth/proto/berth/images/v1';
import type { CallContext } from '@berth/grpc';
import type { TransferDeps } from './deps.js';
import { inspect, unpackImage } from './inspect.js';
import { importArchive } from './archive/import.js';
import { exportArchive } from './archive/export.js';
import { pull } from './pull.js';
import { push } from './push.js';
import type { Collector } from './gc/collector.js';
import { withGcHold, withGcHoldStream } from './gc/hold.js';
import { collect } from './gc/server.js';

export class TransferServer {
  constructor(
    private readonly deps: TransferDeps,
    private readonly gc: Collector,
  ) {}

  pull(req: PullRequest, ctx: CallContext): AsyncGenerator<Progress> {
    return withGcHoldStream(() => pull(this.deps, req, ctx));
  }

  push(req: PushRequest, ctx: CallContext): AsyncGenerator<Progress> {
    return push(this.deps, req, ctx);
  }

  import(reqs: AsyncIterable<ImportRequest>, ctx: CallContext): Promise<ImportResponse> {
    return withGcHold(() => importArchive(this.deps, reqs, ctx));
  }

  export(req: ExportRequest, ctx: CallContext): AsyncGenerator<ExportChunk> {
    return exportArchive(this.deps, req, ctx);
  }

  unpack(req: UnpackRequest, ctx: CallContext): Promise<UnpackResponse> {
    return withGcHold(() => unpackImage(this.deps, req, ctx));
  }

  inspect(req: InspectRequest, ctx: CallContext): Promise<InspectResponse> {
    return inspect(this.deps, req, ctx);
  }

  collect(req: CollectRequest, ctx: CallContext): Promise<CollectResponse> {
    return collect(this.gc, req, ctx);
  }
}
