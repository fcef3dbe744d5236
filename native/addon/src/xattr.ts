import { addon } from './addon.js';
import { call } from './errors.js';

/**
 * The xattr that marks an overlayfs upper directory as opaque (value `y`): entries of the
 * same directory in lower layers are hidden. Setting it needs CAP_SYS_ADMIN.
 */
export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';

// Every call uses the l* variant: on a symlink it acts on the link itself, never on its
// target, which may point anywhere (layers are untrusted input).

/**
 * Sets the extended attribute `name` of `path` (the link itself if `path` is a symlink)
 * to `value`. `flags` is 0 (create or replace), XATTR_CREATE or XATTR_REPLACE.
 *
 * Throws NotFound for a missing `path`, AlreadyExists for XATTR_CREATE on an existing
 * attribute, PermissionDenied when not allowed (e.g. `user.*` on a symlink, `trusted.*`
 * without CAP_SYS_ADMIN), Internal otherwise, e.g. ENOTSUP where the filesystem has no
 * xattrs or ENODATA for XATTR_REPLACE on a missing one (check with `errnoOf`).
 */
export function lsetxattr(path: string, name: string, value: Uint8Array, flags = 0): void {
  call(() => addon().lsetxattr(path, name, value, flags));
}

/**
 * Returns the value of the extended attribute `name` of `path` (the link itself if a
 * symlink), or undefined when it is not set. Throws NotFound for a missing `path`.
 */
export function lgetxattr(path: string, name: string): Buffer | undefined {
  return call(() => addon().lgetxattr(path, name));
}

/**
 * Returns the names of the extended attributes of `path` (the link itself if a symlink)
 * that the caller may see: without CAP_SYS_ADMIN, `trusted.*` names are left out.
 * Throws NotFound for a missing `path`.
 */
export function llistxattr(path: string): string[] {
  return call(() => addon().llistxattr(path));
}

/**
 * Removes the extended attribute `name` of `path` (the link itself if a symlink).
 * Throws NotFound for a missing `path`; an attribute that is not set fails with
 * Internal and `errnoOf(err) === 'ENODATA'`, so this is not idempotent by itself.
 */
export function lremovexattr(path: string, name: string): void {
  call(() => addon().lremovexattr(path, name));
}
