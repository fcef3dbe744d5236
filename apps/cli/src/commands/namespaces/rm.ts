/** `berth namespaces rm <name...>`: removes each namespace (the server refuses non-empty ones). */
import { NamespacesClient, DeleteNamespaceRequest } from '@berth/proto/namespaces/v1';
import { unary } from '@berth/grpc';
import { formatError } from '@berth/cli-kit';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';

export async function run(ctx: Context, [names]: [string[]]): Promise<number> {
  const client = openClient(ctx, NamespacesClient);
  let failed = 0;
  for (const name of names) {
    try {
      await unary(client, client.delete, DeleteNamespaceRequest.fromPartial({ name }), ctx.callOpts());
      ctx.stdout.write(name + '\n');
    } catch (err) {
      if (names.length === 1) throw err;
      ctx.stderr.write(formatError(err, { address: ctx.address }) + '\n');
      failed++;
    }
  }
  return failed ? 1 : 0;
}
