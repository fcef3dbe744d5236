/**
 * The garbage collector of berth-images: per namespace, it lists images
 * (here), blobs and ingests (berth-content), snapshots (berth-snapshotter)
 * and leases (berth-gateway), plans with mark.ts, and removes what nothing
 * reaches: committed snapshots first (children before parents), then blobs.
 * It runs after an image is deleted (at once for `sync`, else debounced),
 * on Transfer.Collect (`berth image prune`), and every `gcIntervalMs` in
 * every namespace. Collections never overlap each other or a pull, import or
 * unpack of this process (hold.ts). Without the leases service it does not
 * run at all: it cannot know what in-flight clients protect.
 */
import type { ContentStore } from '@berth/content';
import { isFailedPrecondition, isNotFound } from '@berth/errdefs';
import { unary } from '@berth/grpc';
import type { Logger } from '@berth/log';
import type { LeasesClient } from '@berth/proto/leases/v1';
import type { NamespacesClient } from '@berth/proto/namespaces/v1';
import type { Snapshotter } from '@berth/snapshots';
import type { ImageStore } from '../store.js';
import { gcLock, type GcLock } from './hold.js';
import { leaseActive } from './labels.js';
import { plan, type GcState } from './mark.js';
import { imageEdges } from './structure.js';

export interface CollectorDeps {
  content: ContentStore;
  snapshots: Snapshotter;
  images: ImageStore;
  /** containerd's leases API on the gateway socket. */
  leases: LeasesClient;
  /** The gateway's namespaces, for the periodic pass over all of them. */
  namespaces: NamespacesClient;
  /** The snapshotter whose gc.ref.snapshot.<name> labels count. */
  snapshotter: string;
  log: Logger;
  lock?: GcLock;
}

export interface CollectResult {
  content: { digest: string; size: number }[];
  snapshots: { name: string; size: number }[];
  reclaimed: number;
}

const GATEWAY = 'berth-gateway';
const CALL_TIMEOUT_MS = 10_000;

export class Collector {
  private readonly lock: GcLock;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Set<Promise<unknown>>();
  private interval: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly d: CollectorDeps) {
    this.lock = d.lock ?? gcLock;
  }

  /** One collection in `ns`, once no pull/import/unpack is in flight; `dryRun` only reports. */
  collect(ns: string, opts: { dryRun?: boolean } = {}): Promise<CollectResult> {
    return this.lock.exclusive(() => this.run(ns, opts.dryRun ?? false));
  }

  /** A collection in `ns` after `delayMs` without another request for it (errors are logged). */
  schedule(ns: string, delayMs = 1_000): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(ns));
    const t = setTimeout(() => {
      this.timers.delete(ns);
      this.track(this.collect(ns)).catch((err: unknown) =>
        this.d.log.warn({ ns, err }, 'gc: background collection failed'),
      );
    }, delayMs);
    t.unref();
    this.timers.set(ns, t);
  }

  /** One collection in every namespace the gateway knows. */
  async collectAll(): Promise<void> {
    const { namespaces } = await unary(
      this.d.namespaces,
      this.d.namespaces.list,
      { filter: '' },
      { service: GATEWAY, timeoutMs: CALL_TIMEOUT_MS },
    );
    for (const { name } of namespaces) {
      if (this.closed) return;
      try {
        await this.collect(name);
      } catch (err) {
        this.d.log.warn({ ns: name, err }, 'gc: periodic collection failed');
      }
    }
  }

  /** Collects in every namespace every `intervalMs`; 0 disables. */
  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.interval = setInterval(() => {
      this.track(this.collectAll()).catch((err: unknown) =>
        this.d.log.warn({ err }, 'gc: periodic collection failed'),
      );
    }, intervalMs);
    this.interval.unref();
  }

  /** Stops scheduling and waits for a collection under way. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.interval);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.pending]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  private async run(ns: string, dryRun: boolean): Promise<CollectResult> {
    const started = Date.now();
    // Anything recorded from here on (e.g. a blob another namespace's bytes were adopted for,
    // under a lease this pass did not list) is younger than the mark and must survive it.
    const markedAt = new Date(started - 1);
    const state = await this.gather(ns);
    const doomed = plan(state, this.d.snapshotter);
    const result: CollectResult = { content: [], snapshots: [], reclaimed: 0 };
    for (const name of doomed.snapshots) {
      const size = await this.d.snapshots.usage(ns, name).then(
        (u) => Number(u.size),
        () => 0,
      );
      if (!dryRun) {
        try {
          await this.d.snapshots.remove(ns, name);
        } catch (err) {
          if (isNotFound(err)) continue;
          // A child appeared since the listing (an unpack or container on it): keep it.
          if (isFailedPrecondition(err)) {
            this.d.log.info({ ns, snapshot: name, err }, 'gc: snapshot kept');
            continue;
          }
          throw err;
        }
      }
      result.snapshots.push({ name, size });
      result.reclaimed += size;
    }
    for (const blob of doomed.content) {
      if (!dryRun) {
        try {
          if (await this.youngerThan(ns, blob.digest, markedAt)) {
            this.d.log.info({ ns, digest: blob.digest }, 'gc: blob recorded during the pass kept');
            continue;
          }
          await this.d.content.delete(ns, blob.digest);
        } catch (err) {
          if (isNotFound(err)) continue;
          throw err;
        }
      }
      result.content.push(blob);
      result.reclaimed += blob.size;
    }
    const removed = result.content.length + result.snapshots.length;
    const log = removed ? this.d.log.info.bind(this.d.log) : this.d.log.debug.bind(this.d.log);
    log(
      {
        ns,
        dryRun,
        content: result.content.map((c) => c.digest),
        snapshots: result.snapshots.map((s) => s.name),
        reclaimed: result.reclaimed,
        ms: Date.now() - started,
      },
      dryRun ? 'gc: would remove' : 'gc: removed',
    );
    return result;
  }

  /** The blob's record was (re)made after `t`: adopted or committed while this pass ran. */
  private async youngerThan(ns: string, digest: string, t: Date): Promise<boolean> {
    const info = await this.d.content.info(ns, digest);
    return info.createdAt > t || info.updatedAt > t;
  }

  private async gather(ns: string): Promise<GcState> {
    const opts = { ns, service: `${GATEWAY} (leases)`, timeoutMs: CALL_TIMEOUT_MS };
    // Leases first: what a client protects now stays listed below even if it commits meanwhile.
    const now = new Date();
    const leases: GcState['leases'] = [];
    for (const l of (await unary(this.d.leases, this.d.leases.list, { filters: [] }, opts)).leases) {
      if (!leaseActive(l.labels, now)) continue;
      try {
        const { resources } = await unary(this.d.leases, this.d.leases.listResources, { id: l.id }, opts);
        leases.push({ id: l.id, labels: l.labels, resources });
      } catch (err) {
        if (!isNotFound(err)) throw err; // deleted since the listing
      }
    }
    const images = await this.d.images.list(ns);
    const content: GcState['content'] = [];
    for await (const c of this.d.content.list(ns))
      content.push({ digest: c.digest, size: c.size, labels: c.labels });
    const ingests = (await this.d.content.listStatuses(ns)).map((s) => ({
      ref: s.ref,
      expected: s.expected,
    }));
    const snapshots: GcState['snapshots'] = [];
    for await (const s of this.d.snapshots.list(ns))
      snapshots.push({ name: s.name, parent: s.parent, kind: s.kind, labels: s.labels });
    const structure = await imageEdges(
      this.d.content,
      ns,
      images.map((i) => i.target),
      new Set(content.map((c) => c.digest)),
      this.d.log,
    );
    return { images, content, snapshots, leases, ingests, structure };
  }
}
