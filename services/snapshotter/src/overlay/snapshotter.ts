/**
 * OverlaySnapshotter: containerd's overlay snapshotter semantics on Docker's
 * overlay2 layout.
 *
 *   <root>/snapshots/<id>/fs      the layer's files (upperdir when active)
 *   <root>/snapshots/<id>/work    overlay workdir (active snapshots only)
 *   <root>/l/<id>                 short link → ../snapshots/<id>/fs (lowerdir names)
 *
 * Crash safety, in the order containerd's overlay uses: a new snapshot's dirs
 * are built under a temporary name and renamed into place before its metadata
 * batch commits; removal commits metadata first and deletes dirs after. A crash
 * therefore leaves at worst a directory no record owns, which cleanup() (run at
 * start) removes — never a record without its directory.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readdir, rename, rm, stat, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '@berth/errdefs';
import { KeyedMutex } from '@berth/store';
import { applyLabelMask, validateLabels, type Labels } from '@berth/labels';
import { parseFilters, recordAdaptor } from '@berth/filters';
import type { Info, Mount, Snapshotter, Usage } from '@berth/snapshots';
import type { Logger } from '@berth/log';
import type { MetaStore, SnapshotRecord } from '../metastore.js';
import { overlayMounts, type Layout } from './mounts.js';
import { diskUsage } from './disk-usage.js';

/** Reports changes for events (`/snapshot/prepare|commit|remove`). */
export interface SnapshotHooks {
  prepared(ns: string, key: string, parent: string): void;
  committed(ns: string, key: string, name: string): void;
  removed(ns: string, key: string): void;
}

const toInfo = (name: string, r: SnapshotRecord): Info => ({
  name,
  parent: r.parent,
  kind: r.kind,
  createdAt: new Date(r.createdAt),
  updatedAt: new Date(r.updatedAt),
  labels: r.labels,
});

function validateKey(k: string, what = 'snapshot key'): string {
  if (!k) throw invalidArgument(`${what} must not be empty`);
  if (k.length > 4096) throw invalidArgument(`${what} is longer than 4096 characters`);
  return k;
}

export class OverlaySnapshotter implements Snapshotter {
  private readonly lock = new KeyedMutex();
  readonly layout: Layout;

  constructor(
    readonly root: string,
    private readonly meta: MetaStore,
    private readonly hooks: SnapshotHooks,
    private readonly log: Logger,
  ) {
    this.layout = {
      fs: (id) => join(root, 'snapshots', String(id), 'fs'),
      work: (id) => join(root, 'snapshots', String(id), 'work'),
      link: (id) => join(root, 'l', String(id)),
    };
  }

  async init(): Promise<void> {
    await mkdir(join(this.root, 'snapshots'), { recursive: true });
    await mkdir(join(this.root, 'l'), { recursive: true });
  }

  async stat(ns: string, key: string): Promise<Info> {
    return toInfo(key, await this.must(ns, key));
  }

  async update(ns: string, info: Pick<Info, 'name' | 'labels'>, paths?: string[]): Promise<Info> {
    return this.write(async () => {
      const rec = await this.must(ns, info.name);
      const labels = applyLabelMask(rec.labels, info.labels, paths, (p) => {
        throw invalidArgument(`cannot update ${JSON.stringify(p)} of a snapshot: only labels are mutable`);
      });
      const next = { ...rec, labels, updatedAt: new Date().toISOString() };
      await this.meta.put(ns, info.name, next);
      return toInfo(info.name, next);
    });
  }

  async usage(ns: string, key: string): Promise<Usage> {
    const rec = await this.must(ns, key);
    if (rec.kind === 'committed' && rec.usage) return rec.usage;
    return diskUsage(this.layout.fs(rec.id));
  }

  async mounts(ns: string, key: string): Promise<Mount[]> {
    const rec = await this.must(ns, key);
    if (rec.kind === 'committed')
      throw failedPrecondition(`snapshot ${key} is committed: it has no mounts (prepare or view on it)`);
    return overlayMounts(this.layout, rec.kind, rec.id, await this.parentIds(ns, rec.parent));
  }

  prepare(ns: string, key: string, parent = '', labels: Labels = {}): Promise<Mount[]> {
    return this.create(ns, 'active', key, parent, labels);
  }

  view(ns: string, key: string, parent = '', labels: Labels = {}): Promise<Mount[]> {
    return this.create(ns, 'view', key, parent, labels);
  }

  async commit(ns: string, name: string, key: string, labels: Labels = {}): Promise<void> {
    validateKey(name, 'snapshot name');
    await this.write(async () => {
      const rec = await this.must(ns, key);
      if (rec.kind !== 'active')
        throw failedPrecondition(`snapshot ${key} is ${rec.kind}, only active snapshots can be committed`);
      if (await this.meta.get(ns, name)) throw alreadyExists(`snapshot ${name}: already exists`);
      const usage = await diskUsage(this.layout.fs(rec.id));
      const now = new Date().toISOString();
      await this.meta.rename(ns, key, name, {
        ...rec,
        kind: 'committed',
        labels: { ...rec.labels, ...validateLabels(labels) },
        updatedAt: now,
        usage,
      });
      // The workdir is only needed while mounted read-write; a crash here just leaves it for later.
      await rm(this.layout.work(rec.id), { recursive: true, force: true });
    });
    this.hooks.committed(ns, key, name);
  }

  async remove(ns: string, key: string): Promise<void> {
    await this.write(async () => {
      const rec = await this.must(ns, key);
      const kids = await this.meta.children(ns, key);
      if (kids.length)
        throw failedPrecondition(
          `cannot remove snapshot ${key}: ${kids.length} snapshot${kids.length === 1 ? '' : 's'} build${kids.length === 1 ? 's' : ''} on it (${kids.slice(0, 3).join(', ')}${kids.length > 3 ? ', …' : ''})`,
        );
      await this.meta.remove(ns, key, rec);
      await this.removeDirs(rec.id);
    });
    this.hooks.removed(ns, key);
  }

  async *list(ns: string, filters: string[] = []): AsyncGenerator<Info> {
    const f = parseFilters(filters);
    for (const [name, rec] of await this.meta.list(ns))
      if (f.match(recordAdaptor({ name, parent: rec.parent, kind: rec.kind }, rec.labels)))
        yield toInfo(name, rec);
  }

  async cleanup(): Promise<void> {
    await this.write(async () => {
      const owned = await this.meta.ids();
      for (const name of await readdir(join(this.root, 'snapshots'))) {
        const id = Number(name);
        if (!Number.isInteger(id) || !owned.has(id)) {
          this.log.info({ dir: name }, 'removing orphaned snapshot directory');
          await rm(join(this.root, 'snapshots', name), { recursive: true, force: true });
        }
      }
      for (const name of await readdir(join(this.root, 'l')))
        if (!owned.has(Number(name))) await unlink(join(this.root, 'l', name)).catch(() => undefined);
    });
  }

  /** Counts what a namespace holds (namespace deletion check). */
  async count(ns: string): Promise<number> {
    return (await this.meta.list(ns)).length;
  }

  private async create(
    ns: string,
    kind: 'active' | 'view',
    key: string,
    parent: string,
    labels: Labels,
  ): Promise<Mount[]> {
    validateKey(key);
    const lbl = validateLabels(labels);
    const mounts = await this.write(async () => {
      if (await this.meta.get(ns, key)) throw alreadyExists(`snapshot ${key}: already exists`);
      let parentIds: number[] = [];
      if (parent) {
        const p = await this.meta.get(ns, parent);
        if (!p) throw notFound(`parent snapshot ${parent}: not found`);
        if (p.kind !== 'committed')
          throw failedPrecondition(
            `parent snapshot ${parent} is ${p.kind}: only committed snapshots can be parents`,
          );
        parentIds = [p.id, ...(await this.parentIds(ns, p.parent))];
      }
      const id = this.meta.nextId();
      await this.makeDirs(id, kind, parentIds[0]);
      const now = new Date().toISOString();
      await this.meta.create(ns, key, { id, kind, parent, labels: lbl, createdAt: now, updatedAt: now });
      return overlayMounts(this.layout, kind, id, parentIds);
    });
    this.hooks.prepared(ns, key, parent);
    return mounts;
  }

  /** Builds snapshots/<id> under a temporary name and renames it into place, then links l/<id>. */
  private async makeDirs(id: number, kind: 'active' | 'view', parentId: number | undefined): Promise<void> {
    const tmp = join(this.root, 'snapshots', `new-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(join(tmp, 'fs'), { recursive: true });
      if (kind === 'active') await mkdir(join(tmp, 'work'));
      if (parentId !== undefined) {
        // The upper dir's root must look like the lower's root, or the merged `/` changes owner/mode.
        const st = await stat(this.layout.fs(parentId));
        await chmod(join(tmp, 'fs'), st.mode & 0o7777);
        await chown(join(tmp, 'fs'), st.uid, st.gid);
      } else await chmod(join(tmp, 'fs'), 0o755);
      await rename(tmp, join(this.root, 'snapshots', String(id)));
      await symlink(join('..', 'snapshots', String(id), 'fs'), this.layout.link(id));
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      await this.removeDirs(id);
      throw err;
    }
  }

  private async removeDirs(id: number): Promise<void> {
    await unlink(this.layout.link(id)).catch(() => undefined);
    await rm(join(this.root, 'snapshots', String(id)), { recursive: true, force: true });
  }

  /** Ids of `parent` and all its ancestors, nearest first. */
  private async parentIds(ns: string, parent: string): Promise<number[]> {
    const out: number[] = [];
    for (let name = parent; name;) {
      const r = await this.meta.get(ns, name);
      if (!r) throw notFound(`snapshot ${name} (an ancestor) is missing: metadata is inconsistent`);
      out.push(r.id);
      name = r.parent;
    }
    return out;
  }

  private async must(ns: string, key: string): Promise<SnapshotRecord> {
    const rec = await this.meta.get(ns, validateKey(key));
    if (!rec) throw notFound(`snapshot ${key}: not found`);
    return rec;
  }

  /** One writer at a time: metadata batches are read-modify-write. */
  private write<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run('write', fn);
  }
}
