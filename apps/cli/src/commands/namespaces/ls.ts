/** `berth namespaces ls`: NAME LABELS. */
import { NamespacesClient, ListNamespacesRequest } from '@berth/proto/namespaces/v1';
import { unary } from '@berth/grpc';
import { formatLabels } from '@berth/cli-kit';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { printList, type ListOptions } from '../../output.js';

export async function run(ctx: Context, _args: [], opts: ListOptions): Promise<void> {
  const client = openClient(ctx, NamespacesClient);
  const { namespaces } = await unary(
    client,
    client.list,
    ListNamespacesRequest.fromPartial({}),
    ctx.callOpts(),
  );
  printList(ctx, namespaces, opts, {
    columns: [
      ['NAME', (n) => n.name],
      ['LABELS', (n) => formatLabels(n.labels)],
    ],
    id: (n) => n.name,
  });
}
