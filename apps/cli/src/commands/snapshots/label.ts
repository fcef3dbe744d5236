/**
 * `berth snapshots label <key> [k=v | k= ...]`: sets or removes only the named
 * labels (field mask `labels.<k>`) and prints the resulting labels; with none
 * given it only prints them.
 */
import { formatLabels } from '@berth/cli-kit';
import { parseLabelArgs } from '@berth/labels';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { openSnapshots, type SnapshotterOption } from './client.js';

export async function run(
  ctx: Context,
  [key, args]: [string, string[]],
  opts: SnapshotterOption,
): Promise<void> {
  const labels = asUsage(() => parseLabelArgs(args));
  const s = openSnapshots(ctx, opts.snapshotter);
  // An empty mask would replace every label with none: only read in that case.
  const info = Object.keys(labels).length ? await s.label(key, labels) : await s.stat(key);
  ctx.stdout.write(formatLabels(info.labels, '') + '\n');
}
