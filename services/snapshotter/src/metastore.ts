/**
 * Snapshot metadata in LevelDB. Schema v1 (changing it needs a migration):
 *
 *   v1/seq                                  → last snapshot id (number)
 *   v1/snapshots/<ns>/<key>                 → SnapshotRecord
 *   v1/children/<ns>/<parent>/<child>       → 1     (who builds on a committed snapshot)
 *   v1/ids/<id>                             → { ns, key }   (which record owns snapshots/<id>)
 *
 * Keys and names are URI-encoded inside level keys (they may contain `/`).
 * Every change is one atomic batch; the caller serialises writers (one lock),
 * so read-modify-write sequences see a stable state.
 */
import { commit, getOr, key, list, type BatchOp, type Db } from '@berth/store';
import type { Kind } from '@berth/snapshots';
import type { Labels } from '@berth/labels';

export interface SnapshotRecord {
  /** Directory number: <root>/snapshots/<id>. Stable across commit. */
  id: number;
  kind: Kind;
  /** Committed parent's name, '' for none. */
  parent: string;
  labels: Labels;
  createdAt: string;
  updatedAt: string;
  /** Size and inodes of the layer, recorded at commit. */
  usage?: { size: number; inodes: number };
}

const enc = encodeURIComponent;
const recKey = (ns: string, k: string) => key('v1', 'snapshots', ns, enc(k));
const childKey = (ns: string, parent: string, child: string) =>
  key('v1', 'children', ns, enc(parent), enc(child));
const idKey = (id: number) => key('v1', 'ids', String(id));

export class MetaStore {
  private seq = 0;

  private constructor(private readonly db: Db) {}

  static async open(db: Db): Promise<MetaStore> {
    const m = new MetaStore(db);
    m.seq = (await getOr<number>(db, 'v1/seq')) ?? 0;
    return m;
  }

  get(ns: string, k: string): Promise<SnapshotRecord | undefined> {
    return getOr<SnapshotRecord>(this.db, recKey(ns, k));
  }

  async list(ns: string): Promise<Array<[string, SnapshotRecord]>> {
    return (await list<SnapshotRecord>(this.db, key('v1', 'snapshots', ns))).map(([k, r]) => [
      decodeURIComponent(k),
      r,
    ]);
  }

  async children(ns: string, parent: string): Promise<string[]> {
    return (await list(this.db, key('v1', 'children', ns, enc(parent)))).map(([k]) => decodeURIComponent(k));
  }

  /** Every id that some record owns, for cleanup. */
  async ids(): Promise<Set<number>> {
    return new Set((await list(this.db, key('v1', 'ids'))).map(([k]) => Number(k)));
  }

  /** Reserves the next id (persisted with the create batch). */
  nextId(): number {
    return ++this.seq;
  }

  async create(ns: string, k: string, rec: SnapshotRecord): Promise<void> {
    const ops: BatchOp[] = [
      { type: 'put', key: recKey(ns, k), value: rec },
      { type: 'put', key: idKey(rec.id), value: { ns, key: k } },
      { type: 'put', key: 'v1/seq', value: Math.max(this.seq, rec.id) },
    ];
    if (rec.parent) ops.push({ type: 'put', key: childKey(ns, rec.parent, k), value: 1 });
    await commit(this.db, ops);
  }

  async put(ns: string, k: string, rec: SnapshotRecord): Promise<void> {
    await commit(this.db, [{ type: 'put', key: recKey(ns, k), value: rec }]);
  }

  /** Renames an active record to its committed name, moving the child edge with it. */
  async rename(ns: string, from: string, to: string, rec: SnapshotRecord): Promise<void> {
    const ops: BatchOp[] = [
      { type: 'del', key: recKey(ns, from) },
      { type: 'put', key: recKey(ns, to), value: rec },
      { type: 'put', key: idKey(rec.id), value: { ns, key: to } },
    ];
    if (rec.parent)
      ops.push(
        { type: 'del', key: childKey(ns, rec.parent, from) },
        { type: 'put', key: childKey(ns, rec.parent, to), value: 1 },
      );
    await commit(this.db, ops);
  }

  async remove(ns: string, k: string, rec: SnapshotRecord): Promise<void> {
    const ops: BatchOp[] = [
      { type: 'del', key: recKey(ns, k) },
      { type: 'del', key: idKey(rec.id) },
    ];
    if (rec.parent) ops.push({ type: 'del', key: childKey(ns, rec.parent, k) });
    await commit(this.db, ops);
  }
}
