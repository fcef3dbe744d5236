/**
 * `berth diff apply <digest> <key> [--media-type T]`: unpacks a layer blob from
 * the content store into the active snapshot <key> (Diff.Apply on its mounts)
 * and prints the applied diffID: the sha256 of the uncompressed tar, which an
 * image's config lists as rootfs.diff_ids.
 *
 * The descriptor carries the blob's size (content Info) and its media type:
 * --media-type, or sniffed from the blob's first four bytes.
 */
import { DiffClient } from '@berth/proto/diff/v1';
import { unary } from '@berth/grpc';
import { parseDigest } from '@berth/content';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { asUsage } from '../../usage.js';
import { openContent } from '../content/store.js';
import { openSnapshots, type SnapshotterOption } from '../snapshots/client.js';
import { mediaType, sniffMediaType } from './media.js';

export async function run(
  ctx: Context,
  [digest, key]: [string, string],
  opts: SnapshotterOption & { mediaType?: string },
): Promise<void> {
  asUsage(() => parseDigest(digest));
  const forced = opts.mediaType === undefined ? undefined : mediaType(opts.mediaType);
  const content = openContent(ctx);
  const { size } = await content.info(ctx.namespace, digest);
  const mounts = await openSnapshots(ctx, opts.snapshotter).mounts(key);
  const diffMediaType = forced ?? sniffMediaType(await head(content.read(ctx.namespace, digest, 0, 4)));
  const diff = openClient(ctx, DiffClient);
  const { applied } = await unary(
    diff,
    diff.apply,
    { diff: { mediaType: diffMediaType, digest, size, annotations: {} }, mounts, payloads: {} },
    ctx.callOpts(),
  );
  ctx.stdout.write((applied?.digest ?? '') + '\n');
}

/** The first bytes a read stream yields (up to 4). */
async function head(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunks) {
    parts.push(c);
    n += c.length;
    if (n >= 4) break;
  }
  return Buffer.concat(parts).subarray(0, 4);
}
