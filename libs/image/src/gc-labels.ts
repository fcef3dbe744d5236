/**
 * Labels that tie image content together for containerd's garbage collector (see
 * shared/design/containerd-api.md §6): a parent's `containerd.io/gc.ref.content.*` labels keep
 * its children alive, and the config's `containerd.io/gc.ref.snapshot.<snapshotter>` label
 * keeps the unpacked snapshots alive. Key spellings are containerd's; ctr relies on them.
 */
import { invalidArgument } from '@berth/errdefs';
import { chainIds } from './chain-id.js';
import { checkDigest } from './digest.js';
import type { ImageConfig, Index, Manifest } from './manifest.js';
import { hostname, type Reference } from './reference.js';

type Labels = Record<string, string>;

const REF_CONTENT = 'containerd.io/gc.ref.content';
const REF_SNAPSHOT = 'containerd.io/gc.ref.snapshot';
const DISTRIBUTION_SOURCE = 'containerd.io/distribution.source';

/** The label on a compressed layer blob whose value is the layer's diff ID. */
export const UNCOMPRESSED_LABEL = 'containerd.io/uncompressed';

/** Returns the labels an index's blob carries: `containerd.io/gc.ref.content.m.<i>` → manifest digest. */
export function indexGcLabels(index: Index): Labels {
  return Object.fromEntries(index.manifests.map((d, i) => [`${REF_CONTENT}.m.${i}`, d.digest]));
}

/**
 * Returns the labels a manifest's blob carries: `containerd.io/gc.ref.content.config` → config
 * digest and `containerd.io/gc.ref.content.l.<i>` → layer digest.
 */
export function manifestGcLabels(manifest: Manifest): Labels {
  const labels: Labels = { [`${REF_CONTENT}.config`]: manifest.config.digest };
  manifest.layers.forEach((d, i) => (labels[`${REF_CONTENT}.l.${i}`] = d.digest));
  return labels;
}

/**
 * Returns the label an unpacked image's config blob carries:
 * `containerd.io/gc.ref.snapshot.<snapshotter>` → the chain ID of the top layer (the key of
 * its committed snapshot). Empty for an image without layers.
 * @throws InvalidArgument for an empty snapshotter name or an invalid diff ID.
 */
export function configGcLabels(config: ImageConfig, snapshotter: string): Labels {
  if (snapshotter === '') throw invalidArgument('snapshotter name must not be empty');
  const top = chainIds(config.rootfs.diff_ids).at(-1);
  return top === undefined ? {} : { [`${REF_SNAPSHOT}.${snapshotter}`]: top };
}

/**
 * Returns `{ "containerd.io/uncompressed": diffId }`, set on a compressed layer blob once its
 * diff ID is known.
 * @throws InvalidArgument when `diffId` is not a valid digest.
 */
export function uncompressedLabel(diffId: string): Labels {
  return { [UNCOMPRESSED_LABEL]: checkDigest(diffId, 'diff ID') };
}

/**
 * Returns the `containerd.io/distribution.source.<host>` label recording that a blob is in
 * `ref`'s repository, merged with the repositories `existing` labels already list. As in
 * containerd, `<host>` has no port and the value is a sorted, comma-separated set of paths:
 * `127.0.0.1:5000/test/busybox` → `{ "containerd.io/distribution.source.127.0.0.1": "test/busybox" }`.
 * Push uses it to offer a cross-repository mount.
 */
export function distributionSourceLabel(ref: Reference, existing: Readonly<Labels> = {}): Labels {
  const key = `${DISTRIBUTION_SOURCE}.${hostname(ref.domain)}`;
  const repos = new Set((existing[key] ?? '').split(',').filter((r) => r !== ''));
  repos.add(ref.path);
  return { [key]: [...repos].sort().join(',') };
}
