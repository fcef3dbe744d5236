/**
 * The explicit per-call context handed to every service method: namespace,
 * lease, a child logger, and a signal that fires when the caller goes away.
 */
import type { Metadata } from '@grpc/grpc-js';
import type { Logger } from '@berth/log';

export interface CallContext {
  /** Validated namespace from `containerd-namespace` (default `default`). */
  readonly ns: string;
  /** Lease ID from `containerd-lease`, when the caller holds one. */
  readonly lease: string | undefined;
  /** Child logger carrying `rpc`, `ns` and `reqId`. */
  readonly log: Logger;
  /** Aborted when the client cancels or the deadline passes. */
  readonly signal: AbortSignal;
  /** Raw incoming metadata, for the rare method that needs more. */
  readonly metadata: Metadata;
}
