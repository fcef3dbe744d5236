/** `berth network disconnect [-f] NETWORK CONTAINER`: takes a container off a network. */
import { isNotFound } from '@berth/errdefs';
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { networkCall, openNetworks, resolveContainerRef } from './lib.js';

export async function run(
  ctx: Context,
  [network, container]: [string, string],
  o: { force?: boolean },
): Promise<void> {
  const { id } = await resolveContainerRef(ctx, container);
  const net = openNetworks(ctx);
  try {
    await unary(net, net.disconnect, { containerId: id, network }, networkCall(ctx));
  } catch (err) {
    // -f: a container that is not on the network is fine (docker's force).
    if (!(o.force && isNotFound(err))) throw err;
  }
}
