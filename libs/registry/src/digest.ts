/** Content digests (`sha256:<hex>`): validation and verification of bytes already in memory. */
import { createHash } from 'node:crypto';
import { dataLoss, invalidArgument } from '@berth/errdefs';

const DIGEST = /^(sha256|sha384|sha512):([a-f0-9]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** Reports whether `ref` looks like a digest rather than a tag. */
export function isDigest(ref: string): boolean {
  return ref.includes(':');
}

/** Returns `[algorithm, hex]` of a well-formed digest, or throws InvalidArgument. */
export function parseDigest(digest: string): [string, string] {
  const m = DIGEST.exec(digest);
  if (!m || m[2]?.length !== HEX_LENGTH[m[1] ?? ''])
    throw invalidArgument(`invalid digest ${JSON.stringify(digest)}`);
  return [m[1] as string, m[2] as string];
}

/** Returns the sha256 digest of `bytes`. */
export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Throws DataLoss naming `what` unless `bytes` hash to `digest`. */
export function verifyBytes(bytes: Buffer, digest: string, what: string): void {
  const [alg, hex] = parseDigest(digest);
  const got = createHash(alg).update(bytes).digest('hex');
  if (got !== hex) throw dataLoss(`${what}: content has digest ${alg}:${got}, expected ${digest}`);
}
