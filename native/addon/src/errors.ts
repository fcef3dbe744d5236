/**
 * Mapping of the addon's system errors to BerthErrors, and `errnoOf` to get the errno
 * name back for the cases a kind does not capture (ENOTSUP, EXDEV, EROFS, …).
 */
import { BerthError, fromSystemError } from '@berth/errdefs';

/** A system error as thrown by the addon (and by node:fs): `.code` is the errno name. */
interface SystemError extends Error {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
}

const ERRNO_NAME = /^E[A-Z0-9]+$/;

function isSystemError(err: unknown): err is SystemError {
  const e = err as Partial<SystemError> | null;
  return (
    err instanceof Error &&
    typeof e?.code === 'string' &&
    ERRNO_NAME.test(e.code) &&
    typeof e.errno === 'number' &&
    typeof e.syscall === 'string'
  );
}

/**
 * Returns the errno name (`'ENOENT'`, `'EXDEV'`, …) of `err` or of the first system error
 * in its `.cause` chain, or undefined when there is none. Use it for errnos whose meaning
 * depends on the caller, e.g. falling back to a copy on EXDEV or skipping xattrs on ENOTSUP.
 * Works on errors from this package and from node:fs alike.
 */
export function errnoOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 16; depth++) {
    if (isSystemError(e)) return e.code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns a system error from the addon into a BerthError whose kind comes from
 * `fromSystemError` (ENOENT → NotFound, EEXIST → AlreadyExists, EPERM/EACCES →
 * PermissionDenied, ENOSPC → ResourceExhausted, else Internal), keeping the system error as
 * `.cause`. Anything else (a TypeError for a bad argument, an already-typed BerthError) is
 * returned unchanged: bugs stay plain errors (STYLE.md §4.5).
 *
 * @internal
 */
export function toBerthError(err: unknown): unknown {
  if (!isSystemError(err)) return err;
  // NOTE: the native message already reads "<syscall> <path>: <reason>", i.e. exactly the
  // context prefix fromSystemError would add; take only its kind to avoid saying it twice.
  const { kind } = fromSystemError(err, err.syscall);
  return new BerthError(kind, err.message, { cause: err });
}

/**
 * Runs `fn`, rethrowing its system errors as BerthErrors (see toBerthError).
 *
 * @internal
 */
export function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toBerthError(err);
  }
}
