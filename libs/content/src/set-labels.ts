/** Label updates on blobs that touch only the named keys. */
import { labelPaths, type Labels } from '@berth/labels';
import type { ContentStore } from './store.js';

/** Sets `labels` on a blob, leaving its other labels alone (field mask `labels.<k>` per key). */
export async function setBlobLabels(
  store: Pick<ContentStore, 'update'>,
  ns: string,
  digest: string,
  labels: Labels,
): Promise<void> {
  const paths = labelPaths(labels);
  if (paths.length) await store.update(ns, { digest, labels }, paths);
}
