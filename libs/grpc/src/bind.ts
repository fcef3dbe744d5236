/**
 * Adapts a plain async implementation to grpc-js handlers. Service code writes
 *   unary:         (req, ctx) => Promise<Res>
 *   server stream: (req, ctx) => AsyncIterable<Res>
 *   client stream: (reqs: AsyncIterable<Req>, ctx) => Promise<Res>
 *   bidi stream:   (reqs: AsyncIterable<Req>, ctx) => AsyncIterable<Res>
 * and this binder does the rest once: builds the CallContext, honours
 * cancellation and backpressure, and turns every thrown error into a status
 * with toGrpcStatus (logging only the unexpected ones, with their stack).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type {
  ServiceDefinition,
  UntypedServiceImplementation,
  ServerUnaryCall,
  ServerReadableStream,
  ServerWritableStream,
  ServerDuplexStream,
  sendUnaryData,
  Metadata,
} from '@grpc/grpc-js';
import { kindOf, toGrpcStatus } from '@berth/errdefs';
import type { Logger } from '@berth/log';
import type { CallContext } from './context.js';
import { leaseOf, namespaceOf } from './namespace.js';

type Fn = (...args: never[]) => unknown;
/** An implementation: one async method per rpc, named as in the generated definition (camelCase). */
export type ServiceImpl = Record<string, Fn>;

/** What every grpc-js server call has in common, as far as the context needs. */
interface AnyCall {
  readonly metadata: Metadata;
  on(event: 'cancelled', listener: () => void): unknown;
}

/** The writable side shared by server-streaming and bidi calls. */
type WritableCall = NodeJS.EventEmitter & { write(msg: unknown): boolean };

function makeContext(call: AnyCall, path: string, log: Logger): CallContext {
  const ac = new AbortController();
  call.on('cancelled', () => ac.abort(new DOMException('the caller cancelled the call', 'AbortError')));
  const metadata: Metadata = call.metadata;
  // The namespace is validated lazily: a bad header must become InvalidArgument through
  // the normal error path, not a throw while building the context.
  let ns: string | undefined;
  const reqId = randomBytes(4).toString('hex');
  const child = log.child({ rpc: path, reqId });
  return {
    get ns() {
      return (ns ??= namespaceOf(metadata));
    },
    lease: leaseOf(metadata),
    log: child,
    signal: ac.signal,
    metadata,
  };
}

function report(log: Logger, path: string, err: unknown) {
  const kind = kindOf(err);
  if (kind === 'Unknown' || kind === 'Internal' || kind === 'DataLoss')
    log.error({ err, rpc: path }, 'rpc failed');
  else log.debug({ err: (err as Error)?.message, kind, rpc: path }, 'rpc returned error');
  return toGrpcStatus(err);
}

async function writeAll(call: WritableCall, out: AsyncIterable<unknown>, signal: AbortSignal) {
  for await (const msg of out) {
    if (signal.aborted) return;
    if (!call.write(msg)) await once(call, 'drain', { signal });
  }
}

/**
 * Ends a streaming call with an error status. grpc-js turns an 'error' event on
 * a server stream into the call's status; destroy(err) would drop it and leave
 * the client waiting.
 */
export function failStream(call: NodeJS.EventEmitter, status: object): void {
  call.emit('error', status);
}

/**
 * The incoming messages of a streaming call. NOTE: plain `for await` over the
 * call would destroy it when the implementation stops early (throws or
 * returns), and a destroyed call can no longer send its status: the client
 * would hang instead of seeing the error.
 */
function messages(call: NodeJS.ReadableStream & { iterator?: unknown }): AsyncIterable<unknown> {
  const readable = call as unknown as Readable;
  return readable.iterator({ destroyOnReturn: false });
}

/** Returns grpc-js handlers for `def` backed by `impl`. Throws at bind time if a method is missing. */
export function bindService(def: ServiceDefinition, impl: object, log: Logger): UntypedServiceImplementation {
  const handlers: UntypedServiceImplementation = {};
  const methods = impl as ServiceImpl;
  for (const [name, m] of Object.entries(def)) {
    const fn = methods[name];
    if (typeof fn !== 'function') throw new Error(`bindService: ${m.path} has no implementation`);
    const call = fn.bind(impl) as (...a: unknown[]) => unknown;
    const path = m.path;
    if (!m.requestStream && !m.responseStream) {
      handlers[name] = (c: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => {
        const ctx = makeContext(c, path, log);
        Promise.resolve()
          .then(() => call(c.request, ctx))
          .then(
            (res) => cb(null, res),
            (err) => cb(report(ctx.log, path, err)),
          );
      };
    } else if (!m.requestStream) {
      handlers[name] = (c: ServerWritableStream<unknown, unknown>) => {
        const ctx = makeContext(c, path, log);
        Promise.resolve()
          .then(() => writeAll(c, call(c.request, ctx) as AsyncIterable<unknown>, ctx.signal))
          .then(
            () => c.end(),
            (err) => (ctx.signal.aborted ? undefined : failStream(c, report(ctx.log, path, err))),
          );
      };
    } else if (!m.responseStream) {
      handlers[name] = (c: ServerReadableStream<unknown, unknown>, cb: sendUnaryData<unknown>) => {
        const ctx = makeContext(c, path, log);
        Promise.resolve()
          .then(() => call(messages(c), ctx))
          .then(
            (res) => cb(null, res),
            (err) => cb(report(ctx.log, path, err)),
          );
      };
    } else {
      handlers[name] = (c: ServerDuplexStream<unknown, unknown>) => {
        const ctx = makeContext(c, path, log);
        Promise.resolve()
          .then(() => writeAll(c, call(messages(c), ctx) as AsyncIterable<unknown>, ctx.signal))
          .then(
            () => c.end(),
            (err) => (ctx.signal.aborted ? undefined : failStream(c, report(ctx.log, path, err))),
          );
      };
    }
  }
  return handlers;
}
