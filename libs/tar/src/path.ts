/**
 * Path handling that keeps a layer inside its root: lexical cleaning of entry names and
 * symlink resolution scoped to the root (filepath-securejoin / containerd's fs.RootPath).
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { invalidArgument } from '@berth/errdefs';

/** Symlinks followed while resolving one path before giving up, as filepath-securejoin. */
export const MAX_SYMLINK_HOPS = 255;

/**
 * Returns `name` as a clean path relative to the layer root: leading `/` and `./` removed,
 * `.` and empty components dropped, `..` resolved lexically. Returns '' for the root itself.
 * Throws InvalidArgument when `..` would climb above the root ("path escapes from parent")
 * or the name holds a NUL byte.
 */
export function cleanEntryName(name: string, what = 'tar entry'): string {
  if (name.includes('\0')) throw invalidArgument(`${what} ${JSON.stringify(name)}: NUL byte in name`);
  // Fast path: already clean (the common case for layers written by docker/containerd/buildkit).
  if (
    name.length > 0 &&
    name.charCodeAt(0) !== 0x2f &&
    !name.includes('//') &&
    !/(^|\/)\.\.?(\/|$)/.test(name) &&
    !name.endsWith('/')
  ) {
    return name;
  }
  const out: string[] = [];
  for (const c of name.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (out.length === 0)
        throw invalidArgument(`${what} ${JSON.stringify(name)}: path escapes from parent`);
      out.pop();
      continue;
    }
    out.push(c);
  }
  return out.join('/');
}

function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/**
 * Resolves `rel` (components relative to `root`) with every symlink in it evaluated as if
 * `root` were `/`: absolute targets restart at the root, `..` stops at the root. Missing
 * components are kept as plain names. Returns the resolved path relative to the root
 * ('' for the root), which names no symlink in any component that exists.
 *
 * Throws InvalidArgument after MAX_SYMLINK_HOPS symlinks (a loop). Synchronous: one
 * lstat per component, one readlink per symlink.
 */
export function resolveInRoot(root: string, rel: string): string {
  const pending = components(rel).reverse();
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const c = pending.pop()!;
    if (c === '..') {
      resolved.pop();
      continue;
    }
    resolved.push(c);
    const candidate = `${root}/${resolved.join('/')}`;
    let st;
    try {
      st = lstatSync(candidate, { throwIfNoEntry: false });
    } catch (err) {
      // ENOTDIR: a parent is not a directory; the caller's operation will fail on it.
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      throw err;
    }
    if (st === undefined || !st.isSymbolicLink()) continue;
    if (++hops > MAX_SYMLINK_HOPS) {
      throw invalidArgument(`resolve ${JSON.stringify(rel)} in root: too many levels of symbolic links`);
    }
    resolved.pop();
    const target = readlinkSync(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    pending.push(...components(target).reverse());
  }
  return resolved.join('/');
}

/**
 * Joins `unsafePath` to `root` the way filepath-securejoin's SecureJoin does: symlinks in
 * every component (the last included) are resolved inside `root`, and `..` never climbs
 * above it, so the result always lies within `root`. `root` itself is trusted as given.
 * Throws InvalidArgument for a symlink loop. The result is only safe while nobody else
 * changes the tree under `root` (true of snapshots berth is unpacking).
 */
export function secureJoin(root: string, unsafePath: string): string {
  const rel = resolveInRoot(root, unsafePath);
  return rel === '' ? root : `${root}/${rel}`;
}
