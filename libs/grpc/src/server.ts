/**
 * Serving on a unix socket: one grpc-js Server with containerd-sized message limits,
 * keepalive, a socket mode, refusal to steal a socket another process is serving,
 * and a graceful stop that gives in-flight calls a grace period.
 */
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { chmod, mkdir, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { alreadyExists, fromSystemError } from '@berth/errdefs';
import type { Logger } from '@berth/log';
import { bindService } from './bind.js';

/** 16 MiB each way, as the Go client allows; grpc-js's 4 MiB default breaks large Content.Write frames. */
export const MAX_MESSAGE = 16 * 1024 * 1024;

export const serverOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE,
  'grpc.max_send_message_length': MAX_MESSAGE,
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 10_000,
};

export interface Registration {
  def: ServiceDefinition;
  impl: object;
}

export interface RunningServer {
  readonly server: Server;
  readonly socket: string;
  /** Stops accepting calls, waits up to `graceMs` for in-flight ones, then cuts them. */
  stop(graceMs?: number): Promise<void>;
}

/** Resolves true when something accepts connections on the socket path. */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Removes a stale socket file left by a crashed process; refuses if a live one answers. */
async function claimSocket(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  if (await socketAnswers(path)) throw alreadyExists(`socket ${path} is already served by another process`);
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw fromSystemError(err, `remove stale socket ${path}`);
  });
}

/** HTTP/2 receive window per stream and per connection. */
const FLOW_WINDOW = 32 * 1024 * 1024;

/**
 * Raises the HTTP/2 receive windows of a grpc-js server. With Node's 64 KiB
 * default, a 1 MiB Content.Write frame needs ~16 WINDOW_UPDATE round trips and
 * uploads crawl; grpc-js exposes the client-side knob
 * (`grpc-node.flow_control_window`) but not a server one.
 * NOTE: reaches into grpc-js internals (commonServerOptions, http2Servers);
 * checked against @grpc/grpc-js 1.14. If they move, uploads get slower, not wrong.
 */
function widenFlowWindow(server: Server): void {
  const internals = server as unknown as {
    commonServerOptions?: { settings?: Record<string, unknown> };
    http2Servers?: Map<NodeJS.EventEmitter, unknown>;
  };
  if (internals.commonServerOptions)
    internals.commonServerOptions.settings = {
      ...internals.commonServerOptions.settings,
      initialWindowSize: FLOW_WINDOW,
    };
  for (const h2 of internals.http2Servers?.keys() ?? [])
    h2.on('session', (session: { setLocalWindowSize?(n: number): void }) =>
      session.setLocalWindowSize?.(FLOW_WINDOW),
    );
}

/** Starts a server for `services` on the unix socket `socket` (mode `mode`, default 0660). */
export async function serve(
  socket: string,
  services: Registration[],
  log: Logger,
  opts: { mode?: number; server?: Server } = {},
): Promise<RunningServer> {
  const server = opts.server ?? new Server(serverOptions);
  widenFlowWindow(server);
  for (const { def, impl } of services) server.addService(def, bindService(def, impl, log));
  await claimSocket(socket);
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(`unix://${socket}`, ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(fromSystemError(err, `listen on ${socket}`)) : resolve(port),
    ),
  );
  widenFlowWindow(server);
  await chmod(socket, opts.mode ?? 0o660);
  return {
    server,
    socket,
    async stop(graceMs = 5_000) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await unlink(socket).catch(() => undefined);
    },
  };
}
