import { posix } from 'node:path';
import { invalidArgument } from '@berth/errdefs';
import type { Mount } from './types.js';

// Flag pairs where the later one in a list wins over the earlier (Docker's MergeTmpfsOptions).
const OPPOSITES: Record<string, string> = {
  ro: 'rw',
  rw: 'ro',
  exec: 'noexec',
  noexec: 'exec',
  suid: 'nosuid',
  nosuid: 'suid',
  dev: 'nodev',
  nodev: 'dev',
  atime: 'noatime',
  noatime: 'atime',
  diratime: 'nodiratime',
  nodiratime: 'diratime',
};

/**
 * Returns the tmpfs mount `--tmpfs dest:options` makes: Docker's defaults `noexec,nosuid,nodev`
 * and `rprivate`, then the user's comma-separated options, later ones winning (`exec` cancels
 * `noexec`; a repeated `size=` keeps the last).
 *
 * @throws InvalidArgument when `destination` is not an absolute path.
 */
export function tmpfsMount(destination: string, options = ''): Mount {
  if (!destination.startsWith('/'))
    throw invalidArgument(
      `invalid mount config for type "tmpfs": mount path must be absolute: ${destination}`,
    );
  const merged: string[] = [];
  for (const opt of [
    'noexec',
    'nosuid',
    'nodev',
    'rprivate',
    ...options.split(',').filter((o) => o !== ''),
  ]) {
    const eq = opt.indexOf('=');
    const key = eq < 0 ? opt : opt.slice(0, eq + 1);
    for (let i = merged.length - 1; i >= 0; i--) {
      const m = merged[i]!;
      if (m === opt || m === OPPOSITES[opt] || (eq >= 0 && m.startsWith(key))) merged.splice(i, 1);
    }
    merged.push(opt);
  }
  return { destination: posix.normalize(destination), type: 'tmpfs', source: 'tmpfs', options: merged };
}

/**
 * Returns `base` with every mount replaced by the mount in `overrides` at the same destination,
 * ordered parents first (stable by path depth) so that a mount over /dev precedes /dev/pts.
 */
export function overlayMounts(base: readonly Mount[], overrides: readonly Mount[]): Mount[] {
  const taken = new Set(overrides.map((m) => posix.normalize(m.destination)));
  const all = [...base.filter((m) => !taken.has(m.destination)), ...overrides];
  const depth = (m: Mount) =>
    posix
      .normalize(m.destination)
      .split('/')
      .filter((p) => p !== '').length;
  return all
    .map((m, i) => ({ m, i }))
    .sort((a, b) => depth(a.m) - depth(b.m) || a.i - b.i)
    .map(({ m }) => m);
}
