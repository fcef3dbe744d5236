/**
 * Client side: dialling a berth socket with the namespace header on every call,
 * promise/async-iterable wrappers over grpc-js's callback API, and error
 * translation with fromGrpcError. A service that is down surfaces as an
 * Unavailable error naming it, at once, never a hang.
 */
import {
  Metadata,
  credentials,
  type CallOptions,
  type Client,
  type ClientReadableStream,
  type ClientDuplexStream,
  type ServiceError,
  type ChannelOptions,
} from '@grpc/grpc-js';
import { fromGrpcError, isUnavailable, unavailable } from '@berth/errdefs';
import { LEASE_KEY, NAMESPACE_KEY } from './namespace.js';
import { MAX_MESSAGE } from './server.js';

export const clientOptions: ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE,
  'grpc.max_send_message_length': MAX_MESSAGE,
  'grpc.keepalive_time_ms': 60_000,
  // Large windows: the default 64 KiB makes every 1 MiB message wait for window updates.
  'grpc-node.flow_control_window': 32 * 1024 * 1024,
  // Peers are local unix sockets: redialling is cheap, and grpc-js's default backoff (1 s growing
  // to 120 s) kept the gateway failing calls for minutes after a backend restarted.
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
};

/** Turns a path or `unix://` URI into a grpc-js target. */
export function socketTarget(address: string): string {
  return address.startsWith('unix:') ? address : `unix://${address}`;
}

type ClientCtor<C> = new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
  opts?: ChannelOptions,
) => C;

/** Creates a generated client for the socket at `address`. */
export function dial<C extends Client>(Ctor: ClientCtor<C>, address: string): C {
  return new Ctor(socketTarget(address), credentials.createInsecure(), clientOptions);
}

export interface CallOpts {
  ns?: string;
  lease?: string;
  /** Milliseconds from now; omit for long-lived calls (Wait, Subscribe, Write). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Name used in Unavailable messages, e.g. `berth-content`. */
  service?: string;
}

function metadataFor(o: CallOpts): Metadata {
  const md = new Metadata();
  if (o.ns) md.set(NAMESPACE_KEY, o.ns);
  if (o.lease) md.set(LEASE_KEY, o.lease);
  return md;
}

function callOptionsFor(o: CallOpts): CallOptions {
  return o.timeoutMs ? { deadline: Date.now() + o.timeoutMs } : {};
}

/** Maps a client error; Unavailable gets the service name so users know what is down. */
export function clientError(err: unknown, o: CallOpts, path: string): unknown {
  const e = fromGrpcError(err, path);
  if (isUnavailable(e) && o.service && !(e as Error).message.includes(o.service))
    return unavailable(`${o.service} is unavailable: ${(e as Error).message}`, e);
  return e;
}

type UnaryFn<Req, Res> = (
  req: Req,
  md: Metadata,
  opts: Partial<CallOptions>,
  cb: (err: ServiceError | null, res: Res) => void,
) => { cancel(): void };

/** Calls a unary method: `await unary(client, client.info, req, opts)`. */
export function unary<Req, Res>(
  client: Client,
  method: UnaryFn<Req, Res>,
  req: Req,
  o: CallOpts = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const call = method.call(client, req, metadataFor(o), callOptionsFor(o), (err, res) =>
      err ? reject(clientError(err, o, method.name)) : resolve(res),
    );
    o.signal?.addEventListener('abort', () => call.cancel(), { once: true });
  });
}

type ServerStreamFn<Req, Res> = (
  req: Req,
  md: Metadata,
  opts: Partial<CallOptions>,
) => ClientReadableStream<Res>;

/** Calls a server-streaming method and yields its messages; breaking out cancels the call. */
export async function* serverStream<Req, Res>(
  client: Client,
  method: ServerStreamFn<Req, Res>,
  req: Req,
  o: CallOpts = {},
): AsyncGenerator<Res> {
  const call = method.call(client, req, metadataFor(o), callOptionsFor(o));
  const onAbort = () => call.cancel();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const msg of call) yield msg as Res;
  } catch (err) {
    throw clientError(err, o, method.name);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    call.cancel();
  }
}

type DuplexFn<Req, Res> = (md: Metadata, opts: Partial<CallOptions>) => ClientDuplexStream<Req, Res>;

/**
 * Opens a bidi stream for lock-step protocols (Content.Write): `send` writes one
 * request and resolves with the one response it provokes.
 */
export function duplex<Req, Res>(client: Client, method: DuplexFn<Req, Res>, o: CallOpts = {}) {
  const call = method.call(client, metadataFor(o), callOptionsFor(o));
  const it = call[Symbol.asyncIterator]();
  // grpc-js emits 'status' once per call, whatever its outcome: the server has finished with it.
  const finished = new Promise<void>((resolve) => call.once('status', () => resolve()));
  o.signal?.addEventListener('abort', () => call.cancel(), { once: true });
  return {
    async send(req: Req): Promise<Res> {
      call.write(req);
      try {
        const r = await it.next();
        if (r.done) throw unavailable(`${method.name}: stream closed by the server`);
        return r.value as Res;
      } catch (err) {
        throw clientError(err, o, method.name);
      }
    },
    /** Half-closes the stream; resolves once the server has ended the call (e.g. released a lock). */
    close(): Promise<void> {
      call.end();
      return finished;
    },
    cancel(): void {
      call.cancel();
    },
  };
}
