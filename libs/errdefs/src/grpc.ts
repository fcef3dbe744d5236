/**
 * The only translation point between BerthErrors and gRPC statuses, with
 * containerd's errgrpc table. The server side sets `berth-error-kind` trailing
 * metadata so that kinds that share a code (Conflict, NotModified →
 * FAILED_PRECONDITION) survive the round trip without parsing messages.
 */
import { Metadata, status as Status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { BerthError, isBerthError, kindOf, type ErrorKind } from './errors.js';

const toCode: Record<ErrorKind, Status> = {
  InvalidArgument: Status.INVALID_ARGUMENT,
  NotFound: Status.NOT_FOUND,
  AlreadyExists: Status.ALREADY_EXISTS,
  FailedPrecondition: Status.FAILED_PRECONDITION,
  Conflict: Status.FAILED_PRECONDITION,
  NotModified: Status.FAILED_PRECONDITION,
  Aborted: Status.ABORTED,
  OutOfRange: Status.OUT_OF_RANGE,
  Unavailable: Status.UNAVAILABLE,
  ResourceExhausted: Status.RESOURCE_EXHAUSTED,
  PermissionDenied: Status.PERMISSION_DENIED,
  Unauthenticated: Status.UNAUTHENTICATED,
  NotImplemented: Status.UNIMPLEMENTED,
  Internal: Status.INTERNAL,
  DataLoss: Status.DATA_LOSS,
  Canceled: Status.CANCELLED,
  DeadlineExceeded: Status.DEADLINE_EXCEEDED,
  Unknown: Status.UNKNOWN,
};

const fromCode = new Map<Status, ErrorKind>([
  [Status.INVALID_ARGUMENT, 'InvalidArgument'],
  [Status.NOT_FOUND, 'NotFound'],
  [Status.ALREADY_EXISTS, 'AlreadyExists'],
  [Status.FAILED_PRECONDITION, 'FailedPrecondition'],
  [Status.ABORTED, 'Aborted'],
  [Status.OUT_OF_RANGE, 'OutOfRange'],
  [Status.UNAVAILABLE, 'Unavailable'],
  [Status.RESOURCE_EXHAUSTED, 'ResourceExhausted'],
  [Status.PERMISSION_DENIED, 'PermissionDenied'],
  [Status.UNAUTHENTICATED, 'Unauthenticated'],
  [Status.UNIMPLEMENTED, 'NotImplemented'],
  [Status.INTERNAL, 'Internal'],
  [Status.DATA_LOSS, 'DataLoss'],
  [Status.CANCELLED, 'Canceled'],
  [Status.DEADLINE_EXCEEDED, 'DeadlineExceeded'],
]);

/** Metadata key carrying the exact ErrorKind next to the status code. */
export const ERROR_KIND_KEY = 'berth-error-kind';

/** Returns the gRPC status object for any thrown value. Non-BerthErrors become UNKNOWN. */
export function toGrpcStatus(err: unknown): Partial<StatusObject> & { code: Status; details: string } {
  const kind = kindOf(err);
  const metadata = new Metadata();
  metadata.set(ERROR_KIND_KEY, kind);
  const details = err instanceof Error ? err.message : String(err);
  return { code: toCode[kind], details, metadata };
}

const isServiceError = (err: unknown): err is ServiceError =>
  typeof err === 'object' &&
  err !== null &&
  typeof (err as ServiceError).code === 'number' &&
  'details' in err;

/**
 * Turns a grpc-js client error into a BerthError that keeps the server's message.
 * `path` (the rpc) is recorded as the cause's context for logs. Non-gRPC errors pass through.
 */
export function fromGrpcError(err: unknown, path?: string): unknown {
  if (isBerthError(err) || !isServiceError(err)) return err;
  const fromMeta = err.metadata?.get(ERROR_KIND_KEY)[0];
  const kind: ErrorKind =
    typeof fromMeta === 'string' && fromMeta in toCode
      ? (fromMeta as ErrorKind)
      : (fromCode.get(err.code) ?? 'Unknown');
  const e = new BerthError(kind, err.details || err.message, { cause: err });
  if (path) Object.defineProperty(e, 'path', { value: path, enumerable: false });
  return e;
}
