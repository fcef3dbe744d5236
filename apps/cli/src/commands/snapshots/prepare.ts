/**
 * `berth snapshots prepare <key> [parent] [--mounts target] [--label k=v]…`:
 * creates an active snapshot. Like ctr it prints nothing unless asked for the
 * mount commands, and labels the snapshot `containerd.io/gc.root` (now) so
 * that a garbage collector keeps what a person made by hand.
 */
import { parseLabelArgs } from '@berth/labels';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { GC_ROOT, mountCommands, openSnapshots, type SnapshotterOption } from './client.js';

export interface CreateOptions extends SnapshotterOption {
  mounts?: string;
  label?: string[];
}

export async function run(
  ctx: Context,
  [key, parent]: [string, string | undefined],
  opts: CreateOptions,
): Promise<void> {
  const labels = { [GC_ROOT]: new Date().toISOString(), ...asUsage(() => parseLabelArgs(opts.label ?? [])) };
  const mounts = await openSnapshots(ctx, opts.snapshotter).prepare(key, parent ?? '', labels);
  if (opts.mounts !== undefined) ctx.stdout.write(mountCommands(opts.mounts, mounts));
}
