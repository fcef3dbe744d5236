/** berth.namespaces.v1.NamespaceUsage for images (the gateway asks before deleting a namespace). */
import type { UsageRequest, UsageResponse } from '@berth/proto/berth/namespaces/v1';
import { validateIdentifier } from '@berth/grpc';
import type { ImageStore } from './store.js';

export class ImageUsageServer {
  constructor(private readonly store: ImageStore) {}

  async usage(req: UsageRequest): Promise<UsageResponse> {
    const n = (await this.store.list(validateIdentifier(req.namespace))).length;
    return { resources: n ? [`${n} image${n === 1 ? '' : 's'}`] : [] };
  }
}
