/** `berth snapshots rm <key...>`: removes each snapshot; a failure does not stop the others (exit 1). */
import type { Context } from '../../context.js';
import { forEach } from '../../each.js';
import { openSnapshots, type SnapshotterOption } from './client.js';

export async function run(ctx: Context, [keys]: [string[]], opts: SnapshotterOption): Promise<number> {
  const s = openSnapshots(ctx, opts.snapshotter);
  return forEach(ctx, keys, (key) => s.remove(key));
}
