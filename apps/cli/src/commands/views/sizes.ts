/**
 * `ps -s` sizes: a container's writable layer is its snapshot (key = container
 * id, snapshotter overlayfs); its virtual size adds the committed layers below.
 * Parents are measured once however many containers share them.
 */
import { SnapshotsClient } from '@berth/proto/snapshots/v1';
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';

const SNAPSHOTTER = 'overlayfs';

export async function containerSizes(
  ctx: Context,
  ids: readonly string[],
): Promise<Map<string, { rw: number; virtual: number }>> {
  const sn = openClient(ctx, SnapshotsClient);
  const usage = new Map<string, Promise<number>>();
  const parent = new Map<string, Promise<string>>();
  const usageOf = (key: string) => {
    let p = usage.get(key);
    if (!p) {
      p = unary(sn, sn.usage, { snapshotter: SNAPSHOTTER, key }, ctx.callOpts()).then(
        (r) => r.size,
        () => 0,
      );
      usage.set(key, p);
    }
    return p;
  };
  const parentOf = (key: string) => {
    let p = parent.get(key);
    if (!p) {
      p = unary(sn, sn.stat, { snapshotter: SNAPSHOTTER, key }, ctx.callOpts()).then(
        (r) => r.info?.parent ?? '',
        () => '',
      );
      parent.set(key, p);
    }
    return p;
  };
  const out = new Map<string, { rw: number; virtual: number }>();
  await Promise.all(
    ids.map(async (id) => {
      const rw = await usageOf(id);
      let virtual = rw;
      for (let p = await parentOf(id); p; p = await parentOf(p)) virtual += await usageOf(p);
      out.set(id, { rw, virtual });
    }),
  );
  return out;
}
