import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// nats-server, runc and iptables live in sbin directories that a non-login PATH may lack.
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Returns true when the test process runs as root, for `it.skipIf(!requiresRoot())` on privileged tests. */
export function requiresRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Returns the absolute path of executable `name` on PATH (or in an sbin directory), else undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...SBIN];
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** Returns true when executable `name` is available (see {@link findBinary}). */
export function hasBinary(name: string): boolean {
  return findBinary(name) !== undefined;
}
