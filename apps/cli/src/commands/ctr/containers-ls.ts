/** `berth containers ls [-q] [FILTER...]`: ctr's CONTAINER IMAGE RUNTIME (containerd filter syntax). */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { printList, type ListOptions } from '../../output.js';
import { openContainers } from './clients.js';

export async function run(ctx: Context, [filters]: [string[]], opts: ListOptions): Promise<void> {
  const c = openContainers(ctx);
  const { containers } = await unary(c, c.list, { filters: filters ?? [] }, ctx.callOpts());
  printList(ctx, containers, opts, {
    columns: [
      ['CONTAINER', (x) => x.id],
      ['IMAGE', (x) => x.image || '-'],
      ['RUNTIME', (x) => x.runtime?.name ?? ''],
    ],
    id: (x) => x.id,
    json: (x) => ({ ID: x.id, Image: x.image, Runtime: x.runtime?.name ?? '', Labels: x.labels }),
  });
}
