/**
 * berth.namespaces.v1.NamespaceUsage for any service: the gateway asks every
 * backend what it still holds in a namespace before deleting it. A service
 * only says how to count its objects; this turns counts into lines ("3 blobs").
 */
import type { UsageRequest, UsageResponse } from '@berth/proto/berth/namespaces/v1';
import { validateIdentifier } from '@berth/grpc';

/** Counts per singular noun, e.g. `{ blob: 3, ingest: 0 }`; zero counts are left out. */
export type CountUsage = (ns: string) => Promise<Record<string, number>>;

export function namespaceUsage(count: CountUsage): { usage(req: UsageRequest): Promise<UsageResponse> } {
  return {
    async usage(req) {
      const counts = await count(validateIdentifier(req.namespace));
      const resources = Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([noun, n]) => `${n} ${noun}${n === 1 ? '' : 's'}`);
      return { resources };
    },
  };
}
