/** `berth content ls [filters...]`: DIGEST SIZE AGE LABELS. */
import { formatLabels, humanAge, humanSize } from '@berth/cli-kit';
import type { Info } from '@berth/content';
import type { Context } from '../../context.js';
import { openContent } from './store.js';
import { printList, type ListOptions } from '../../output.js';

export async function run(ctx: Context, [filters]: [string[]], opts: ListOptions): Promise<void> {
  const store = openContent(ctx);
  const infos: Info[] = [];
  for await (const info of store.list(ctx.namespace, filters)) infos.push(info);
  const now = new Date();
  printList(ctx, infos, opts, {
    columns: [
      ['DIGEST', (i) => i.digest],
      ['SIZE', (i) => humanSize(i.size)],
      ['AGE', (i) => humanAge(i.createdAt, now)],
      ['LABELS', (i) => formatLabels(i.labels)],
    ],
    id: (i) => i.digest,
  });
}
