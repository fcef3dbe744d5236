/** `berth snapshots view <key> <parent> [--mounts target] [--label k=v]…`: a read-only view of a committed snapshot. */
import { parseLabelArgs } from '@berth/labels';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { mountCommands, openSnapshots } from './client.js';
import type { CreateOptions } from './prepare.js';

export async function run(ctx: Context, [key, parent]: [string, string], opts: CreateOptions): Promise<void> {
  const labels = asUsage(() => parseLabelArgs(opts.label ?? []));
  const mounts = await openSnapshots(ctx, opts.snapshotter).view(key, parent, labels);
  if (opts.mounts !== undefined) ctx.stdout.write(mountCommands(opts.mounts, mounts));
}
