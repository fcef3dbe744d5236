/**
 * Mount bookkeeping for system tests that mount snapshots: find and remove
 * every mount a test left under its temp dir, even after a failure.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export { mountsUnder, umountAll } from '@berth/testkit';

/** Runs `script` with sh; throws with stderr on a non-zero exit. */
export async function sh(script: string): Promise<string> {
  return (await run('sh', ['-c', script])).stdout;
}
