/** Layer media types, and the short names the `diff` commands accept for them. */
import { UsageError } from '../../usage.js';

export const MEDIA_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const MEDIA_TAR_GZIP = `${MEDIA_TAR}+gzip`;
export const MEDIA_TAR_ZSTD = `${MEDIA_TAR}+zstd`;

const SHORT: Record<string, string> = {
  tar: MEDIA_TAR,
  'tar+gzip': MEDIA_TAR_GZIP,
  gzip: MEDIA_TAR_GZIP,
  'tar+zstd': MEDIA_TAR_ZSTD,
  zstd: MEDIA_TAR_ZSTD,
};

/** Expands a short name (`tar`, `tar+gzip`, …); a full media type (containing `/`) passes as is. */
export function mediaType(name: string, allowed?: readonly string[]): string {
  const full = SHORT[name] ?? (name.includes('/') ? name : undefined);
  if (!full || (allowed && !allowed.includes(full)))
    throw new UsageError(
      `unknown media type ${JSON.stringify(name)} (use ${(allowed ?? Object.values(SHORT))
        .map((m) => Object.keys(SHORT).find((k) => SHORT[k] === m) ?? m)
        .join(', ')})`,
    );
  return full;
}

/** The media type a layer's first bytes suggest: gzip and zstd by their magic numbers, else plain tar. */
export function sniffMediaType(head: Uint8Array): string {
  if (head[0] === 0x1f && head[1] === 0x8b) return MEDIA_TAR_GZIP;
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return MEDIA_TAR_ZSTD;
  return MEDIA_TAR;
}
