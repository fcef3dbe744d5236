/**
 * `berth diff create <lower|""> <upper> [--media-type tar|tar+gzip] [--ref R] [--label k=v]…`:
 * writes the changes that turn <lower> into <upper> as a layer blob in the
 * content store (Diff.Diff) and prints its digest. The blob is labelled
 * `containerd.io/uncompressed` with the tar's sha256 (its diffID).
 *
 * Mounts as `ctr snapshots diff` takes them: an active snapshot or a view gives
 * its own; a committed one gets a temporary view (`diff-lower-…`, `diff-upper-…`),
 * removed afterwards however the diff ends. An empty <lower> means "nothing": the
 * blob then holds all of <upper>.
 */
import { DiffClient } from '@berth/proto/diff/v1';
import type { Mount } from '@berth/proto/types';
import { unary } from '@berth/grpc';
import { parseLabelArgs } from '@berth/labels';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { asUsage } from '../../usage.js';
import { openSnapshots, withMounts, type SnapshotterOption } from '../snapshots/client.js';
import { MEDIA_TAR, MEDIA_TAR_GZIP, mediaType } from './media.js';

interface CreateOptions extends SnapshotterOption {
  mediaType: string;
  ref?: string;
  label?: string[];
}

export async function run(
  ctx: Context,
  [lower, upper]: [string, string],
  opts: CreateOptions,
): Promise<void> {
  const type = mediaType(opts.mediaType, [MEDIA_TAR, MEDIA_TAR_GZIP]);
  const labels = asUsage(() => parseLabelArgs(opts.label ?? []));
  const s = openSnapshots(ctx, opts.snapshotter);
  const diff = openClient(ctx, DiffClient);
  const create = async (left: Mount[], right: Mount[]) =>
    unary(diff, diff.diff, { left, right, mediaType: type, ref: opts.ref ?? '', labels }, ctx.callOpts());
  const res = await withMounts(s, upper, 'diff-upper', (right) =>
    lower === '' ? create([], right) : withMounts(s, lower, 'diff-lower', (left) => create(left, right)),
  );
  ctx.stdout.write((res.diff?.digest ?? '') + '\n');
}
