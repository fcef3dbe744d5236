/** `berth snapshots ls [filters...]`: KEY PARENT KIND, as `ctr snapshots ls` prints them. */
import type { Context } from '../../context.js';
import { printList, type ListOptions } from '../../output.js';
import { openSnapshots, type SnapshotterOption } from './client.js';

export async function run(
  ctx: Context,
  [filters]: [string[]],
  opts: ListOptions & SnapshotterOption,
): Promise<void> {
  const infos = await openSnapshots(ctx, opts.snapshotter).list(filters);
  printList(ctx, infos, opts, {
    columns: [
      ['KEY', (i) => i.name],
      ['PARENT', (i) => i.parent],
      ['KIND', (i) => i.kind],
    ],
    id: (i) => i.name,
    json: (i) => ({
      name: i.name,
      parent: i.parent,
      kind: i.kind.toLowerCase(),
      createdAt: i.createdAt?.toISOString(),
      updatedAt: i.updatedAt?.toISOString(),
      labels: i.labels,
    }),
  });
}
