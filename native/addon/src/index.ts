/**
 * @module @berth/native — the system calls Node lacks (mknod, xattrs, mount/umount2),
 * from a small N-API addon in C (native/addon/src/*.c), built by node-gyp.
 *
 * Every call is synchronous. Failures are BerthErrors (NotFound, AlreadyExists,
 * PermissionDenied, ResourceExhausted, else Internal) whose `.cause` is the system error
 * (`.code` such as 'EXDEV', `.errno`, `.syscall`, `.path`); use `errnoOf` to branch on an
 * errno. Invalid argument types throw a plain TypeError. The addon is loaded on first
 * use, from build/Release/berth_native.node or the path in `BERTH_NATIVE_ADDON`.
 */
export { constants, type NativeConstants } from './constants.js';
export { errnoOf } from './errors.js';
export { mknod, whiteout } from './mknod.js';
export { mount, umount2 } from './mount.js';
export { OVERLAY_OPAQUE_XATTR, lgetxattr, llistxattr, lremovexattr, lsetxattr } from './xattr.js';
