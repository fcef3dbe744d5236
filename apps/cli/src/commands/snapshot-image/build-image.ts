/**
 * The image config and manifest that `commit` and `import` write. Pure: the
 * callers store the bytes returned here in the content store.
 *
 * - commit: the base image's config with the new layer's diffID appended to
 *   rootfs.diff_ids, a history entry for it, the `-c` changes applied to its run
 *   defaults; the manifest lists the base layers plus the new one, in the base
 *   manifest's format (Docker schema 2 or OCI).
 * - import: a one-layer OCI image for the given platform.
 */
import { createHash } from 'node:crypto';
import {
  MediaType,
  manifestGcLabels,
  type ContainerConfig,
  type Descriptor,
  type History,
  type ImageConfig,
  type Manifest,
  type Platform,
} from '@berth/image';

const sha256Digest = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Docker schema 2 or OCI: decides every media type of the new image. */
export type ImageFormat = 'docker' | 'oci';

export const formatOf = (manifestMediaType: string): ImageFormat =>
  manifestMediaType === MediaType.DockerManifest ? 'docker' : 'oci';

const CONFIG_TYPE: Record<ImageFormat, string> = {
  docker: MediaType.DockerConfig,
  oci: MediaType.OciConfig,
};
const MANIFEST_TYPE: Record<ImageFormat, string> = {
  docker: MediaType.DockerManifest,
  oci: MediaType.OciManifest,
};

/** The media type of a layer blob in `format`, from its compression. */
export function layerMediaType(format: ImageFormat, compression: 'gzip' | 'zstd' | 'none'): string {
  if (format === 'docker')
    return compression === 'gzip'
      ? MediaType.DockerLayerGzip
      : compression === 'zstd'
        ? MediaType.DockerLayerZstd
        : MediaType.DockerLayer;
  return compression === 'gzip'
    ? MediaType.OciLayerGzip
    : compression === 'zstd'
      ? MediaType.OciLayerZstd
      : MediaType.OciLayer;
}

/** A blob to store: its bytes, descriptor and the labels it carries. */
export interface Blob {
  bytes: Buffer;
  descriptor: Descriptor;
  labels: Record<string, string>;
}

function blob(mediaType: string, value: unknown, labels: Record<string, string> = {}): Blob {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length }, labels };
}

/** What is known about a new layer. */
export interface NewLayer {
  /** The blob as stored (media type already in the image's format). */
  descriptor: Descriptor;
  /** sha256 of the uncompressed tar. */
  diffId: string;
}

export interface CommitOptions {
  created: Date;
  author?: string;
  comment?: string;
  /** What made the layer (docker: the container's command). */
  createdBy: string;
  /** The run defaults after the `-c` changes. */
  config: ContainerConfig;
}

/** Config JSON values of fields this module sets or clears. */
type ConfigJson = Record<string, unknown> & { rootfs: { type: string; diff_ids: string[] } };

/**
 * The committed image's config: `base` (unknown fields kept) with the new layer and its
 * history entry. History is padded with placeholder steps when the base has fewer
 * layer-adding steps than layers, so `history` keeps matching steps to layers.
 */
export function commitConfig(base: ImageConfig, layer: NewLayer, o: CommitOptions): ConfigJson {
  const baseIds = base.rootfs?.diff_ids ?? [];
  const history: History[] = [...(base.history ?? [])];
  const layerSteps = history.filter((h) => !h.empty_layer).length;
  for (let i = layerSteps; i < baseIds.length; i++) history.push({});
  const created = o.created.toISOString();
  history.push({
    created,
    created_by: o.createdBy,
    ...(o.author ? { author: o.author } : {}),
    ...(o.comment ? { comment: o.comment } : {}),
  });
  const out: ConfigJson = {
    ...(base as unknown as Record<string, unknown>),
    created,
    config: o.config,
    rootfs: { type: 'layers', diff_ids: [...baseIds, layer.diffId] },
    history,
  };
  // The author is the commit's, not the base image's (docker sets it from -a alone).
  if (o.author) out.author = o.author;
  else delete out.author;
  // These describe the container that built the base image, not this one.
  delete out.container;
  delete out.container_config;
  return out;
}

export interface ImportOptions {
  created: Date;
  platform: Platform;
  comment: string;
  config: ContainerConfig;
}

/** The config of an image made from one rootfs tarball. */
export function importConfig(layer: NewLayer, o: ImportOptions): ConfigJson {
  const created = o.created.toISOString();
  return {
    created,
    architecture: o.platform.architecture,
    os: o.platform.os,
    ...(o.platform.variant ? { variant: o.platform.variant } : {}),
    config: o.config,
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created, comment: o.comment }],
  };
}

/** The config and manifest blobs of an image, with the GC labels containerd's importer sets. */
export interface ImageBlobs {
  config: Blob;
  manifest: Blob;
}

/** Serialises `config` and a manifest listing `layers` in `format`. */
export function imageBlobs(
  format: ImageFormat,
  config: ConfigJson,
  layers: readonly Descriptor[],
): ImageBlobs {
  const cfg = blob(CONFIG_TYPE[format], config);
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE[format],
    config: cfg.descriptor,
    layers: layers.map(plainDescriptor),
  };
  return { config: cfg, manifest: blob(manifest.mediaType, manifest, manifestGcLabels(manifest)) };
}

/** A descriptor with only the fields a manifest lists (no platform). */
function plainDescriptor(d: Descriptor): Descriptor {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.urls?.length ? { urls: d.urls } : {}),
    ...(d.annotations && Object.keys(d.annotations).length ? { annotations: d.annotations } : {}),
  };
}
