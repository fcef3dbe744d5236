/**
 * @module @berth/grpc — serving and calling berth's gRPC APIs over unix sockets:
 * the method binder (context, cancellation, error mapping), the server lifecycle,
 * client wrappers, and the containerd namespace/lease headers.
 */
export type { CallContext } from './context.js';
export { bindService, failStream } from './bind.js';
export type { ServiceImpl } from './bind.js';
export { serve, serverOptions, MAX_MESSAGE } from './server.js';
export type { Registration, RunningServer } from './server.js';
export { dial, unary, serverStream, duplex, socketTarget, clientOptions, clientError } from './client.js';
export type { CallOpts } from './client.js';
export {
  NAMESPACE_KEY,
  LEASE_KEY,
  DEFAULT_NAMESPACE,
  namespaceOf,
  leaseOf,
  validateIdentifier,
} from './namespace.js';
