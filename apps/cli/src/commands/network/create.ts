/**
 * `berth network create [-d bridge] [--subnet CIDR] [--gateway IP] [--ip-range CIDR]
 * [--internal] [-o com.docker.network.driver.mtu=N | --mtu N] [--label k=v] NAME`:
 * a user-defined bridge network with its own bridge device and subnet (from the pool
 * when none is given). Prints the new network's id, as docker does.
 */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { networkCall, openNetworks } from './lib.js';
import { createRequest, type CreateFlags } from './view.js';

export async function run(ctx: Context, [name]: [string], f: CreateFlags): Promise<void> {
  const req = asUsage(() => createRequest(name, f));
  const net = openNetworks(ctx);
  const { network } = await unary(net, net.create, req, networkCall(ctx));
  ctx.stdout.write(`${network?.id ?? ''}\n`);
}
