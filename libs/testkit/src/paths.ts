/**
 * Where the repository and its built entry points are, as seen from the test process.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Returns the root of the berth checkout: `BERTH_HOME` when set, else the nearest
 * ancestor of this file that holds `nx.json` (works from both `src/` and `dist/`).
 */
export function repoRoot(): string {
  const fromEnv = process.env['BERTH_HOME'];
  if (fromEnv) return resolve(fromEnv);
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('testkit: cannot find the repository root (no nx.json above testkit)');
    dir = up;
  }
  return dir;
}

/** Returns the path of a service's built entry point, `<repo>/services/<name>/dist/main.js`. */
export function serviceEntry(name: string): string {
  return join(repoRoot(), 'services', name, 'dist', 'main.js');
}

/** Returns the path of the bundled CLI, `<repo>/apps/cli/dist/berth.mjs`. */
export function cliEntry(): string {
  return join(repoRoot(), 'apps', 'cli', 'dist', 'berth.mjs');
}

/** Returns the socket a service listens on under `state`: `berth.sock` for the gateway, else `<name>.sock`. */
export function socketPath(state: string, name: string): string {
  return join(state, name === 'gateway' ? 'berth.sock' : `${name}.sock`);
}
