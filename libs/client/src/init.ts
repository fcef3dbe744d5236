/** The host binary `--init` runs as the container's pid 1 (bind-mounted at /sbin/docker-init). */
import { accessSync, constants } from 'node:fs';
import { failedPrecondition } from '@berth/errdefs';

/** Where an init is looked for, best first: static builds work in any image. */
export const INIT_CANDIDATES = ['/usr/bin/tini-static', '/usr/bin/tini', '/usr/bin/catatonit'] as const;

/**
 * Returns the first executable init binary on this host.
 *
 * @throws FailedPrecondition naming the paths tried and the Debian package to install.
 */
export function findInitBinary(candidates: readonly string[] = INIT_CANDIDATES): string {
  for (const p of candidates) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // try the next one
    }
  }
  throw failedPrecondition(
    `--init needs an init binary on this host, none found (${candidates.join(', ')}): apt-get install tini`,
  );
}
