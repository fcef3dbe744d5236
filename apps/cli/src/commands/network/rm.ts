/**
 * `berth network rm NETWORK...`: deletes user-defined networks no container uses (with their
 * bridge devices and rules), printing each one removed.
 */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { forEach } from '../../each.js';
import { networkCall, openNetworks } from './lib.js';

export async function run(ctx: Context, [names]: [string[]]): Promise<number> {
  const net = openNetworks(ctx);
  return forEach(ctx, names, async (name) => {
    await unary(net, net.delete, { name }, networkCall(ctx));
  });
}
