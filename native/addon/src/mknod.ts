import { addon } from './addon.js';
import { constants } from './constants.js';
import { call } from './errors.js';

/**
 * Creates a filesystem node at `path` with mknod(2): `mode` is a type (S_IFCHR, S_IFBLK,
 * S_IFIFO from `constants`) or'ed with permission bits (the umask applies); `major` and
 * `minor` give the device number (ignored for FIFOs). Devices need CAP_MKNOD.
 *
 * Throws NotFound when the parent directory is missing, AlreadyExists when `path` exists,
 * PermissionDenied without the capability, Internal otherwise; the system error stays in
 * `.cause` (see `errnoOf`). Not idempotent.
 */
export function mknod(path: string, mode: number, major: number, minor: number): void {
  call(() => addon().mknod(path, mode, major, minor));
}

/**
 * Creates an overlayfs whiteout at `path`: a character device 0:0 with no permission bits,
 * which hides the same name in lower layers. Same errors as `mknod` (AlreadyExists if
 * `path` exists; callers replacing a file remove it first).
 */
export function whiteout(path: string): void {
  mknod(path, constants.S_IFCHR, 0, 0);
}
