/**
 * Digest helpers shared by references, manifests and chain IDs: `algorithm:hex`, with the
 * algorithms node:crypto can verify (sha256, sha384, sha512), as go-digest registers them.
 */
import { createHash } from 'node:crypto';
import { failedPrecondition, invalidArgument } from '@berth/errdefs';

const HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Returns why `d` is not a valid digest, or undefined when it is.
 * @internal
 */
export function digestProblem(d: string): string | undefined {
  const colon = d.indexOf(':');
  if (colon < 0) return 'expected "algorithm:hex", e.g. "sha256:<64 hex digits>"';
  const algorithm = d.slice(0, colon);
  const hex = d.slice(colon + 1);
  const want = HEX_LENGTH[algorithm];
  if (want === undefined) return `unsupported digest algorithm ${JSON.stringify(algorithm)}`;
  if (!/^[a-f0-9]*$/.test(hex)) return `expected lowercase hex digits after "${algorithm}:"`;
  if (hex.length !== want) return `expected ${want} hex digits after "${algorithm}:", got ${hex.length}`;
  return undefined;
}

/**
 * Returns `d` if it is a valid digest, else throws InvalidArgument naming what is wrong.
 * @internal
 */
export function checkDigest(d: string, what = 'digest'): string {
  const problem = digestProblem(d);
  if (problem !== undefined) throw invalidArgument(`invalid ${what} ${JSON.stringify(d)}: ${problem}`);
  return d;
}

/**
 * Returns the sha256 digest of `data` (`sha256:<hex>`).
 * @internal
 */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * Throws FailedPrecondition "<what> <expected> does not match its content" unless `bytes`
 * hash to `expected` (whose algorithm picks the hash).
 * @internal
 */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): void {
  checkDigest(expected, `${what} digest`);
  const algorithm = expected.slice(0, expected.indexOf(':'));
  const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
  if (actual !== expected) {
    throw failedPrecondition(`${what} ${expected} does not match its content (content is ${actual})`);
  }
}
