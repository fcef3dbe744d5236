/**
 * Opening generated gRPC clients for a command; each is closed when the command
 * ends. Content has its own opener (commands/content/store.ts) so that commands
 * like `version` never load the content proxy and its protos.
 */
import type { Client } from '@grpc/grpc-js';
import { dial } from '@berth/grpc';
import type { Context } from './context.js';

/** Returns a generated client (`NamespacesClient`, `EventsClient`, …) dialled at ctx.address. */
export function openClient<C extends Client>(ctx: Context, Ctor: Parameters<typeof dial<C>>[0]): C {
  const client = dial(Ctor, ctx.address);
  ctx.defer(() => client.close());
  return client;
}
