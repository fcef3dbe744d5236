/**
 * Walks an image from its root descriptor in the content store: an index is
 * narrowed to the manifest for the wanted platform, then the manifest and its
 * config are read and verified. Shared by unpack, inspect, export and the CLI-facing calls.
 */
import { isIndex, parseConfig, parseIndex, parseManifest, selectManifest } from '@berth/image';
import type { Descriptor, ImageConfig, Manifest, Platform } from '@berth/image';
import type { ContentStore } from '@berth/content';

/** Reads a whole (small) blob: manifests, indexes and configs. */
export async function readBlob(content: ContentStore, ns: string, digest: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of content.read(ns, digest)) parts.push(chunk);
  return Buffer.concat(parts);
}

export interface ResolvedImage {
  /** The manifest chosen for the platform (the target itself when it is a manifest). */
  manifestDesc: Descriptor;
  manifest: Manifest;
  manifestJson: Buffer;
  config: ImageConfig;
  configJson: Buffer;
}

/** Resolves `target` to the platform's manifest and config, verifying every digest. */
export async function resolveImage(
  content: ContentStore,
  ns: string,
  target: Descriptor,
  platform: Platform,
): Promise<ResolvedImage> {
  let desc = target;
  if (isIndex(target.mediaType)) {
    const index = parseIndex(await readBlob(content, ns, target.digest), target.mediaType, target.digest);
    desc = selectManifest(index, platform, target.digest);
  }
  const manifestJson = await readBlob(content, ns, desc.digest);
  const manifest = parseManifest(manifestJson, desc.mediaType, desc.digest);
  const configJson = await readBlob(content, ns, manifest.config.digest);
  const config = parseConfig(configJson, manifest.config.digest);
  return { manifestDesc: desc, manifest, manifestJson, config, configJson };
}
