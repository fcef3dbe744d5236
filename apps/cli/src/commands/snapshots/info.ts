/**
 * `berth snapshots info <key>`: the snapshot as JSON, in the shape `ctr snapshots info`
 * prints (Go's snapshots.Info: Kind, Name, Parent and Labels when set, Created, Updated).
 */
import type { Context } from '../../context.js';
import { openSnapshots, type SnapshotterOption } from './client.js';

export async function run(ctx: Context, [key]: [string], opts: SnapshotterOption): Promise<void> {
  const i = await openSnapshots(ctx, opts.snapshotter).stat(key);
  const out = {
    Kind: i.kind,
    Name: i.name,
    ...(i.parent ? { Parent: i.parent } : {}),
    // Go's encoding/json writes map keys sorted.
    ...(Object.keys(i.labels).length
      ? {
          Labels: Object.fromEntries(
            Object.entries(i.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
          ),
        }
      : {}),
    Created: i.createdAt?.toISOString() ?? '0001-01-01T00:00:00Z',
    Updated: i.updatedAt?.toISOString() ?? '0001-01-01T00:00:00Z',
  };
  ctx.stdout.write(JSON.stringify(out, null, 4) + '\n');
}
