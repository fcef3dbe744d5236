/**
 * `berth network prune [-f]`: deletes every user-defined network no container uses and lists
 * them under "Deleted Networks:", as docker does (berth never prompts).
 */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { networkCall, openNetworks } from './lib.js';

export async function run(ctx: Context): Promise<void> {
  const net = openNetworks(ctx);
  const { deleted } = await unary(net, net.prune, {}, networkCall(ctx));
  if (deleted.length) ctx.stdout.write(`Deleted Networks:\n${deleted.map((n) => `${n}\n`).join('')}`);
}
