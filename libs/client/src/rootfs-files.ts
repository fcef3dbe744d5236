/**
 * Reading a small file (/etc/passwd, /etc/group) out of a snapshot without
 * mounting it: berth runs on the engine's host, as root (like ctr), and the
 * snapshotter's mounts name host directories. An overlay is read layer by
 * layer, upper first, honouring whiteouts and opaque directories; a bind is
 * read from its source. Any other mount shape answers "absent".
 *
 * NOTE: opaque directories (trusted.overlay.opaque, which Node cannot read) are not honoured:
 * a lower layer's file under a directory that an upper layer replaced wholesale would show
 * through. Base images practically never do that to /etc/passwd.
 */
import { lstat, readFile, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Mount } from '@berth/proto/types';

/** The directories of a mount list, topmost first; undefined when it cannot be read this way. */
export function layerDirs(mounts: readonly Mount[]): string[] | undefined {
  if (mounts.length !== 1) return undefined;
  const m = mounts[0]!;
  if (m.type === 'bind') return [m.source];
  if (m.type !== 'overlay') return undefined;
  const opt = (k: string) => m.options.find((o) => o.startsWith(`${k}=`))?.slice(k.length + 1);
  const lower = opt('lowerdir');
  if (lower === undefined) return undefined;
  const dirs = lower.split(':');
  if (dirs.some((d) => !d.startsWith('/'))) return undefined;
  const upper = opt('upperdir');
  return upper ? [upper, ...dirs] : dirs;
}

/**
 * Returns the contents of `path` (absolute, inside the container) as the mounted snapshot
 * would show it, or undefined when it does not exist or cannot be read without mounting.
 * Symlinks are followed inside the snapshot (a few levels).
 */
export async function readSnapshotFile(mounts: readonly Mount[], path: string): Promise<string | undefined> {
  const dirs = layerDirs(mounts);
  if (!dirs) return undefined;
  let p = posix.resolve('/', path);
  for (let hops = 0; hops < 8; hops++) {
    const hit = await lookup(dirs, p);
    if (!hit) return undefined;
    const st = await lstat(hit);
    if (st.isFile()) return readFile(hit, 'utf8');
    if (!st.isSymbolicLink()) return undefined;
    const target = await readlink(hit);
    p = posix.resolve(posix.dirname(p), target);
  }
  return undefined;
}

/** The host path of the topmost layer entry for `p`, or undefined if it is absent or whited out. */
async function lookup(dirs: readonly string[], p: string): Promise<string | undefined> {
  const parts = p.split('/').filter(Boolean);
  for (const dir of dirs) {
    for (let i = 1; i <= parts.length; i++) {
      const st = await lstat(posix.join(dir, ...parts.slice(0, i))).catch(() => undefined);
      if (!st) break; // not in this layer: look further down
      // A whiteout (0/0 character device) hides the entry in every layer below.
      if (st.isCharacterDevice() && st.rdev === 0) return undefined;
      if (i === parts.length) return posix.join(dir, ...parts);
      if (!st.isDirectory()) return undefined;
    }
  }
  return undefined;
}
