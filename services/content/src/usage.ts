/** What a namespace holds in the content store, for NamespaceUsage (see @berth/daemon namespaceUsage). */
import type { ContentStore } from '@berth/content';
import type { CountUsage } from '@berth/daemon';

export function countContent(store: ContentStore): CountUsage {
  return async (ns) => {
    let blob = 0;
    for await (const _ of store.list(ns)) blob++;
    return { blob, ingest: (await store.listStatuses(ns)).length };
  };
}
