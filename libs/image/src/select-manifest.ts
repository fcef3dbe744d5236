/**
 * Picks the manifest for a platform out of an index, as `docker pull --platform` does.
 */
import { notFound } from '@berth/errdefs';
import type { Descriptor, Index } from './manifest.js';
import { isManifest } from './media-types.js';
import { formatPlatform, normalizePlatform, platformDistance, type Platform } from './platform.js';

/**
 * Returns the index entry that best suits `want`: the same variant first, then the closest
 * older compatible variant, then (as containerd does) a manifest entry without a platform;
 * among equals, the first in the index. Only image manifests are considered, so nested
 * indexes and entries such as buildx attestations (`unknown/unknown`) are never returned.
 * @param indexDigest the index's digest, for the error message.
 * @throws NotFound "no manifest for linux/arm64 in index sha256:… (available: linux/amd64, …)".
 */
export function selectManifest(index: Index, want: Platform, indexDigest: string): Descriptor {
  let best: Descriptor | undefined;
  let bestScore = Infinity;
  for (const d of index.manifests) {
    if (!isManifest(d.mediaType)) continue;
    // No platform ranks after every compatible one; it is what single-entry indexes use.
    const score = d.platform === undefined ? Number.MAX_SAFE_INTEGER : platformDistance(want, d.platform);
    if (score !== undefined && score < bestScore) [best, bestScore] = [d, score];
  }
  if (best !== undefined) return best;
  throw notFound(
    `no manifest for ${formatPlatform(normalizePlatform(want))} in index ${indexDigest} (available: ${available(index)})`,
  );
}

function available(index: Index): string {
  const names = new Set<string>();
  for (const d of index.manifests) {
    if (d.platform !== undefined && d.platform.os !== 'unknown') names.add(formatPlatform(d.platform));
  }
  return names.size === 0 ? 'none' : [...names].join(', ');
}
