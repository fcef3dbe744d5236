/**
 * `berth snapshots commit <name> <key> [--label k=v]…`: turns the active snapshot
 * <key> into the committed snapshot <name>, labelled `containerd.io/gc.root` like ctr does.
 */
import { parseLabelArgs } from '@berth/labels';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { GC_ROOT, openSnapshots, type SnapshotterOption } from './client.js';

export async function run(
  ctx: Context,
  [name, key]: [string, string],
  opts: SnapshotterOption & { label?: string[] },
): Promise<void> {
  const labels = { [GC_ROOT]: new Date().toISOString(), ...asUsage(() => parseLabelArgs(opts.label ?? [])) };
  await openSnapshots(ctx, opts.snapshotter).commit(name, key, labels);
}
