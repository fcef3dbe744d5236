/**
 * Small filesystem helpers for the extractor: removal without following symlinks, xattrs
 * with containerd's tolerance rules, device nodes. Every call acts on the path itself,
 * never on what a symlink there points to.
 */
import { lstatSync, rmSync, unlinkSync } from 'node:fs';
import { errnoOf, lsetxattr } from '@berth/native';
import { invalidArgument, wrap } from '@berth/errdefs';
import type { Logger } from '@berth/log';

/** Code of a node:fs or native error, or undefined. */
export const codeOf = (err: unknown): string | undefined => errnoOf(err);

/**
 * Removes whatever is at `abs` (a directory with its contents). Returns what was there:
 * 'dir', 'symlink', 'other', or undefined when nothing was. Never follows a symlink.
 */
export function removePath(abs: string): 'dir' | 'symlink' | 'other' | undefined {
  const st = lstatSync(abs, { throwIfNoEntry: false });
  if (st === undefined) return undefined;
  if (st.isDirectory()) {
    rmSync(abs, { recursive: true, force: true });
    return 'dir';
  }
  unlinkSync(abs);
  return st.isSymbolicLink() ? 'symlink' : 'other';
}

/** Xattr namespaces an image layer may not set: overlay's own bookkeeping and LSM labels. */
function refusedXattr(name: string): boolean {
  if (name.startsWith('trusted.overlay.')) return true;
  return name.startsWith('security.') && name !== 'security.capability';
}

/**
 * Sets the entry's xattrs on `abs`. Like containerd: ENOTSUP (filesystem without xattrs)
 * and EPERM for `user.*` on something other than a file or directory are logged and
 * skipped; any other failure is thrown. `trusted.overlay.*` and `security.*` other than
 * `security.capability` are never taken from a layer.
 */
export function setXattrs(
  abs: string,
  entry: string,
  xattrs: Map<string, Buffer>,
  regularOrDir: boolean,
  log: Logger,
): void {
  for (const [name, value] of xattrs) {
    if (refusedXattr(name)) {
      log.debug({ path: entry, xattr: name }, 'ignored xattr in layer');
      continue;
    }
    try {
      lsetxattr(abs, name, value);
    } catch (err) {
      const code = codeOf(err);
      if (
        code === 'ENOTSUP' ||
        code === 'EOPNOTSUPP' ||
        (code === 'EPERM' && name.startsWith('user.') && !regularOrDir)
      ) {
        log.warn({ err, path: entry, xattr: name }, 'ignored xattr in layer');
        continue;
      }
      throw wrap(err, `tar entry ${JSON.stringify(entry)}: set xattr ${name}`);
    }
  }
}

/** Throws InvalidArgument naming the entry. */
export function badEntry(entry: string, why: string): never {
  throw invalidArgument(`tar entry ${JSON.stringify(entry)}: ${why}`);
}
