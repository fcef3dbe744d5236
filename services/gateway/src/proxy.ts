/**
 * The gateway's generic router. For every method of every service a backend
 * owns (taken from the generated service definitions, so adding a service is
 * one entry in routes.ts, never per-method code), it registers a pass-through
 * handler: bytes in, bytes out (identity serialisers, so unknown fields survive),
 * metadata, deadline and cancellation forwarded, the backend's status returned
 * as is, and an unreachable backend reported as Unavailable naming the process.
 */
import type { Metadata } from '@grpc/grpc-js';
import { existsSync } from 'node:fs';
import {
  Client,
  connectivityState,
  credentials,
  status as Status,
  type Server,
  type ServiceDefinition,
  type ServerUnaryCall,
  type ServerReadableStream,
  type ServerWritableStream,
  type ServerDuplexStream,
  type ServiceError,
  type sendUnaryData,
  type CallOptions,
} from '@grpc/grpc-js';
import { clientOptions, failStream, socketTarget } from '@berth/grpc';
import { toGrpcStatus } from '@berth/errdefs';
import type { Logger } from '@berth/log';

const identity = (b: Buffer): Buffer => b;

export interface Backend {
  /** Process name used in errors, e.g. `berth-content`. */
  process: string;
  socket: string;
  services: ServiceDefinition[];
}

/** Builds the error a client sees; an unreachable backend gets its name in the message. */
function upstreamError(err: ServiceError, backend: Backend): Partial<ServiceError> & { code: Status } {
  if (err.code === Status.UNAVAILABLE && !err.details.includes(backend.process))
    return {
      code: Status.UNAVAILABLE,
      details: `${backend.process} is unavailable (${backend.socket}): ${err.details}`,
      metadata: err.metadata,
    };
  return { code: err.code, details: err.details, metadata: err.metadata };
}

function forwardOptions(call: { getDeadline(): Date | number }): CallOptions {
  const d = call.getDeadline();
  return d === Infinity ? {} : { deadline: d };
}

/** Copies the caller's metadata, dropping transport headers the backend call sets itself. */
function forwardMetadata(md: Metadata): Metadata {
  const out = md.clone();
  for (const k of ['user-agent', 'grpc-accept-encoding', 'grpc-encoding', 'content-type', 'te'])
    out.remove(k);
  return out;
}

/** How long a call waits for a backend that is reconnecting (e.g. just restarted). */
const RECONNECT_WAIT_MS = 1_500;

/**
 * Resolves once the backend's channel is ready, or after RECONNECT_WAIT_MS. A backend that was
 * restarted leaves the channel in reconnect backoff; without this, calls in the first second
 * after a restart would fail with Unavailable although the backend is up again. A backend
 * whose socket file is absent is not waited for: it is not deployed or it is down.
 */
function whenReady(client: Client, backend: Backend): Promise<void> {
  const ch = client.getChannel();
  if (ch.getConnectivityState(true) === connectivityState.READY || !existsSync(backend.socket))
    return Promise.resolve();
  return new Promise((resolve) => client.waitForReady(Date.now() + RECONNECT_WAIT_MS, () => resolve()));
}

/** Runs before a call is forwarded (e.g. implicit namespace creation); a throw fails the call. */
export type BeforeForward = (path: string, md: Metadata) => Promise<void>;

/** Registers pass-through handlers for all methods of `backend` on `server`. Returns the client (close on shutdown). */
export function routeBackend(server: Server, backend: Backend, log: Logger, before?: BeforeForward): Client {
  const client = new Client(socketTarget(backend.socket), credentials.createInsecure(), clientOptions);
  for (const def of backend.services) {
    for (const m of Object.values(def)) {
      const path = m.path;
      const kind = m.requestStream
        ? m.responseStream
          ? 'bidi'
          : 'clientStream'
        : m.responseStream
          ? 'serverStream'
          : 'unary';
      const handler = handlerFor(kind, path, client, backend, log) as (
        call: HookedCall,
        cb?: unknown,
      ) => void;
      const gate: BeforeForward = async (p, md) => {
        await whenReady(client, backend);
        if (before) await before(p, md);
      };
      const wrapped = withBefore(handler, path, gate);
      const ok = server.register(path, wrapped, identity, identity, kind);
      if (!ok) throw new Error(`gateway: method ${path} registered twice`);
    }
  }
  return client;
}

type HookedCall = { metadata: Metadata } & NodeJS.EventEmitter;

/** Delays a handler until `before` resolves; a rejection becomes the call's status. */
function withBefore(handler: (call: HookedCall, cb?: unknown) => void, path: string, before: BeforeForward) {
  return (call: HookedCall, cb?: unknown) => {
    // Streams that arrive while we wait stay buffered: nothing reads them until handler() pipes.
    before(path, call.metadata).then(
      () => handler(call, cb),
      (err) => {
        const st = toGrpcStatus(err);
        if (typeof cb === 'function') (cb as sendUnaryData<Buffer>)(st);
        else failStream(call, st);
      },
    );
  };
}

function handlerFor(kind: string, path: string, client: Client, backend: Backend, log: Logger) {
  switch (kind) {
    case 'unary':
      return (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => {
        const up = client.makeUnaryRequest(
          path,
          identity,
          identity,
          call.request,
          forwardMetadata(call.metadata),
          forwardOptions(call),
          (err, res) => (err ? cb(upstreamError(err, backend)) : cb(null, res)),
        );
        call.on('cancelled', () => up.cancel());
      };
    case 'serverStream':
      return (call: ServerWritableStream<Buffer, Buffer>) => {
        const up = client.makeServerStreamRequest(
          path,
          identity,
          identity,
          call.request,
          forwardMetadata(call.metadata),
          forwardOptions(call),
        );
        pipeResponses(up, call, backend);
        call.on('cancelled', () => up.cancel());
      };
    case 'clientStream':
      return (call: ServerReadableStream<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => {
        const up = client.makeClientStreamRequest(
          path,
          identity,
          identity,
          forwardMetadata(call.metadata),
          forwardOptions(call),
          (err, res) => (err ? cb(upstreamError(err, backend)) : cb(null, res)),
        );
        call.pipe(up as unknown as NodeJS.WritableStream);
        call.on('cancelled', () => up.cancel());
      };
    default:
      return (call: ServerDuplexStream<Buffer, Buffer>) => {
        const up = client.makeBidiStreamRequest(
          path,
          identity,
          identity,
          forwardMetadata(call.metadata),
          forwardOptions(call),
        );
        call.pipe(up as unknown as NodeJS.WritableStream);
        pipeResponses(up, call, backend);
        call.on('cancelled', () => up.cancel());
        log.trace({ rpc: path }, 'bidi stream proxied');
      };
  }
}

/** Copies backend responses to the caller with backpressure, ending with the backend's status. */
function pipeResponses(
  up: NodeJS.ReadableStream & NodeJS.EventEmitter & { pause(): unknown; resume(): unknown },
  call: ServerWritableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>,
  backend: Backend,
) {
  up.on('data', (chunk: Buffer) => {
    if (!call.write(chunk)) {
      up.pause();
      call.once('drain', () => up.resume());
    }
  });
  up.on('error', (err: ServiceError) => {
    if (err.code !== Status.CANCELLED || !call.cancelled) failStream(call, upstreamError(err, backend));
  });
  up.on('end', () => call.end());
}
