import { invalidArgument } from '@berth/errdefs';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from './constants.js';

/**
 * Returns the capability set of a container, Docker's way (`oci/caps.TweakCapabilities`):
 * privileged gets every capability; `ALL` in `capAdd` starts from every capability minus
 * `capDrop`; `ALL` in `capDrop` keeps only `capAdd`; otherwise the default set minus `capDrop`
 * plus `capAdd`. Names are case-insensitive, with or without `CAP_`.
 *
 * @throws InvalidArgument for an unknown capability (`unknown capability: "CAP_FOO"`).
 */
export function capabilitiesFor(
  capAdd: readonly string[] = [],
  capDrop: readonly string[] = [],
  privileged = false,
): string[] {
  if (privileged) return [...ALL_CAPABILITIES];
  const add = normalize(capAdd);
  const drop = normalize(capDrop);
  if (add.all) return ALL_CAPABILITIES.filter((c) => !drop.caps.has(c));
  if (drop.all) return [...add.caps];
  const caps = DEFAULT_CAPABILITIES.filter((c) => !drop.caps.has(c));
  for (const c of add.caps) if (!caps.includes(c)) caps.push(c);
  return caps;
}

/** Returns `CAP_`-prefixed upper-case `name`, e.g. `net_admin` → `CAP_NET_ADMIN`. */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

function normalize(names: readonly string[]): { all: boolean; caps: Set<string> } {
  let all = false;
  const caps = new Set<string>();
  for (const name of names) {
    const cap = normalizeCapability(name);
    if (cap === 'CAP_ALL') {
      all = true;
      continue;
    }
    if (!ALL_CAPABILITIES.includes(cap)) throw invalidArgument(`unknown capability: "${cap}"`);
    caps.add(cap);
  }
  return { all, caps };
}
