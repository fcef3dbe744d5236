/**
 * Leaves nothing behind after a suite that ran containers: every container
 * the suite's runtimes still know is force-deleted (which also ends its
 * berth-monitor), then every mount under the suite's temp dir is undone.
 * Only this suite's runtime roots are touched, never the host's.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';

const run = promisify(execFile);

/** Mount points at or below `dir`, deepest first (from /proc/self/mountinfo). */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
}

/** Unmounts everything at or below `dir` (lazily if busy); never throws. */
export async function umountAll(dir: string): Promise<void> {
  for (const p of mountsUnder(dir)) {
    await run('umount', [p]).catch(() => run('umount', ['-l', p]).catch(() => undefined));
  }
}

const subdirs = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

/**
 * Force-deletes the containers under berth-runtime's OCI runtime roots
 * (<state>/runtime/runc/<runtime name>/<namespace>).
 */
export async function reapContainers(state: string): Promise<void> {
  const base = join(state, 'runtime', 'runc');
  for (const name of await subdirs(base)) {
    // crun only works here through berth's wrapper (cgroup-hybrid hosts).
    const binary = name === 'crun' ? join(repoRoot(), 'services', 'runtime', 'bin', 'berth-crun') : name;
    for (const ns of await subdirs(join(base, name))) {
      const root = join(base, name, ns);
      for (const id of await subdirs(root)) {
        await run(binary, ['--root', root, 'delete', '--force', id]).catch(() => undefined);
      }
    }
  }
}
