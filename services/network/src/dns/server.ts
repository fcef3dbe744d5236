/**
 * The DNS server of user-defined networks, like docker's embedded resolver: each network
 * gets a UDP and a TCP listener on its gateway address, answering the network's container
 * names itself and forwarding everything else to the upstream resolvers.
 *
 * Listening on the gateway (not 127.0.0.11 inside each container, as docker does) keeps
 * the server in the daemon's namespace: one listener pair per network, no per-container
 * socket plumbing; containers reach it through their default route.
 */
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP } from 'node:net';
import type { Server, Socket } from 'node:net';
import { failedPrecondition, fromSystemError, invalidArgument, permissionDenied } from '@berth/errdefs';
import type { Logger } from '@berth/log';
import { respond } from './handler.js';
import { formatUpstream, forward, frame, parseUpstream } from './upstream.js';
import type { Upstream } from './upstream.js';
import { Zone } from './zone.js';

export interface NetworkDnsOptions {
  /** Resolvers for names the networks do not own: "ip", "ip:port", "[ip6]:port". */
  upstreams: string[];
  log: Logger;
  /** Port to listen on; 53 unless a test needs an unprivileged one. */
  port?: number;
}

/** How long one upstream gets to answer before the next is tried (docker: 2 s as well). */
const UPSTREAM_TIMEOUT_MS = 2000;
/** Forwarded queries in flight across all networks; beyond it clients get SERVFAIL at once. */
const MAX_IN_FLIGHT = 512;
/** An idle TCP client is dropped after this long (RFC 7766 suggests seconds). */
const TCP_IDLE_MS = 10_000;
/** Open TCP connections per network; more are refused so that one client cannot pin sockets. */
const MAX_TCP_CONNECTIONS = 64;

interface Listener {
  address: string;
  udp: UdpSocket;
  tcp: Server;
  conns: Set<Socket>;
  /** Aborted on stop: ends the network's in-flight forwards at once. */
  abort: AbortController;
}

export class NetworkDns {
  readonly #upstreams: Upstream[];
  readonly #log: Logger;
  readonly #port: number;
  readonly #listeners = new Map<string, Promise<Listener>>();
  readonly #zones = new Map<string, Zone>();
  /** Shutdowns under way: a new serve for the network waits for its port to be released. */
  readonly #stopping = new Map<string, Promise<void>>();
  #inFlight = 0;
  #closed = false;

  constructor(opts: NetworkDnsOptions) {
    this.#upstreams = opts.upstreams.map(parseUpstream);
    this.#log = opts.log;
    this.#port = opts.port ?? 53;
  }

  /** Starts answering for `networkId` on listenIp:port (UDP and TCP). A no-op when already serving it. */
  serve(networkId: string, listenIp: string): Promise<void> {
    if (this.#closed) return Promise.reject(failedPrecondition('dns: server is closed'));
    if (isIP(listenIp) === 0)
      return Promise.reject(invalidArgument(`dns: listen address "${listenIp}" is not an IP`));
    const existing = this.#listeners.get(networkId);
    if (existing) {
      return existing.then((l) => {
        if (l.address !== listenIp)
          this.#log.warn(
            { network: networkId, address: l.address, requested: listenIp },
            'dns: already serving',
          );
      });
    }
    const stopping = this.#stopping.get(networkId);
    const started = stopping
      ? stopping.then(() => this.#listen(networkId, listenIp))
      : this.#listen(networkId, listenIp);
    this.#listeners.set(networkId, started);
    // A failed start leaves no entry behind, so a later serve can retry.
    started.catch(() => {
      if (this.#listeners.get(networkId) === started) this.#listeners.delete(networkId);
    });
    return started.then(() => undefined);
  }

  /** Replaces the names `networkId` answers for (name → addresses). May be called before serve. */
  setRecords(networkId: string, records: Map<string, string[]>): void {
    const zone = new Zone(records, (what) =>
      this.#log.warn({ network: networkId }, `dns: skipping invalid record: ${what}`),
    );
    this.#zones.set(networkId, zone);
  }

  /** Stops serving `networkId` and forgets its records. A no-op for an unknown network. */
  async stop(networkId: string): Promise<void> {
    this.#zones.delete(networkId);
    const pending = this.#listeners.get(networkId);
    if (!pending) return this.#stopping.get(networkId);
    this.#listeners.delete(networkId);
    const done = pending.then(shutdown, () => {}); // one that never started has nothing to release
    this.#stopping.set(networkId, done);
    await done;
    if (this.#stopping.get(networkId) === done) this.#stopping.delete(networkId);
  }

  /** Stops every network; later serve calls fail. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#listeners.keys()].map((id) => this.stop(id)));
    this.#zones.clear();
  }

  async #listen(networkId: string, address: string): Promise<Listener> {
    const where = isIP(address) === 6 ? `[${address}]:${this.#port}` : `${address}:${this.#port}`;
    const log = this.#log.child({ network: networkId, address: where });
    const abort = new AbortController();
    const udp = createSocket({ type: isIP(address) === 6 ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address, port: this.#port, exclusive: true }, () => {
        udp.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      closeQuietly(udp);
      throw bindError(err, 'udp', where);
    });
    // From here on an 'error' without a listener would crash the process.
    udp.on('error', (err) => log.warn({ err }, 'dns: udp socket error'));
    const conns = new Set<Socket>();
    const tcp = createServer((sock) => this.#onConnection(networkId, sock, conns, abort.signal));
    tcp.maxConnections = MAX_TCP_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ host: address, port: this.#port, exclusive: true }, () => {
        tcp.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      closeQuietly(udp);
      throw bindError(err, 'tcp', where);
    });
    tcp.on('error', (err) => log.warn({ err }, 'dns: tcp listener error'));
    udp.on('message', (query, peer) => {
      void this.#answer(networkId, query, 'udp', abort.signal).then((out) => {
        // After stop the socket is closed and send would throw.
        if (out && !abort.signal.aborted) udp.send(out, peer.port, peer.address, () => {});
      });
    });
    log.debug('dns: listening');
    return { address, udp, tcp, conns, abort };
  }

  #onConnection(networkId: string, sock: Socket, conns: Set<Socket>, signal: AbortSignal): void {
    conns.add(sock);
    sock.on('close', () => conns.delete(sock));
    sock.on('error', () => {}); // resets and the like: 'close' follows
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      // Queries may be pipelined; answers go back as they are ready (RFC 7766 §6.2.1.1).
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const query = Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + query.length);
        void this.#answer(networkId, query, 'tcp', signal).then((out) => {
          if (out && sock.writable) sock.write(frame(out));
        });
      }
    });
  }

  /** Never rejects: a failure to answer is logged and the client is left to retry. */
  async #answer(networkId: string, query: Buffer, transport: 'udp' | 'tcp', signal: AbortSignal) {
    try {
      return await respond(query, {
        zone: this.#zones.get(networkId),
        transport,
        forward: (q) => this.#forward(networkId, q, transport === 'tcp', signal),
      });
    } catch (err) {
      this.#log.warn({ err, network: networkId }, 'dns: failed to answer a query');
      return undefined;
    }
  }

  async #forward(networkId: string, query: Buffer, tcp: boolean, signal: AbortSignal) {
    if (this.#inFlight >= MAX_IN_FLIGHT) {
      this.#log.debug({ network: networkId }, 'dns: too many forwarded queries in flight');
      return undefined;
    }
    this.#inFlight++;
    try {
      return await forward(query, this.#upstreams, {
        timeoutMs: UPSTREAM_TIMEOUT_MS,
        tcp,
        signal,
        onFailure: (up, reason) =>
          this.#log.debug(
            { network: networkId, upstream: formatUpstream(up) },
            `dns: upstream failed: ${reason}`,
          ),
      });
    } finally {
      this.#inFlight--;
    }
  }
}

function bindError(err: unknown, proto: string, where: string) {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const what = `dns: cannot listen on ${proto} ${where}`;
  if (code === 'EADDRINUSE') return failedPrecondition(`${what}: address already in use`, err);
  if (code === 'EADDRNOTAVAIL') return failedPrecondition(`${what}: address not available on this host`, err);
  if (code === 'EACCES' || code === 'EPERM') return permissionDenied(`${what}: permission denied`, err);
  return fromSystemError(err, what);
}

function closeQuietly(udp: UdpSocket): void {
  try {
    udp.close();
  } catch {
    // already closed
  }
}

async function shutdown(l: Listener): Promise<void> {
  l.abort.abort();
  for (const c of l.conns) c.destroy();
  await Promise.all([
    new Promise<void>((resolve) => l.udp.close(() => resolve())),
    new Promise<void>((resolve) => l.tcp.close(() => resolve())),
  ]);
}
