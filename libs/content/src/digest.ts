/**
 * OCI digests: `algorithm:hex`. berth stores sha256 only (as containerd does by default);
 * other algorithms are rejected with a message that says so.
 */
import { invalidArgument } from '@berth/errdefs';

const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** Returns `d` if it is a valid sha256 digest, else throws InvalidArgument. */
export function parseDigest(d: string): string {
  if (SHA256.test(d)) return d;
  if (d === '') throw invalidArgument('digest must not be empty');
  const [alg, hex] = d.split(':', 2);
  if (hex === undefined)
    throw invalidArgument(`digest ${JSON.stringify(d)}: expected "sha256:<64 hex digits>"`);
  if (alg !== 'sha256') throw invalidArgument(`digest ${JSON.stringify(d)}: unsupported algorithm ${alg}`);
  throw invalidArgument(`digest ${JSON.stringify(d)}: expected 64 lowercase hex digits after "sha256:"`);
}

/** The hex part of a sha256 digest. */
export const digestHex = (d: string): string => d.slice('sha256:'.length);
