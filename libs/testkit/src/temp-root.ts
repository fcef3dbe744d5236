import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private temporary directory and the way to remove it. */
export interface TempRoot {
  /** Absolute path of the new, empty directory. */
  dir: string;
  /** Removes the directory and everything below it; idempotent. */
  cleanup(): Promise<void>;
}

/**
 * Creates a fresh directory `<os.tmpdir()>/<prefix>XXXXXX`.
 * Keep `prefix` short: unix socket paths below it must stay under 108 bytes.
 */
export function tempRoot(prefix = 'berth-'): TempRoot {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 3 }),
  };
}
