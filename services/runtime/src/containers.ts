/**
 * Container records (containerd.services.containers.v1): metadata only — the
 * spec, image, snapshot and runtime a container uses. Schema v1 (changing it
 * needs a migration):
 *
 *   v1/containers/<ns>/<id> → { pb: base64 of the Container message }
 *   v1/names/<ns>/<name>    → id   (docker-style names, from the io.berth.name label)
 *
 * The record keeps the client's protobuf bytes, so the spec and runtime-option
 * Anys (and fields berth does not interpret) round-trip untouched.
 */
import { Container } from '@berth/proto/containers/v1';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '@berth/errdefs';
import { KeyedMutex, commit, getOr, key, list, type BatchOp, type Db } from '@berth/store';
import { applyLabelMask, validateLabels } from '@berth/labels';
import { parseFilters, recordAdaptor } from '@berth/filters';
import { validateIdentifier } from '@berth/grpc';

interface Record {
  pb: string;
}

const recKey = (ns: string, id: string) => key('v1', 'containers', ns, id);
const nameKey = (ns: string, name: string) => key('v1', 'names', ns, name);

/** The label holding a container's docker-style name. */
export const NAME_LABEL = 'io.berth.name';
// docker's rule for names.
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function validateName(name: string): string {
  if (!NAME_RE.test(name))
    throw invalidArgument(
      `invalid container name ${JSON.stringify(name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
    );
  return name;
}
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
    // Names are unique per namespace: creates and renames take one lock for them.
    return this.lock.run(`${ns}\0names`, () =>
      this.lock.run(`${ns}/${c.id}`, async () => {
        if (await getOr(this.db, recKey(ns, c.id)))
          throw alreadyExists(`container ${JSON.stringify(c.id)}: already exists`);
        const now = new Date();
        const rec = { ...c, labels: validateLabels(c.labels), createdAt: now, updatedAt: now };
        const ops: BatchOp[] = [{ type: 'put', key: recKey(ns, c.id), value: encode(rec) }];
        ops.push(...(await this.nameOps(ns, c.id, undefined, rec.labels[NAME_LABEL])));
        await commit(this.db, ops);
        return rec;
      }),
    );
  }

  async update(ns: string, c: Container, paths: string[] | undefined): Promise<Container> {
    return this.lock.run(`${ns}\0names`, () => this.updateLocked(ns, c, paths));
  }

  private async updateLocked(ns: string, c: Container, paths: string[] | undefined): Promise<Container> {
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
      const names = await this.nameOps(ns, c.id, cur.labels[NAME_LABEL], next.labels[NAME_LABEL]);
      await commit(this.db, [{ type: 'put', key: recKey(ns, c.id), value: encode(next) }, ...names]);
      return next;
    });
  }

  async delete(ns: string, id: string): Promise<void> {
    await this.lock.run(`${ns}/${id}`, async () => {
      const c = await this.get(ns, id);
      const name = c.labels[NAME_LABEL];
      await commit(this.db, [
        { type: 'del', key: recKey(ns, id) },
        ...(name ? [{ type: 'del' as const, key: nameKey(ns, name) }] : []),
      ]);
    });
  }

  /** Sets the name label (docker rename); the index moves in the same batch. */
  async rename(ns: string, id: string, name: string): Promise<Container> {
    const cur = await this.get(ns, id);
    return this.update(ns, { ...cur, labels: { ...cur.labels, [NAME_LABEL]: name } }, [
      `labels.${NAME_LABEL}`,
    ]);
  }

  /**
   * docker's lookup order: a full id, then a name, then a unique id prefix.
   * Names may be written with docker's leading slash.
   */
  async resolve(ns: string, ref: string): Promise<Container> {
    if (!ref) throw invalidArgument('a container name or id is required');
    const r = await getOr<Record>(this.db, recKey(ns, ref));
    if (r) return decode(r);
    const byName = await getOr<string>(this.db, nameKey(ns, ref.replace(/^\//, '')));
    if (byName) return this.get(ns, byName);
    const ids = (await list<Record>(this.db, key('v1', 'containers', ns)))
      .map(([id]) => id)
      .filter((id) => id.startsWith(ref));
    if (ids.length === 1) return this.get(ns, ids[0]!);
    if (ids.length > 1)
      throw failedPrecondition(`multiple containers match ${JSON.stringify(ref)}: be more precise`);
    throw notFound(`No such container: ${ref}`);
  }

  private async nameOps(
    ns: string,
    id: string,
    from: string | undefined,
    to: string | undefined,
  ): Promise<BatchOp[]> {
    if (from === to) return [];
    const ops: BatchOp[] = [];
    if (to) {
      validateName(to);
      const owner = await getOr<string>(this.db, nameKey(ns, to));
      if (owner && owner !== id)
        throw alreadyExists(
          `Conflict. The container name "/${to}" is already in use by container "${owner}". You have to remove (or rename) that container to be able to reuse that name.`,
        );
      ops.push({ type: 'put', key: nameKey(ns, to), value: id });
    }
    if (from) ops.push({ type: 'del', key: nameKey(ns, from) });
    return ops;
  }
}
