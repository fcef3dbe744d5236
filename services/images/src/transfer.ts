/**
 * berth.images.v1.Transfer: the adapter. Each operation lives in its own
 * module (pull.ts, push.ts, archive/…, inspect.ts); this class only routes.
 */
import type {
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

export class TransferServer {
  constructor(private readonly deps: TransferDeps) {}

  pull(req: PullRequest, ctx: CallContext): AsyncGenerator<Progress> {
    return pull(this.deps, req, ctx);
  }

  push(req: PushRequest, ctx: CallContext): AsyncGenerator<Progress> {
    return push(this.deps, req, ctx);
  }

  import(reqs: AsyncIterable<ImportRequest>, ctx: CallContext): Promise<ImportResponse> {
    return importArchive(this.deps, reqs, ctx);
  }

  export(req: ExportRequest, ctx: CallContext): AsyncGenerator<ExportChunk> {
    return exportArchive(this.deps, req, ctx);
  }

  unpack(req: UnpackRequest, ctx: CallContext): Promise<UnpackResponse> {
    return unpackImage(this.deps, req, ctx);
  }

  inspect(req: InspectRequest, ctx: CallContext): Promise<InspectResponse> {
    return inspect(this.deps, req, ctx);
  }
}
