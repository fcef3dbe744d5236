/**
 * Keeps a spec's capabilities within what this host can grant. runc fails the
 * whole container ("operation not permitted") when asked for a capability
 * outside its own bounding set — e.g. `--privileged` (every capability) in a
 * sandbox without CAP_SYS_RESOURCE. Docker's daemon clamps the same way.
 */
import { readFileSync } from 'node:fs';
import { ALL_CAPABILITIES } from '@berth/oci-spec';

/** Capability names in the CapBnd mask of a /proc/<pid>/status text (bit n = kernel cap n). */
export function boundingSet(status: string): Set<string> {
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (!hex) return new Set(ALL_CAPABILITIES);
  const mask = BigInt(`0x${hex}`);
  return new Set(ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n));
}

let ours: Set<string> | undefined;
/** This process's bounding set (read once: it never grows). */
export const hostCapabilities = (): Set<string> =>
  (ours ??= boundingSet(readFileSync('/proc/self/status', 'utf8')));

type Caps = Partial<Record<'bounding' | 'effective' | 'inheritable' | 'permitted' | 'ambient', string[]>>;

/** Drops from every set of `caps` what `allowed` lacks; returns the dropped names. */
export function clampCapabilities(caps: Caps | undefined, allowed: Set<string>): string[] {
  const dropped = new Set<string>();
  if (!caps) return [];
  for (const k of Object.keys(caps) as Array<keyof Caps>) {
    const list = caps[k];
    if (!list) continue;
    caps[k] = list.filter((c) => allowed.has(c) || (dropped.add(c), false));
  }
  return [...dropped];
}
