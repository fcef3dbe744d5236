/** berth.namespaces.v1.NamespaceUsage for snapshots (the gateway asks before deleting a namespace). */
import type { UsageRequest, UsageResponse } from '@berth/proto/berth/namespaces/v1';
import { validateIdentifier } from '@berth/grpc';
import type { OverlaySnapshotter } from './overlay/snapshotter.js';

export class SnapshotUsageServer {
  constructor(private readonly s: OverlaySnapshotter) {}

  async usage(req: UsageRequest): Promise<UsageResponse> {
    const n = await this.s.count(validateIdentifier(req.namespace));
    return { resources: n ? [`${n} snapshot${n === 1 ? '' : 's'}`] : [] };
  }
}
