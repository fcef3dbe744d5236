import { addon } from './addon.js';
import { call } from './errors.js';

/**
 * Mounts with mount(2): `source` (a device, a directory for MS_BIND, or a label such as
 * `overlay`; null when unused), on `target`, of filesystem type `fstype` (null for bind
 * mounts, remounts and propagation changes), with MS_* `flags` from `constants` and
 * filesystem options `data` (e.g. overlay's `lowerdir=…,upperdir=…,workdir=…`).
 * A read-only bind mount takes two calls: MS_BIND, then MS_REMOUNT | MS_BIND | MS_RDONLY.
 *
 * Needs CAP_SYS_ADMIN (PermissionDenied without it). Throws NotFound for a missing
 * `target` or `source`; other failures (EINVAL, ENODEV, EBUSY, …) are Internal with the
 * errno available through `errnoOf`. The error's path is `target`.
 */
export function mount(
  source: string | null,
  target: string,
  fstype: string | null,
  flags: number,
  data: string | null = null,
): void {
  call(() => addon().mount(source, target, fstype, flags, data));
}

/**
 * Unmounts `target` with umount2(2); `flags` is 0 or MNT_DETACH / MNT_FORCE from
 * `constants`. Throws Internal with `errnoOf(err) === 'EINVAL'` when `target` is not a
 * mount point (callers that want idempotency check for it), EBUSY when it is in use
 * without MNT_DETACH, NotFound when `target` does not exist.
 */
export function umount2(target: string, flags = 0): void {
  call(() => addon().umount2(target, flags));
}
