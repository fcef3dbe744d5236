/** `berth snapshots cleanup`: asks the snapshotter to remove on-disk leftovers no snapshot owns. */
import type { Context } from '../../context.js';
import { openSnapshots, type SnapshotterOption } from './client.js';

export async function run(ctx: Context, _args: [], opts: SnapshotterOption): Promise<void> {
  await openSnapshots(ctx, opts.snapshotter).cleanup();
}
