/**
 * Typed errors shared by every berth package, modelled on containerd's errdefs.
 * Domain code throws only BerthErrors and tests them with the `isXxx` helpers,
 * never by message text. Translation to and from gRPC happens in ./grpc.ts only.
 */

/** The kinds of failure callers branch on. Each maps to one gRPC status code. */
export type ErrorKind =
  | 'InvalidArgument'
  | 'NotFound'
  | 'AlreadyExists'
  | 'FailedPrecondition'
  | 'Conflict'
  | 'NotModified'
  | 'Aborted'
  | 'OutOfRange'
  | 'Unavailable'
  | 'ResourceExhausted'
  | 'PermissionDenied'
  | 'Unauthenticated'
  | 'NotImplemented'
  | 'Internal'
  | 'DataLoss'
  | 'Canceled'
  | 'DeadlineExceeded'
  | 'Unknown';

// A registered symbol, so that two copies of this package (bundled CLI + linked lib)
// still recognise each other's errors.
const brand = Symbol.for('@berth/errdefs.BerthError');

/** An error with a kind. `message` is shown to users as is. */
export class BerthError extends Error {
  readonly [brand] = true;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = `${kind}Error`;
  }
}

/** Reports whether `err` is a BerthError, across package copies. */
export function isBerthError(err: unknown): err is BerthError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[brand] === true;
}

const factory =
  (kind: ErrorKind) =>
  (message: string, cause?: unknown): BerthError =>
    new BerthError(kind, message, cause === undefined ? undefined : { cause });

export const invalidArgument = factory('InvalidArgument');
export const notFound = factory('NotFound');
export const alreadyExists = factory('AlreadyExists');
export const failedPrecondition = factory('FailedPrecondition');
export const conflict = factory('Conflict');
export const notModified = factory('NotModified');
export const aborted = factory('Aborted');
export const outOfRange = factory('OutOfRange');
export const unavailable = factory('Unavailable');
export const resourceExhausted = factory('ResourceExhausted');
export const permissionDenied = factory('PermissionDenied');
export const unauthenticated = factory('Unauthenticated');
export const notImplemented = factory('NotImplemented');
export const internal = factory('Internal');
export const dataLoss = factory('DataLoss');
export const canceled = factory('Canceled');
export const deadlineExceeded = factory('DeadlineExceeded');

/**
 * Returns the kind of `err`, walking `.cause` like errdefs.Resolve. An AbortError
 * (from an AbortSignal) is Canceled; anything else unrecognised is Unknown.
 */
export function kindOf(err: unknown): ErrorKind {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 16; depth++) {
    if (isBerthError(e)) return e.kind;
    if (e instanceof Error && e.name === 'AbortError') return 'Canceled';
    e = (e as { cause?: unknown }).cause;
  }
  return 'Unknown';
}

const is = (kind: ErrorKind) => (err: unknown) => kindOf(err) === kind;
export const isInvalidArgument = is('InvalidArgument');
export const isNotFound = is('NotFound');
export const isAlreadyExists = is('AlreadyExists');
export const isFailedPrecondition = is('FailedPrecondition');
export const isConflict = is('Conflict');
export const isOutOfRange = is('OutOfRange');
export const isUnavailable = is('Unavailable');
export const isNotImplemented = is('NotImplemented');
export const isCanceled = is('Canceled');
export const isDeadlineExceeded = is('DeadlineExceeded');

/** Prefixes the message with `context` and keeps the kind, like Go's `fmt.Errorf("ctx: %w", err)`. */
export function wrap(err: unknown, context: string): BerthError {
  const message = err instanceof Error ? err.message : String(err);
  return new BerthError(kindOf(err), `${context}: ${message}`, { cause: err });
}

/**
 * Turns a Node system error (ENOENT, EEXIST, …) into a BerthError with `context`,
 * so that filesystem failures reach clients with the right status code.
 */
export function fromSystemError(err: unknown, context: string): BerthError {
  if (isBerthError(err)) return wrap(err, context);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const kind: ErrorKind =
    code === 'ENOENT'
      ? 'NotFound'
      : code === 'EEXIST'
        ? 'AlreadyExists'
        : code === 'EACCES' || code === 'EPERM'
          ? 'PermissionDenied'
          : code === 'ENOSPC'
            ? 'ResourceExhausted'
            : 'Internal';
  const message = err instanceof Error ? err.message : String(err);
  return new BerthError(kind, `${context}: ${message}`, { cause: err });
}

/** Resolves true when `p` fulfils, false when it rejects with NotFound; other errors pass through. */
export async function found(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
