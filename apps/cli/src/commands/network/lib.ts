/** The berth.network.v1 client the network commands share, and container name resolution. */
import { unary } from '@berth/grpc';
import { NetworksClient } from '@berth/proto/berth/network/v1';
import { RuntimeClient } from '@berth/proto/berth/runtime/v1';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';

export const openNetworks = (ctx: Context): NetworksClient => openClient(ctx, NetworksClient);

/** Calls berth-network with its name in Unavailable messages. */
export const networkCall = (ctx: Context) => ({ ...ctx.callOpts(), service: 'berth-network' });

/** The full id and name of the container `ref` names (id, name or unique id prefix). */
export async function resolveContainerRef(ctx: Context, ref: string): Promise<{ id: string; name: string }> {
  const rt = openClient(ctx, RuntimeClient);
  return unary(rt, rt.resolve, { ref }, ctx.callOpts());
}
