/** `berth content active [filters...]`: REF SIZE STARTED UPDATED EXPECTED. */
import { humanAge, humanSize } from '@berth/cli-kit';
import type { Context } from '../../context.js';
import { openContent } from './store.js';
import { printList, type ListOptions } from '../../output.js';

export async function run(ctx: Context, [filters]: [string[]], opts: ListOptions): Promise<void> {
  const statuses = await openContent(ctx).listStatuses(ctx.namespace, filters);
  const now = new Date();
  printList(ctx, statuses, opts, {
    columns: [
      ['REF', (s) => s.ref],
      ['SIZE', (s) => `${humanSize(s.offset)}/${s.total ? humanSize(s.total) : '?'}`],
      ['STARTED', (s) => `${humanAge(s.startedAt, now)} ago`],
      ['UPDATED', (s) => `${humanAge(s.updatedAt, now)} ago`],
      ['EXPECTED', (s) => s.expected || '-'],
    ],
    id: (s) => s.ref,
  });
}
