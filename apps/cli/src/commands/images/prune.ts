/**
 * `berth image prune`: removes what no image in the namespace needs, through
 * berth-images' garbage collector (Transfer.Collect). It keeps what images
 * reach (their blobs' gc.ref labels and their structure: index → manifests →
 * config and layers → the layers' snapshots), what unexpired leases hold,
 * gc.root-labelled blobs and snapshots, and every active snapshot or view with
 * its parents. Committed snapshots outside that go first, then blobs.
 */
import { humanSize } from '@berth/cli-kit';
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { openImageClients } from './lib.js';

export async function run(ctx: Context): Promise<void> {
  const { transfer } = openImageClients(ctx);
  const r = await unary(transfer, transfer.collect, { dryRun: false }, ctx.callOpts());
  for (const name of r.removedSnapshots) ctx.stdout.write(`Deleted: snapshot ${name}\n`);
  for (const digest of r.removedContent) ctx.stdout.write(`Deleted: ${digest}\n`);
  ctx.stdout.write(`Total reclaimed space: ${humanSize(Number(r.reclaimedBytes))}\n`);
}
