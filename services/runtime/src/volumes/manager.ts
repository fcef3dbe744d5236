/**
 * Volumes: the records and the local driver behind berth.volumes.v1, and the resolution of a
 * container's volume requests (the io.berth.volumes label) when its first task is created —
 * docker's daemon-side work: named volumes made on first use, anonymous ones for `-v /path`
 * and image VOLUMEs, `--volumes-from`, binds (a missing `-v` host directory is created), the
 * image's files copied into a new volume, the spec's mounts replaced at the same destinations.
 *
 * Locks: one per namespace for what changes which volumes exist (create, delete, prune and
 * resolving a container), one per volume for what happens to its directory at a start
 * (mounting, copy-up) or after an exit (unmounting). A volume any container refers to is
 * never deleted, so the two never meet on the same volume.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { failedPrecondition, invalidArgument, notFound } from '@berth/errdefs';
import { KeyedMutex, type BatchOp } from '@berth/store';
import type { Logger } from '@berth/log';
import type { Container } from '@berth/proto/containers/v1';
import {
  parseBind,
  parseMount,
  parseVolumeRequests,
  parseVolumesFrom,
  readVolumesLabel,
  validateVolumeName,
} from '@berth/oci-spec';
import { copyUp } from './copy-up.js';
import { validateDriverOpts, type LocalDriver } from './local.js';
import { applyMounts, dockerMounts, ociMounts, planMounts, type VolumesFrom } from './plan.js';
import type { ContainerMounts, ResolvedMount, VolumeRecord, VolumeStore } from './store.js';

/** The label on anonymous volumes (docker's com.docker.volume.anonymous). */
export const ANONYMOUS_LABEL = 'io.berth.anonymous';
const AUTO_REMOVE_LABEL = 'io.berth.auto-remove';

export interface VolumeEvents {
  created(ns: string, v: VolumeRecord): void;
  deleted(ns: string, name: string): void;
}

export interface VolumeDeps {
  store: VolumeStore;
  driver: LocalDriver;
  containers: {
    list(ns: string): Promise<Container[]>;
    resolve(ns: string, ref: string): Promise<Container>;
  };
  /** Ids of the containers whose task is being created, created, running or paused. */
  liveTasks(ns: string): Promise<Set<string>>;
  events: VolumeEvents;
  log: Logger;
}

export interface CreateVolume {
  /** '' for a random 64-hex name. */
  name: string;
  driver?: string;
  driverOpts?: Readonly<Record<string, string>>;
  labels?: Readonly<Record<string, string>>;
  anonymous?: boolean;
}

/** A volume with the containers referring to it. */
export interface VolumeView extends VolumeRecord {
  mountpoint: string;
  containers: string[];
}

const newName = () => randomBytes(32).toString('hex');

/** docker's local driver only. */
function checkDriver(driver: string | undefined): void {
  if (driver && driver !== 'local')
    throw invalidArgument(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
}

/** The named volumes a not-yet-resolved container's label asks for (bad strings are skipped). */
function namedInLabel(labels: Readonly<Record<string, string>>): string[] {
  let r;
  try {
    r = readVolumesLabel(labels);
  } catch {
    return [];
  }
  if (!r) return [];
  const names: string[] = [];
  for (const [parse, list] of [
    [parseBind, r.binds],
    [parseMount, r.mounts],
  ] as const)
    for (const s of list) {
      try {
        const m = parse(s);
        if (m.type === 'volume' && m.source) names.push(m.source);
      } catch {
        // resolving will report it
      }
    }
  return names;
}

export class VolumeManager {
  private readonly lock = new KeyedMutex();

  constructor(private readonly d: VolumeDeps) {}

  private nsKey = (ns: string) => `${ns}\0volumes`;
  private volKey = (ns: string, name: string) => `${ns}/${name}`;

  // --- the API ---------------------------------------------------------------------------

  async create(ns: string, req: CreateVolume): Promise<VolumeView> {
    const v = await this.lock.run(this.nsKey(ns), () => this.createLocked(ns, req));
    return this.view(ns, v, (await this.users(ns)).get(v.name) ?? []);
  }

  async get(ns: string, name: string): Promise<VolumeView> {
    const v = await this.d.store.get(ns, name);
    if (!v) throw notFound(`get ${name}: no such volume`);
    return this.view(ns, v, (await this.users(ns)).get(name) ?? []);
  }

  /** docker's filters: dangling=true|false, name=<substring>, label=<k>[=<v>], driver=<d>. */
  async list(ns: string, filters: readonly string[] = []): Promise<VolumeView[]> {
    const match = volumeFilter(filters, ['dangling', 'name', 'label', 'driver']);
    const [vols, users] = await Promise.all([this.d.store.list(ns), this.users(ns)]);
    return vols
      .map((v) => this.view(ns, v, users.get(v.name) ?? []))
      .filter(match)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Refuses a volume any container refers to; a missing one is fine with `force`. */
  async delete(ns: string, name: string, force = false): Promise<void> {
    await this.lock.run(this.nsKey(ns), async () => {
      const v = await this.d.store.get(ns, name);
      if (!v) {
        if (force) return;
        throw notFound(`get ${name}: no such volume`);
      }
      const users = (await this.users(ns)).get(name) ?? [];
      if (users.length) throw failedPrecondition(`remove ${name}: volume is in use - [${users.join(', ')}]`);
      await this.removeLocked(ns, name);
    });
  }

  /** Removes unused volumes: anonymous ones, or all with `all`; label filters narrow it. */
  async prune(
    ns: string,
    all: boolean,
    filters: readonly string[] = [],
  ): Promise<{ deleted: string[]; bytes: number }> {
    const match = volumeFilter(filters, ['label', 'label!']);
    return this.lock.run(this.nsKey(ns), async () => {
      const users = await this.users(ns);
      const deleted: string[] = [];
      let bytes = 0;
      for (const v of await this.d.store.list(ns)) {
        if ((users.get(v.name) ?? []).length || (!all && !v.anonymous)) continue;
        if (!match(this.view(ns, v, []))) continue;
        bytes += await this.d.driver.size(ns, v.name);
        await this.removeLocked(ns, v.name);
        deleted.push(v.name);
      }
      return { deleted, bytes };
    });
  }

  // --- containers ------------------------------------------------------------------------

  /**
   * The prepareSpec hook: resolves the container's requests (once; later starts reuse them),
   * makes sure binds and volumes are there (mounted, image content copied into new ones) and
   * puts the mounts into `spec`.
   */
  async prepare(ns: string, c: Container, spec: Record<string, unknown>, rootfs: string): Promise<void> {
    let rec = await this.d.store.mountsOf(ns, c.id);
    if (!rec) {
      if (!readVolumesLabel(c.labels)) return;
      rec = await this.lock.run(this.nsKey(ns), () => this.resolveLocked(ns, c, new Set()));
    }
    if (!rec.mounts.length) return;
    for (const m of rec.mounts) {
      if (m.type === 'bind') await this.ensureBindSource(m);
      else if (m.type === 'volume') await this.ensureVolume(ns, m, rootfs);
    }
    applyMounts(
      spec,
      ociMounts(rec.mounts, (name) => this.d.driver.data(ns, name)),
    );
  }

  /** After a task's init exited: unmounts the option volumes no live task uses any more. */
  async release(ns: string, id: string): Promise<void> {
    const rec = await this.d.store.mountsOf(ns, id);
    if (rec) await this.releaseVolumes(ns, rec);
  }

  /**
   * After Containers.Delete: forgets the container's mounts; with `--rm` its anonymous volumes
   * go too (unless another container still uses one, through --volumes-from).
   */
  async forget(ns: string, id: string): Promise<void> {
    const rec = await this.d.store.mountsOf(ns, id);
    if (!rec) return;
    await this.d.store.removeMounts(ns, id);
    await this.releaseVolumes(ns, rec);
    if (!rec.autoRemove) return;
    for (const name of rec.anonymous)
      await this.delete(ns, name, true).catch((err: unknown) =>
        this.d.log.info({ err, ns, name }, 'anonymous volume kept: still in use'),
      );
  }

  /** docker inspect's Mounts of a container whose requests are resolved; undefined before. */
  async inspectMounts(ns: string, id: string): Promise<Array<Record<string, unknown>> | undefined> {
    const rec = await this.d.store.mountsOf(ns, id);
    return rec && dockerMounts(rec.mounts, (name) => this.d.driver.data(ns, name));
  }

  /** How many volumes a namespace holds (for namespace deletion). */
  async count(ns: string): Promise<number> {
    return (await this.d.store.list(ns)).length;
  }

  // --- internals -------------------------------------------------------------------------

  private view(ns: string, v: VolumeRecord, containers: string[]): VolumeView {
    return { ...v, mountpoint: this.d.driver.data(ns, v.name), containers };
  }

  /** Volume name → ids of the containers referring to it (resolved or, if not yet, by label). */
  private async users(ns: string): Promise<Map<string, string[]>> {
    const [cs, recs] = await Promise.all([this.d.containers.list(ns), this.d.store.allMounts(ns)]);
    const out = new Map<string, string[]>();
    for (const c of cs) {
      const rec = recs.get(c.id);
      const names = rec
        ? rec.mounts.filter((m) => m.type === 'volume').map((m) => m.source)
        : namedInLabel(c.labels);
      for (const n of new Set(names)) out.set(n, [...(out.get(n) ?? []), c.id]);
    }
    return out;
  }

  private async createLocked(ns: string, req: CreateVolume): Promise<VolumeRecord> {
    const name = req.name || newName();
    validateVolumeName(name);
    checkDriver(req.driver);
    const options = { ...req.driverOpts };
    validateDriverOpts(options);
    const existing = await this.d.store.get(ns, name);
    if (existing) return existing;
    await this.d.driver.create(ns, name);
    const v: VolumeRecord = {
      name,
      driver: 'local',
      labels: { ...req.labels, ...(req.anonymous ? { [ANONYMOUS_LABEL]: 'true' } : {}) },
      options,
      createdAt: new Date().toISOString(),
      anonymous: req.anonymous === true,
    };
    await this.d.store.put(ns, v);
    this.d.events.created(ns, v);
    return v;
  }

  private async removeLocked(ns: string, name: string): Promise<void> {
    await this.d.driver.remove(ns, name);
    await this.d.store.remove(ns, name);
    this.d.events.deleted(ns, name);
  }

  /**
   * Resolves `c`'s requests into its mounts record (creating the volumes it names) unless it
   * has one; `visiting` guards --volumes-from cycles. Holds the namespace lock.
   */
  private async resolveLocked(ns: string, c: Container, visiting: Set<string>): Promise<ContainerMounts> {
    const existing = await this.d.store.mountsOf(ns, c.id);
    if (existing) return existing;
    const reqs = readVolumesLabel(c.labels) ?? { binds: [], mounts: [], volumesFrom: [], imageVolumes: [] };
    const requests = parseVolumeRequests(reqs);
    for (const r of requests)
      if (r.relabel)
        this.d.log.info(
          { ns, id: c.id, target: r.target },
          `volume option ${r.relabel} ignored: no SELinux labels to apply`,
        );
    const from: VolumesFrom[] = [];
    visiting.add(c.id);
    for (const raw of reqs.volumesFrom) {
      const { container, mode } = parseVolumesFrom(raw);
      const other = await this.d.containers.resolve(ns, container);
      if (visiting.has(other.id))
        throw invalidArgument(`--volumes-from ${container}: a container cannot take volumes from itself`);
      from.push({
        mounts: (await this.resolveLocked(ns, other, visiting)).mounts,
        ...(mode ? { mode } : {}),
      });
    }
    const plan = planMounts(requests, from, reqs.imageVolumes);
    // Everything that can fail is checked before the first volume is made.
    for (const p of plan) {
      if (p.type === 'bind' && !p.createHostPath && !(await exists(p.source)))
        throw invalidArgument(
          `invalid mount config for type "bind": bind source path does not exist: ${p.source}`,
        );
      if (p.create) {
        checkDriver(p.create.driver);
        validateDriverOpts(p.create.driverOpts);
      }
    }
    const anonymous: string[] = [];
    for (const p of plan) {
      if (p.type !== 'volume') continue;
      const opts = {
        driver: p.create?.driver,
        driverOpts: p.create?.driverOpts ?? {},
        labels: p.create?.labels ?? {},
      };
      if (!p.source) {
        p.source = (await this.createLocked(ns, { name: '', anonymous: true, ...opts })).name;
        anonymous.push(p.source);
      } else if (!(await this.d.store.get(ns, p.source)))
        await this.createLocked(ns, { name: p.source, ...opts });
    }
    const rec: ContainerMounts = {
      mounts: plan.map(({ create: _create, ...m }) => m),
      anonymous,
      autoRemove: c.labels[AUTO_REMOVE_LABEL] === 'true',
    };
    const ops: BatchOp[] = [this.d.store.putMountsOp(ns, c.id, rec)];
    await this.d.store.commit(ops);
    return rec;
  }

  /** `-v` binds get their host directory (docker); `--mount` ones must exist. */
  private async ensureBindSource(m: ResolvedMount): Promise<void> {
    if (await exists(m.source)) return;
    if (!m.createHostPath)
      throw invalidArgument(
        `invalid mount config for type "bind": bind source path does not exist: ${m.source}`,
      );
    await mkdir(m.source, { recursive: true, mode: 0o755 });
  }

  /** The volume's directory (mounted for an options volume), and the image's files on first use. */
  private async ensureVolume(ns: string, m: ResolvedMount, rootfs: string): Promise<void> {
    await this.lock.run(this.volKey(ns, m.source), async () => {
      const v = await this.d.store.get(ns, m.source);
      if (!v) throw failedPrecondition(`volume ${m.source} is gone (needed at ${m.destination})`);
      await this.d.driver.ensure(ns, v.name, v.options);
      if (v.populated) return;
      if (!m.noCopy && (await this.d.driver.isEmpty(ns, v.name)))
        await copyUp(rootfs, m.destination, this.d.driver.data(ns, v.name));
      await this.d.store.put(ns, { ...v, populated: true });
    });
  }

  private async releaseVolumes(ns: string, rec: ContainerMounts): Promise<void> {
    const names = new Set(rec.mounts.filter((m) => m.type === 'volume').map((m) => m.source));
    for (const name of names) {
      await this.lock
        .run(this.volKey(ns, name), async () => {
          const v = await this.d.store.get(ns, name);
          if (!v || !Object.keys(v.options).length) return;
          const [live, recs] = await Promise.all([this.d.liveTasks(ns), this.d.store.allMounts(ns)]);
          const used = [...recs].some(
            ([id, r]) => live.has(id) && r.mounts.some((m) => m.type === 'volume' && m.source === name),
          );
          if (!used) await this.d.driver.release(ns, name);
        })
        .catch((err: unknown) => this.d.log.warn({ err, ns, name }, 'unmounting a volume failed'));
    }
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
}

/**
 * docker's volume filters as a predicate. Within one key, name and driver match any value,
 * labels must all match; `label!` excludes.
 *
 * @throws InvalidArgument for a filter without `=`, or a key not in `allowed`.
 */
export function volumeFilter(
  filters: readonly string[],
  allowed: readonly string[],
): (v: VolumeView) => boolean {
  const by = new Map<string, string[]>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw invalidArgument(`bad format of filter (expected name=value): ${f}`);
    const k = f.slice(0, eq);
    const val = f.slice(eq + 1);
    if (!allowed.includes(k)) throw invalidArgument(`invalid filter '${k}'`);
    by.set(k, [...(by.get(k) ?? []), val]);
  }
  const dangling = by.get('dangling');
  for (const d of dangling ?? [])
    if (!['true', 'false', '1', '0'].includes(d))
      throw invalidArgument(`invalid filter 'dangling=${d}': expected true or false`);
  const labelMatch = (labels: Record<string, string>, spec: string) => {
    const eq = spec.indexOf('=');
    return eq < 0 ? spec in labels : labels[spec.slice(0, eq)] === spec.slice(eq + 1);
  };
  return (v) => {
    if (dangling?.length) {
      const want = dangling.some((d) => d === 'true' || d === '1');
      if ((v.containers.length === 0) !== want) return false;
    }
    const names = by.get('name');
    if (names && !names.some((n) => v.name.includes(n))) return false;
    const drivers = by.get('driver');
    if (drivers && !drivers.includes(v.driver)) return false;
    if (!(by.get('label') ?? []).every((l) => labelMatch(v.labels, l))) return false;
    if ((by.get('label!') ?? []).some((l) => labelMatch(v.labels, l))) return false;
    return true;
  };
}
