/**
 * Media types of image content (OCI image-spec and Docker image manifest v2 schema 2), and
 * predicates over them. Predicates ignore media-type parameters (`; charset=utf-8`) and case,
 * since registries send them in Content-Type.
 */
import { invalidArgument } from '@berth/errdefs';

/** Known media types, named after containerd's `images.MediaType…` / `ocispec.MediaType…`. */
export const MediaType = {
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  DockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  /** Schema 1: recognised only to be rejected. */
  DockerSchema1Manifest: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1SignedManifest: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciLayer: 'application/vnd.oci.image.layer.v1.tar',
  OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OciLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  OciLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  OciLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  OciLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
} as const;

/** One of the known media types. */
export type MediaType = (typeof MediaType)[keyof typeof MediaType];

/** How a layer blob is compressed. */
export type LayerCompression = 'gzip' | 'zstd' | 'none';

const LAYERS: ReadonlyMap<string, LayerCompression> = new Map([
  [MediaType.DockerLayer, 'none'],
  [MediaType.DockerLayerGzip, 'gzip'],
  [MediaType.DockerLayerZstd, 'zstd'],
  [MediaType.DockerForeignLayerGzip, 'gzip'],
  [MediaType.OciLayer, 'none'],
  [MediaType.OciLayerGzip, 'gzip'],
  [MediaType.OciLayerZstd, 'zstd'],
  [MediaType.OciLayerNondistributable, 'none'],
  [MediaType.OciLayerNondistributableGzip, 'gzip'],
  [MediaType.OciLayerNondistributableZstd, 'zstd'],
]);

/** Returns the media type without parameters, lowercased: `A/B+json; charset=x` → `a/b+json`. */
export function baseMediaType(mediaType: string): string {
  const semi = mediaType.indexOf(';');
  return (semi < 0 ? mediaType : mediaType.slice(0, semi)).trim().toLowerCase();
}

/** Reports whether `mediaType` is a single-platform image manifest (Docker schema 2 or OCI). */
export function isManifest(mediaType: string): boolean {
  const m = baseMediaType(mediaType);
  return m === MediaType.DockerManifest || m === MediaType.OciManifest;
}

/** Reports whether `mediaType` is a multi-platform index (Docker manifest list or OCI index). */
export function isIndex(mediaType: string): boolean {
  const m = baseMediaType(mediaType);
  return m === MediaType.DockerManifestList || m === MediaType.OciIndex;
}

/** Reports whether `mediaType` is an image config (Docker or OCI). */
export function isConfig(mediaType: string): boolean {
  const m = baseMediaType(mediaType);
  return m === MediaType.DockerConfig || m === MediaType.OciConfig;
}

/** Reports whether `mediaType` is a layer (tar, compressed or not, including foreign layers). */
export function isLayer(mediaType: string): boolean {
  return LAYERS.has(baseMediaType(mediaType));
}

/** Reports whether `mediaType` is a Docker schema 1 manifest, which berth rejects. */
export function isSchema1(mediaType: string): boolean {
  const m = baseMediaType(mediaType);
  return m === MediaType.DockerSchema1Manifest || m === MediaType.DockerSchema1SignedManifest;
}

/**
 * Returns how a layer of `mediaType` is compressed.
 * @throws InvalidArgument when `mediaType` is not a layer media type.
 */
export function layerCompression(mediaType: string): LayerCompression {
  const compression = LAYERS.get(baseMediaType(mediaType));
  if (compression === undefined) {
    throw invalidArgument(`media type ${JSON.stringify(mediaType)} is not a layer media type`);
  }
  return compression;
}
