/**
 * `berth snapshots mounts <target> <key>`: the shell commands that mount an
 * active snapshot or a view on <target>, as ctr prints them
 * (`mount -t overlay overlay /mnt -o index=off,workdir=…`), for `| sh`.
 */
import type { Context } from '../../context.js';
import { mountCommands, openSnapshots, type SnapshotterOption } from './client.js';

export async function run(
  ctx: Context,
  [target, key]: [string, string],
  opts: SnapshotterOption,
): Promise<void> {
  ctx.stdout.write(mountCommands(target, await openSnapshots(ctx, opts.snapshotter).mounts(key)));
}
