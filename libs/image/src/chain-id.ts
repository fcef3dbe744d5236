/**
 * Chain IDs and image IDs, per the OCI image spec (config.md, "Layer ChainID"):
 *
 *   ChainID(L0) = DiffID(L0)
 *   ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))
 *
 * A chain ID names a layer together with everything below it, so unpack uses it as the
 * snapshot key: two images sharing base layers share those snapshots.
 */
import { checkDigest, sha256Digest } from './digest.js';

/**
 * Returns the chain ID of each prefix of `diffIds` (base layer first); the last one names the
 * whole stack. Empty in, empty out.
 * @throws InvalidArgument when a diff ID is not a valid digest.
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const [i, diffId] of diffIds.entries()) {
    checkDigest(diffId, `diff ID ${i}`);
    const parent = out[i - 1];
    out.push(parent === undefined ? diffId : sha256Digest(`${parent} ${diffId}`));
  }
  return out;
}

/**
 * Returns the image ID for an image whose config has digest `configDigest`. As in docker,
 * the image ID is the config digest; `berth images` shows the first 12 hex digits.
 * @throws InvalidArgument when `configDigest` is not a valid digest.
 */
export function imageId(configDigest: string): string {
  return checkDigest(configDigest, 'config digest');
}

/** Returns the 12-hex-digit short form of an image ID, as `docker images` shows it. */
export function shortImageId(id: string): string {
  return id.slice(id.indexOf(':') + 1, id.indexOf(':') + 13);
}
