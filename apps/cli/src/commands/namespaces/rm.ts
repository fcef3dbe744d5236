/** `berth namespaces rm <name...>`: removes each namespace (the server refuses non-empty ones). */
import { NamespacesClient, DeleteNamespaceRequest } from '@berth/proto/namespaces/v1';
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { forEach } from '../../each.js';

export async function run(ctx: Context, [names]: [string[]]): Promise<number> {
  const client = openClient(ctx, NamespacesClient);
  return forEach(ctx, names, async (name) => {
    await unary(client, client.delete, DeleteNamespaceRequest.fromPartial({ name }), ctx.callOpts());
  });
}
