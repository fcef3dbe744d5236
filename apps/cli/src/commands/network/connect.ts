/**
 * `berth network connect [--alias A]… [--ip IP] NETWORK CONTAINER`: joins a container (with
 * its own network namespace) to one more network, as its next ethN.
 */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { networkCall, openNetworks, resolveContainerRef } from './lib.js';

export async function run(
  ctx: Context,
  [network, container]: [string, string],
  o: { alias?: string[]; ip?: string },
): Promise<void> {
  const { id } = await resolveContainerRef(ctx, container);
  const net = openNetworks(ctx);
  await unary(
    net,
    net.connect,
    { containerId: id, endpoint: { network, aliases: o.alias ?? [], ip: o.ip ?? '' } },
    networkCall(ctx),
  );
}
