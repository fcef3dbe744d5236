/**
 * Container records (containerd.services.containers.v1): metadata only — the
 * spec, image, snapshot and runtime a container uses. Schema v1 (changing it
 * needs a migration):
 *
 *   v1/containers/<ns>/<id> → { pb: base64 of the Container message }
 *
 * The record keeps the client's protobuf bytes, so the spec and runtime-option
 * Anys (and fields berth does not interpret) round-trip untouched.
 */
import { Container } from '@berth/proto/containers/v1';
import { alreadyExists, invalidArgument, notFound } from '@berth/errdefs';
import { KeyedMutex, commit, getOr, key, list, type Db } from '@berth/store';
import { applyLabelMask, validateLabels } from '@berth/labels';
import { parseFilters, recordAdaptor } from '@berth/filters';
import { validateIdentifier } from '@berth/grpc';

interface Record {
  pb: string;
}

const recKey = (ns: string, id: string) => key('v1', 'containers', ns, id);
const decode = (r: Record): Container => Container.decode(Buffer.from(r.pb, 'base64'));
const encode = (c: Container): Record => ({
  pb: Buffer.from(Container.encode(c).finish()).toString('base64'),
});

// Fields Update may change, as containerd allows; everything else is fixed at creation.
const MUTABLE = new Set(['image', 'spec', 'snapshotkey', 'snapshot_key']);

export class ContainerStore {
  private readonly lock = new KeyedMutex();

  constructor(private readonly db: Db) {}

  async get(ns: string, id: string): Promise<Container> {
    const r = await getOr<Record>(this.db, recKey(ns, validateIdentifier(id, 'container id')));
    if (!r) throw notFound(`container ${JSON.stringify(id)}: not found`);
    return decode(r);
  }

  async list(ns: string, filters: string[] = []): Promise<Container[]> {
    const f = parseFilters(filters);
    return (await list<Record>(this.db, key('v1', 'containers', ns)))
      .map(([, r]) => decode(r))
      .filter((c) =>
        f.match(
          recordAdaptor(
            { id: c.id, image: c.image, snapshotter: c.snapshotter, snapshotkey: c.snapshotKey },
            c.labels,
            (path) => (path.join('.') === 'runtime.name' ? c.runtime?.name : undefined),
          ),
        ),
      );
  }

  async create(ns: string, c: Container): Promise<Container> {
    validateIdentifier(c.id, 'container id');
    if (!c.runtime?.name) throw invalidArgument(`container ${c.id}: runtime name must be set`);
    if (!c.spec) throw invalidArgument(`container ${c.id}: spec must be set`);
    return this.lock.run(`${ns}/${c.id}`, async () => {
      if (await getOr(this.db, recKey(ns, c.id)))
        throw alreadyExists(`container ${JSON.stringify(c.id)}: already exists`);
      const now = new Date();
      const rec = { ...c, labels: validateLabels(c.labels), createdAt: now, updatedAt: now };
      await commit(this.db, [{ type: 'put', key: recKey(ns, c.id), value: encode(rec) }]);
      return rec;
    });
  }

  async update(ns: string, c: Container, paths: string[] | undefined): Promise<Container> {
    return this.lock.run(`${ns}/${c.id}`, async () => {
      const cur = await this.get(ns, c.id);
      const next: Container = { ...cur, updatedAt: new Date() };
      const all = !paths || paths.length === 0;
      const labelPaths = (paths ?? []).filter((p) => p === 'labels' || p.startsWith('labels.'));
      if (all || labelPaths.length) next.labels = applyLabelMask(cur.labels, c.labels, all ? [] : labelPaths);
      for (const p of all ? ['image', 'spec', 'snapshotkey'] : paths!) {
        if (p === 'labels' || p.startsWith('labels.')) continue;
        if (p.startsWith('extensions.')) {
          const k = p.slice('extensions.'.length);
          const v = c.extensions[k];
          if (v) next.extensions = { ...next.extensions, [k]: v };
          else
            next.extensions = Object.fromEntries(
              Object.entries(next.extensions).filter(([key]) => key !== k),
            );
        } else if (!MUTABLE.has(p))
          throw invalidArgument(`cannot update ${JSON.stringify(p)} of a container`);
        else if (p === 'image') next.image = c.image;
        else if (p === 'spec') next.spec = c.spec;
        else next.snapshotKey = c.snapshotKey;
      }
      await commit(this.db, [{ type: 'put', key: recKey(ns, c.id), value: encode(next) }]);
      return next;
    });
  }

  async delete(ns: string, id: string): Promise<void> {
    await this.lock.run(`${ns}/${id}`, async () => {
      await this.get(ns, id);
      await commit(this.db, [{ type: 'del', key: recKey(ns, id) }]);
    });
  }
}
