/**
 * Per-namespace content metadata in LevelDB. Schema v1 (changing it needs a migration):
 *
 *   v1/content/<ns>/<digest>      → BlobRecord  (the blob as seen in that namespace)
 *   v1/blobref/<digest>/<ns>      → 1           (reverse index: who references the bytes)
 *
 * Both keys are written and deleted in one batch, so the index never drifts.
 */
import { commit, getOr, hasAny, key, list, type Db } from '@berth/store';
import type { Labels } from '@berth/labels';

export interface BlobRecord {
  size: number;
  createdAt: string;
  updatedAt: string;
  labels: Labels;
}

const recordKey = (ns: string, digest: string) => key('v1', 'content', ns, digest);
const refKey = (digest: string, ns: string) => key('v1', 'blobref', digest, ns);

export class ContentMetadata {
  constructor(private readonly db: Db) {}

  get(ns: string, digest: string): Promise<BlobRecord | undefined> {
    return getOr<BlobRecord>(this.db, recordKey(ns, digest));
  }

  async put(ns: string, digest: string, rec: BlobRecord): Promise<void> {
    await commit(this.db, [
      { type: 'put', key: recordKey(ns, digest), value: rec },
      { type: 'put', key: refKey(digest, ns), value: 1 },
    ]);
  }

  async delete(ns: string, digest: string): Promise<void> {
    await commit(this.db, [
      { type: 'del', key: recordKey(ns, digest) },
      { type: 'del', key: refKey(digest, ns) },
    ]);
  }

  list(ns: string): Promise<Array<[string, BlobRecord]>> {
    return list<BlobRecord>(this.db, key('v1', 'content', ns));
  }

  /** Reports whether any namespace still references the bytes. */
  referenced(digest: string): Promise<boolean> {
    return hasAny(this.db, key('v1', 'blobref', digest));
  }

  /** Every digest any namespace references (for reconciliation at start). */
  async allReferenced(): Promise<Set<string>> {
    const out = new Set<string>();
    for (const [rest] of await list<number>(this.db, key('v1', 'blobref'))) out.add(rest.split('/')[0]!);
    return out;
  }

  /** Namespaces referencing a digest. */
  async namespacesOf(digest: string): Promise<string[]> {
    return (await list<number>(this.db, key('v1', 'blobref', digest))).map(([ns]) => ns);
  }
}
