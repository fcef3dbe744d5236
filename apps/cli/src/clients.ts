/** Opening gRPC clients for a command; each is closed when the command ends. */
import type { Client } from '@grpc/grpc-js';
import { dial } from '@berth/grpc';
import { createContentProxy } from '@berth/content';
import type { Context } from './context.js';

/** Returns a ContentStore over the socket at ctx.address. */
export function openContent(ctx: Context): ReturnType<typeof createContentProxy> {
  const store = createContentProxy(ctx.address, 'berth');
  ctx.defer(() => store.close());
  return store;
}

/** Returns a generated client (`NamespacesClient`, `EventsClient`, …) dialled at ctx.address. */
export function openClient<C extends Client>(ctx: Context, Ctor: Parameters<typeof dial<C>>[0]): C {
  const client = dial(Ctor, ctx.address);
  ctx.defer(() => client.close());
  return client;
}
