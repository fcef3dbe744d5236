/**
 * berth.namespaces.v1.NamespaceUsage for content: what this namespace still
 * holds here, so the gateway refuses to delete a namespace that is not empty.
 */
import type { UsageRequest, UsageResponse } from '@berth/proto/berth/namespaces/v1';
import type { ContentStore } from '@berth/content';
import { validateIdentifier } from '@berth/grpc';

export class ContentUsageServer {
  constructor(private readonly store: ContentStore) {}

  async usage(req: UsageRequest): Promise<UsageResponse> {
    const ns = validateIdentifier(req.namespace);
    let blobs = 0;
    for await (const _ of this.store.list(ns)) blobs++;
    const ingests = (await this.store.listStatuses(ns)).length;
    const resources: string[] = [];
    if (blobs) resources.push(`${blobs} blob${blobs === 1 ? '' : 's'}`);
    if (ingests) resources.push(`${ingests} ingest${ingests === 1 ? '' : 's'}`);
    return { resources };
  }
}
