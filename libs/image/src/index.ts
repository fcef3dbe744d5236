/**
 * @module @berth/image — pure logic about images, shared by the images service, the registry
 * client and the CLI: docker references, media types, manifest/index/config parsing with
 * digest checks, platform selection, chain IDs and containerd's GC labels. No I/O.
 */
export {
  parseReference,
  normalizeReference,
  formatReference,
  familiarName,
  repository,
  withTag,
  withDigest,
} from './reference.js';
export type { Reference } from './reference.js';
export {
  MediaType,
  baseMediaType,
  isManifest,
  isIndex,
  isConfig,
  isLayer,
  isSchema1,
  layerCompression,
} from './media-types.js';
export type { LayerCompression } from './media-types.js';
export type {
  Descriptor,
  DescriptorPlatform,
  Manifest,
  Index,
  ImageConfig,
  ContainerConfig,
  History,
} from './manifest.js';
export { detectMediaType, parseManifest, parseIndex, parseConfig } from './parse-manifest.js';
export {
  parsePlatform,
  formatPlatform,
  defaultPlatform,
  normalizePlatform,
  matchPlatform,
  platformDistance,
} from './platform.js';
export type { Platform } from './platform.js';
export { selectManifest } from './select-manifest.js';
export { chainIds, imageId, shortImageId } from './chain-id.js';
export {
  UNCOMPRESSED_LABEL,
  indexGcLabels,
  manifestGcLabels,
  configGcLabels,
  uncompressedLabel,
  distributionSourceLabel,
} from './gc-labels.js';
