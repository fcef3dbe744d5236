/**
 * `berth export [-o FILE] CONTAINER`: the container's filesystem as one flat tar
 * (no whiteouts, no layers), to FILE or to stdout (never to a terminal), as
 * docker export.
 *
 * The tar is made server-side: Diff.Diff from nothing to a read-only mount of the
 * container's snapshot (its upper dir stacked as the top lower layer, so nothing
 * writes into it, even while the container runs), media type plain tar. The blob
 * is made under a lease, streamed out with Content.Read and then deleted again.
 * A failed export removes FILE.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { unary } from '@berth/grpc';
import { failedPrecondition } from '@berth/errdefs';
import { MediaType } from '@berth/image';
import type { Context } from '../../context.js';
import { UsageError } from '../../usage.js';
import { Engine, SNAPSHOTTER, randomSuffix } from './engine.js';
import { readOnlyMounts } from './pure.js';

interface ExportOptions {
  output?: string;
}

export async function run(ctx: Context, [ref]: [string], opts: ExportOptions): Promise<void> {
  if (!opts.output && ctx.stdout.isTTY)
    throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const e = new Engine(ctx);
  const container = await e.container(ref);
  const snapshotter = container.snapshotter || SNAPSHOTTER;
  const key = container.snapshotKey;
  if (!key) throw failedPrecondition(`container ${container.id} has no snapshot to export`);
  await e.withLease('export', async () => {
    try {
      const { mounts } = await unary(e.snapshots, e.snapshots.mounts, { snapshotter, key }, e.opts());
      const started = new Date();
      const { diff } = await unary(
        e.diff,
        e.diff.diff,
        {
          left: [],
          right: readOnlyMounts(mounts),
          mediaType: MediaType.OciLayer,
          ref: `berth-export-${container.id.slice(0, 12)}-${randomSuffix()}`,
          labels: {},
        },
        e.opts(),
      );
      if (!diff) throw failedPrecondition('the diff service returned no tar');
      await e.noteCreated(diff.digest, started);
      await copyBlob(e, diff.digest, opts.output);
    } finally {
      await e.discardCreated();
    }
  });
}

/** Streams blob `digest` to `output` (or stdout); a failed copy removes `output`. */
async function copyBlob(e: Engine, digest: string, output: string | undefined): Promise<void> {
  const src = Readable.from(e.content.read(e.ns, digest));
  if (!output) return pipeline(src, e.ctx.stdout, { end: false });
  try {
    await pipeline(src, createWriteStream(output));
  } catch (err) {
    await rm(output, { force: true });
    throw err;
  }
}
