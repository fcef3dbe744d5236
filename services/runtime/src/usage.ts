/** berth.namespaces.v1.NamespaceUsage for containers (the gateway asks before deleting a namespace). */
import type { UsageRequest, UsageResponse } from '@berth/proto/berth/namespaces/v1';
import { validateIdentifier } from '@berth/grpc';
import type { ContainerStore } from './containers.js';

export class ContainerUsageServer {
  constructor(private readonly store: ContainerStore) {}

  async usage(req: UsageRequest): Promise<UsageResponse> {
    const n = (await this.store.list(validateIdentifier(req.namespace))).length;
    return { resources: n ? [`${n} container${n === 1 ? '' : 's'}`] : [] };
  }
}
