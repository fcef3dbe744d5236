/**
 * `berth volume prune [-a] [--filter label=…]`: removes the anonymous volumes no container
 * uses (every unused volume with -a, as docker 23+), then prints them and the space reclaimed.
 */
import { humanSize } from '@berth/cli-kit';
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { openVolumes } from './lib.js';

export async function run(ctx: Context, _args: [], o: { all?: boolean; filter?: string[] }): Promise<void> {
  const v = openVolumes(ctx);
  const r = await unary(v, v.prune, { all: o.all === true, filters: o.filter ?? [] }, ctx.callOpts());
  if (r.deleted.length) ctx.stdout.write(`Deleted Volumes:\n${r.deleted.map((n) => `${n}\n`).join('')}\n`);
  ctx.stdout.write(`Total reclaimed space: ${humanSize(Number(r.reclaimedBytes))}\n`);
}
