/**
 * docker's copy-up: a new, empty volume mounted over a directory of the image gets that
 * directory's files first (owners, modes, times, symlinks, hard links, xattrs where the
 * filesystem allows), with `cp -a` from the container's mounted rootfs. The path is resolved
 * inside the rootfs, so an image's symlink cannot point the copy at the host.
 */
import { execFile } from 'node:child_process';
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { internal, invalidArgument } from '@berth/errdefs';

const run = promisify(execFile);
const MAX_LINKS = 40;

/**
 * Resolves `path` (absolute, in the container) to a host path under `root`, following
 * symlinks as if `root` were `/` (`..` never leaves it). Missing components are kept as they are.
 */
export async function resolveInRoot(root: string, path: string): Promise<string> {
  const todo = path.split('/').filter((p) => p !== '' && p !== '.');
  const cur: string[] = [];
  let links = 0;
  while (todo.length) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      cur.pop();
      continue;
    }
    const host = join(root, ...cur, part);
    const st = await lstat(host).catch(() => undefined);
    if (st?.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw invalidArgument(`${path}: too many levels of symbolic links`);
      const target = await readlink(host);
      if (target.startsWith('/')) cur.length = 0;
      todo.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
      continue;
    }
    cur.push(part);
  }
  return join(root, ...cur);
}

/**
 * Copies the image's directory at `destination` (under the mounted `rootfs`) into `target`,
 * the volume's (empty) data directory, taking the directory's own owner and mode too.
 * Returns false when the image has no directory there (nothing to copy).
 */
export async function copyUp(rootfs: string, destination: string, target: string): Promise<boolean> {
  const src = await resolveInRoot(rootfs, destination);
  const st = await lstat(src).catch(() => undefined);
  if (!st?.isDirectory()) return false;
  try {
    await run('cp', ['-a', '--', `${src}/.`, `${target}/`], { maxBuffer: 1 << 20 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw internal(`copying the image's ${destination} into its volume: ${(e.stderr || e.message).trim()}`);
  }
  return true;
}
