/**
 * @module @berth/errdefs — typed errors and their one mapping to gRPC status codes.
 */
export * from './errors.js';
export { toGrpcStatus, fromGrpcError, ERROR_KIND_KEY } from './grpc.js';
