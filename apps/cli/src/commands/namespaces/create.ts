/** `berth namespaces create <name> [k=v...]`. */
import { NamespacesClient, CreateNamespaceRequest } from '@berth/proto/namespaces/v1';
import { unary } from '@berth/grpc';
import { parseLabelArgs } from '@berth/labels';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { asUsage } from '../../usage.js';

export async function run(ctx: Context, [name, args]: [string, string[]]): Promise<void> {
  const labels = asUsage(() => parseLabelArgs(args));
  const client = openClient(ctx, NamespacesClient);
  const req = CreateNamespaceRequest.fromPartial({ namespace: { name, labels } });
  await unary(client, client.create, req, ctx.callOpts());
  ctx.stdout.write(name + '\n');
}
