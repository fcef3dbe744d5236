/**
 * Disk usage of a directory tree: apparent bytes of regular files (each inode
 * counted once, so hardlinks are not double-counted) and the number of inodes.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function diskUsage(dir: string): Promise<{ size: number; inodes: number }> {
  const seen = new Set<number>();
  let size = 0;
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p);
    if (seen.has(st.ino)) return;
    seen.add(st.ino);
    if (st.isFile()) size += st.size;
    if (st.isDirectory()) for (const name of await readdir(p)) await walk(join(p, name));
  };
  await walk(dir);
  return { size, inodes: seen.size };
}
