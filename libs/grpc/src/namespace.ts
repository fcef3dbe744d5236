/**
 * The namespace a call runs in, from the `containerd-namespace` metadata header
 * (containerd's name for it, so `ctr` works unchanged). Default `default`.
 */
import type { Metadata } from '@grpc/grpc-js';
import { invalidArgument } from '@berth/errdefs';

export const NAMESPACE_KEY = 'containerd-namespace';
export const LEASE_KEY = 'containerd-lease';
export const DEFAULT_NAMESPACE = 'default';

// containerd's identifier rule: alphanumerics separated by single `.`, `_` or `-`, at most 76 chars.
const IDENT = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

/** Throws InvalidArgument unless `name` is a valid namespace (or other identifier). */
export function validateIdentifier(name: string, what = 'namespace'): string {
  if (name.length === 0) throw invalidArgument(`${what}: must not be empty`);
  if (name.length > 76) throw invalidArgument(`${what} ${JSON.stringify(name)}: longer than 76 characters`);
  if (!IDENT.test(name))
    throw invalidArgument(
      `${what} ${JSON.stringify(name)}: must be letters and digits separated by single '.', '_' or '-'`,
    );
  return name;
}

/** Returns the validated namespace of a call, `default` when the header is absent. */
export function namespaceOf(md: Metadata): string {
  const v = md.get(NAMESPACE_KEY)[0];
  return validateIdentifier(typeof v === 'string' && v !== '' ? v : DEFAULT_NAMESPACE);
}

/** Returns the lease a call carries, if any. */
export function leaseOf(md: Metadata): string | undefined {
  const v = md.get(LEASE_KEY)[0];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
