/**
 * `berth snapshots usage [key...]`: KEY SIZE INODES of each snapshot's own layer
 * (all snapshots when no key is given), sizes human-readable unless -b.
 */
import { humanSize } from '@berth/cli-kit';
import type { Context } from '../../context.js';
import { printList, type ListOptions } from '../../output.js';
import { openSnapshots, type SnapshotterOption } from './client.js';

export async function run(
  ctx: Context,
  [keys]: [string[]],
  opts: ListOptions & SnapshotterOption & { bytes?: boolean },
): Promise<void> {
  const s = openSnapshots(ctx, opts.snapshotter);
  const names = keys.length ? keys : (await s.list()).map((i) => i.name);
  const rows: { key: string; size: number; inodes: number }[] = [];
  for (const key of names) rows.push({ key, ...(await s.usage(key)) });
  printList(ctx, rows, opts, {
    columns: [
      ['KEY', (r) => r.key],
      ['SIZE', (r) => (opts.bytes ? String(r.size) : humanSize(r.size))],
      ['INODES', (r) => String(r.inodes)],
    ],
    id: (r) => r.key,
  });
}
