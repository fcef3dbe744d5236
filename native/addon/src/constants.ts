/**
 * Flag values for the calls in this package, read from the C headers the addon was built
 * with (so they are right for the running kernel's ABI, not copied by hand).
 */
import { addon } from './addon.js';

/** The flag constants exported by the addon. */
export interface NativeConstants {
  /** mount(2): mount read-only. */
  readonly MS_RDONLY: number;
  /** mount(2): ignore set-user/group-ID bits. */
  readonly MS_NOSUID: number;
  /** mount(2): no access to device files. */
  readonly MS_NODEV: number;
  /** mount(2): no program execution. */
  readonly MS_NOEXEC: number;
  /** mount(2): change the flags of an existing mount. */
  readonly MS_REMOUNT: number;
  /** mount(2): bind mount (source is a path). */
  readonly MS_BIND: number;
  /** mount(2): with MS_BIND or a propagation flag, apply to the whole subtree. */
  readonly MS_REC: number;
  /** mount(2): make the mount private (no propagation). */
  readonly MS_PRIVATE: number;
  /** mount(2): receive propagation but do not send it. */
  readonly MS_SLAVE: number;
  /** mount(2): make the mount shared. */
  readonly MS_SHARED: number;
  /** umount2(2): lazy unmount: detach now, clean up when no longer busy. */
  readonly MNT_DETACH: number;
  /** umount2(2): force the unmount (NFS and the like). */
  readonly MNT_FORCE: number;
  /** mknod(2) mode: character device (with 0:0, an overlayfs whiteout). */
  readonly S_IFCHR: number;
  /** mknod(2) mode: block device. */
  readonly S_IFBLK: number;
  /** mknod(2) mode: FIFO (named pipe). */
  readonly S_IFIFO: number;
  /** lsetxattr(2) flag: fail with EEXIST (AlreadyExists) if the attribute exists. */
  readonly XATTR_CREATE: number;
  /** lsetxattr(2) flag: fail with ENODATA if the attribute does not exist. */
  readonly XATTR_REPLACE: number;
}

const NAMES: readonly (keyof NativeConstants)[] = [
  'MS_RDONLY',
  'MS_NOSUID',
  'MS_NODEV',
  'MS_NOEXEC',
  'MS_REMOUNT',
  'MS_BIND',
  'MS_REC',
  'MS_PRIVATE',
  'MS_SLAVE',
  'MS_SHARED',
  'MNT_DETACH',
  'MNT_FORCE',
  'S_IFCHR',
  'S_IFBLK',
  'S_IFIFO',
  'XATTR_CREATE',
  'XATTR_REPLACE',
];

/**
 * The flag constants (MS_*, MNT_*, S_IF*, XATTR_*). Each property reads the addon on first
 * access, so importing this package never requires the addon to be built; reading a
 * constant without it throws FailedPrecondition.
 */
export const constants: NativeConstants = Object.freeze(
  Object.defineProperties(
    {},
    Object.fromEntries(NAMES.map((name) => [name, { enumerable: true, get: () => addon().constants[name] }])),
  ) as NativeConstants,
);
