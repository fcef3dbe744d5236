/**
 * The snapshots API as the `snapshots` and `diff` commands use it: one
 * generated client on ctx.address, every request naming the snapshotter.
 */
import { randomBytes } from 'node:crypto';
import { SnapshotsClient, Kind, type Info as PbInfo, type UsageResponse } from '@berth/proto/snapshots/v1';
import type { Mount } from '@berth/proto/types';
import { serverStream, unary } from '@berth/grpc';
import type { Labels } from '@berth/labels';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';

/** Options every `snapshots` handler gets (the group's --snapshotter, see register.ts). */
export interface SnapshotterOption {
  snapshotter?: string;
}

/** ctr's default; also what berth-snapshotter answers to. */
export const DEFAULT_SNAPSHOTTER = 'overlayfs';

/** The label ctr puts on what `snapshots prepare` and `commit` create, so a GC keeps it. */
export const GC_ROOT = 'containerd.io/gc.root';

/** A snapshot's info with the proto kind spelled as containerd's Go `Kind.String()` does. */
export interface Info {
  name: string;
  parent: string;
  kind: 'Active' | 'View' | 'Committed' | 'Unknown';
  createdAt: Date | undefined;
  updatedAt: Date | undefined;
  labels: Labels;
}

const KIND: Record<number, Info['kind']> = {
  [Kind.ACTIVE]: 'Active',
  [Kind.VIEW]: 'View',
  [Kind.COMMITTED]: 'Committed',
};

const fromProto = (i: PbInfo | undefined): Info => ({
  name: i?.name ?? '',
  parent: i?.parent ?? '',
  kind: KIND[i?.kind ?? Kind.UNKNOWN] ?? 'Unknown',
  createdAt: i?.createdAt,
  updatedAt: i?.updatedAt,
  labels: { ...(i?.labels ?? {}) },
});

export type Snapshots = ReturnType<typeof openSnapshots>;

/** Returns the snapshots API of `snapshotter` at ctx.address, closed when the command ends. */
export function openSnapshots(ctx: Context, snapshotter = DEFAULT_SNAPSHOTTER) {
  const c = openClient(ctx, SnapshotsClient);
  const o = () => ctx.callOpts();
  return {
    snapshotter,
    async prepare(key: string, parent = '', labels: Labels = {}): Promise<Mount[]> {
      return (await unary(c, c.prepare, { snapshotter, key, parent, labels }, o())).mounts;
    },
    async view(key: string, parent = '', labels: Labels = {}): Promise<Mount[]> {
      return (await unary(c, c.view, { snapshotter, key, parent, labels }, o())).mounts;
    },
    async mounts(key: string): Promise<Mount[]> {
      return (await unary(c, c.mounts, { snapshotter, key }, o())).mounts;
    },
    async commit(name: string, key: string, labels: Labels = {}): Promise<void> {
      await unary(c, c.commit, { snapshotter, name, key, labels }, o());
    },
    async remove(key: string): Promise<void> {
      await unary(c, c.remove, { snapshotter, key }, o());
    },
    async stat(key: string): Promise<Info> {
      return fromProto((await unary(c, c.stat, { snapshotter, key }, o())).info);
    },
    /** Sets or removes only the given labels (field mask `labels.<k>`); an empty value removes. */
    async label(key: string, labels: Labels): Promise<Info> {
      const info: PbInfo = {
        name: key,
        parent: '',
        kind: Kind.UNKNOWN,
        createdAt: undefined,
        updatedAt: undefined,
        labels,
      };
      const updateMask = Object.keys(labels).map((k) => `labels.${k}`);
      return fromProto((await unary(c, c.update, { snapshotter, info, updateMask }, o())).info);
    },
    async list(filters: string[] = []): Promise<Info[]> {
      const out: Info[] = [];
      // A stream has no per-call deadline; --timeout still bounds the command.
      const so = { ns: ctx.namespace, service: 'berth' };
      for await (const r of serverStream(c, c.list, { snapshotter, filters }, so))
        out.push(...r.info.map(fromProto));
      return out;
    },
    usage(key: string): Promise<UsageResponse> {
      return unary(c, c.usage, { snapshotter, key }, o());
    },
    async cleanup(): Promise<void> {
      await unary(c, c.cleanup, { snapshotter }, o());
    },
  };
}

/**
 * Runs `fn` with the mounts of `key`: its own when it is active or a view, else
 * (committed) those of a temporary view `<prefix>-<random>` on it, removed afterwards
 * however `fn` ends. What `ctr snapshots diff` does for a committed side.
 */
export async function withMounts<T>(
  s: Snapshots,
  key: string,
  prefix: string,
  fn: (mounts: Mount[]) => Promise<T>,
): Promise<T> {
  const info = await s.stat(key);
  if (info.kind !== 'Committed') return fn(await s.mounts(key));
  const view = `${prefix}-${randomBytes(6).toString('hex')}`;
  const mounts = await s.view(view, key);
  let result: T;
  try {
    result = await fn(mounts);
  } catch (err) {
    await s.remove(view).catch(() => undefined);
    throw err;
  }
  await s.remove(view);
  return result;
}

/** One `mount -t TYPE SOURCE TARGET -o OPTS` line per mount, as `ctr snapshots mounts` prints them. */
export function mountCommands(target: string, mounts: readonly Mount[]): string {
  return mounts.map((m) => `mount -t ${m.type} ${m.source} ${target} -o ${m.options.join(',')}\n`).join('');
}
