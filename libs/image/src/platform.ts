/**
 * Platforms (`os/architecture[/variant]`) and how they match, following containerd's
 * `platforms` package: architecture aliases are normalized (x86_64 → amd64, aarch64 → arm64,
 * armhf → arm/v7), arm64's variant v8 is its default and so is dropped, and plain arm means
 * arm/v7. An image built for an older variant runs on a newer one (arm/v6 on arm/v7).
 */
import { invalidArgument } from '@berth/errdefs';

/** The platform an image is built for, as OCI names it (`linux`, `arm64`, `v8`). */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

const COMPONENT_RE = /^[a-z0-9_-]+$/;

/**
 * Parses `os/architecture[/variant]` (e.g. `linux/arm64/v8`) and normalizes it.
 * @throws InvalidArgument when there are not two or three non-empty components.
 */
export function parsePlatform(s: string): Platform {
  const parts = s.toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !COMPONENT_RE.test(p))) {
    throw invalidArgument(
      `invalid platform ${JSON.stringify(s)}: expected os/architecture[/variant], e.g. linux/arm64`,
    );
  }
  const [os = '', architecture = '', variant] = parts;
  return normalizePlatform({ os, architecture, ...(variant !== undefined && { variant }) });
}

/** Returns `os/architecture[/variant]`. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((s) => s !== undefined && s !== '').join('/');
}

/**
 * Returns the platform of this process: linux and Node's `process.arch` in OCI terms
 * (x64 → amd64, arm64 → arm64/v8, arm → arm/v7, ia32 → 386, ppc64 → ppc64le; others, such
 * as s390x and riscv64, are spelled the same).
 */
export function defaultPlatform(): Platform {
  switch (process.arch) {
    case 'x64':
      return { os: 'linux', architecture: 'amd64' };
    case 'arm64':
      return { os: 'linux', architecture: 'arm64', variant: 'v8' };
    case 'arm':
      return { os: 'linux', architecture: 'arm', variant: 'v7' };
    case 'ia32':
      return { os: 'linux', architecture: '386' };
    case 'ppc64':
      // Node names little-endian ppc64 `ppc64` too; Node on Linux/POWER is little-endian only.
      return { os: 'linux', architecture: 'ppc64le' };
    default:
      return { os: 'linux', architecture: process.arch };
  }
}

/**
 * Returns `p` with aliases resolved and default variants made explicit or dropped, so that
 * equal platforms compare equal: `linux/aarch64/v8` → `linux/arm64`, `linux/arm` → `linux/arm/v7`.
 */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() ?? '';
  switch (architecture) {
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      architecture = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'i386':
      architecture = '386';
      variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (['8', 'v8', 'v8.0'].includes(variant)) variant = '';
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (/^[5-8]$/.test(variant)) variant = `v${variant}`;
      break;
  }
  return { os, architecture, ...(variant !== '' && { variant }) };
}

/**
 * Returns how well an image for `have` suits a host that wants `want`: undefined when it
 * cannot run there, 0 for the same variant, and a positive number for an older compatible
 * variant (the smaller, the closer). Both are normalized first.
 */
export function platformDistance(want: Platform, have: Platform): number | undefined {
  const w = normalizePlatform(want);
  const h = normalizePlatform(have);
  if (w.os !== h.os || w.architecture !== h.architecture) return undefined;
  if (w.variant === h.variant) return 0;
  const wv = variantLevel(w);
  const hv = variantLevel(h);
  return wv !== undefined && hv !== undefined && hv < wv ? wv - hv : undefined;
}

/** Reports whether an image built for `have` runs on a host that wants `want`. */
export function matchPlatform(want: Platform, have: Platform): boolean {
  return platformDistance(want, have) !== undefined;
}

// Variants are ordered versions (arm v5 < v6 < v7 < v8, amd64 v1 < v2 < v3 < v4, arm64
// v8 < v8.1 < … < v9); an absent variant is the architecture's baseline.
function variantLevel(p: Platform): number | undefined {
  const baseline = p.architecture === 'arm64' ? 8 : p.architecture === 'amd64' ? 1 : undefined;
  if (p.variant === undefined) return baseline;
  const m = /^v(\d+)(?:\.(\d+))?$/.exec(p.variant);
  return m ? Number(m[1]) + Number(m[2] ?? 0) / 100 : undefined;
}
