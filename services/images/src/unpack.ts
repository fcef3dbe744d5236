/**
 * Unpacking an image into the snapshotter, the way containerd's client does it:
 * layer i becomes the committed snapshot named by its chain ID, prepared on the
 * previous chain ID, filled by Diff.Apply (whose returned digest must equal the
 * config's diffID), and committed. Layers already present — from another image
 * sharing them, or a concurrent unpack — are reused. The config blob is then
 * labelled with the top chain ID so garbage collection keeps the snapshots.
 */
import { randomBytes } from 'node:crypto';
import type { DiffClient } from '@berth/proto/diff/v1';
import { dataLoss, failedPrecondition, found, isAlreadyExists } from '@berth/errdefs';
import { unary } from '@berth/grpc';
import { chainIds, configGcLabels, uncompressedLabel } from '@berth/image';
import { setBlobLabels, type ContentStore } from '@berth/content';
import type { Snapshotter } from '@berth/snapshots';
import type { ResolvedImage } from './resolve.js';

export const SNAPSHOTTER = 'overlayfs';

export interface UnpackDeps {
  content: ContentStore;
  snapshots: Snapshotter;
  diff: DiffClient;
}

/** Applies every layer not yet present; returns the top chain ID. `onLayer` reports progress. */
export async function unpack(
  deps: UnpackDeps,
  ns: string,
  img: ResolvedImage,
  onLayer?: (digest: string, status: 'exists' | 'unpacking' | 'done') => void,
): Promise<string> {
  const diffIds = img.config.rootfs.diff_ids;
  if (diffIds.length !== img.manifest.layers.length)
    throw failedPrecondition(
      `image config lists ${diffIds.length} diffIDs but the manifest has ${img.manifest.layers.length} layers`,
    );
  const chain = chainIds(diffIds);
  let parent = '';
  for (const [i, layer] of img.manifest.layers.entries()) {
    const chainId = chain[i]!;
    if (await found(deps.snapshots.stat(ns, chainId))) onLayer?.(layer.digest, 'exists');
    else {
      onLayer?.(layer.digest, 'unpacking');
      await applyOne(deps, ns, layer, diffIds[i]!, chainId, parent);
      onLayer?.(layer.digest, 'done');
    }
    parent = chainId;
  }
  const top = chain[chain.length - 1] ?? '';
  const labels = configGcLabels(img.config, SNAPSHOTTER);
  await setBlobLabels(deps.content, ns, img.manifest.config.digest, labels);
  return top;
}

async function applyOne(
  deps: UnpackDeps,
  ns: string,
  layer: { mediaType: string; digest: string; size: number },
  diffId: string,
  chainId: string,
  parent: string,
): Promise<void> {
  const key = `extract-${Date.now()}-${randomBytes(4).toString('hex')} ${chainId}`;
  const mounts = await deps.snapshots.prepare(ns, key, parent);
  try {
    const { applied } = await unary(
      deps.diff,
      deps.diff.apply,
      {
        diff: { mediaType: layer.mediaType, digest: layer.digest, size: layer.size, annotations: {} },
        mounts: mounts.map((m) => ({ ...m, target: m.target ?? '' })),
        payloads: {},
      },
      { ns, service: 'berth-snapshotter' },
    );
    if (applied?.digest !== diffId)
      throw dataLoss(
        `layer ${layer.digest} unpacked to ${applied?.digest}, but the image config says ${diffId}`,
      );
    try {
      await deps.snapshots.commit(ns, chainId, key);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err; // a concurrent unpack of a shared layer won: use its snapshot
      await deps.snapshots.remove(ns, key);
    }
    const labels = uncompressedLabel(diffId);
    await setBlobLabels(deps.content, ns, layer.digest, labels);
  } catch (err) {
    await deps.snapshots.remove(ns, key).catch(() => undefined);
    throw err;
  }
}
