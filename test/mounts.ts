/**
 * Mount bookkeeping for system tests that mount snapshots: find and remove
 * every mount a test left under its temp dir, even after a failure.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

export const run = promisify(execFile);

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

/** Runs `script` with sh; throws with stderr on a non-zero exit. */
export async function sh(script: string): Promise<string> {
  return (await run('sh', ['-c', script])).stdout;
}
