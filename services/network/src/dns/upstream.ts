/**
 * Forwarding to the upstream resolvers (the host's, or --dns): one exchange per
 * upstream in turn, each over a fresh socket with a fresh random id, so that an
 * off-path attacker has to guess both the port and the id to spoof an answer.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { EventEmitter } from 'node:events';
import { connect, isIP } from 'node:net';
import { invalidArgument } from '@berth/errdefs';
import { decodeHeader, HEADER_SIZE, Rcode } from './message.js';

export interface Upstream {
  address: string;
  port: number;
}

/** Parses "ip", "ip:port" (IPv4), "[ip6]:port" or a bare IPv6 address; the port defaults to 53. */
export function parseUpstream(s: string): Upstream {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  const v4 = /^([^:]+):(\d+)$/.exec(s);
  const [address, port] = bracketed ? [bracketed[1], bracketed[2]] : v4 ? [v4[1], v4[2]] : [s, undefined];
  const p = port === undefined ? 53 : Number(port);
  if (!address || isIP(address) === 0 || (bracketed && isIP(address) !== 6))
    throw invalidArgument(`dns: upstream "${s}" is not an IP address`);
  if (!Number.isInteger(p) || p < 1 || p > 65535)
    throw invalidArgument(`dns: upstream "${s}" has a bad port`);
  return { address, port: p };
}

export function formatUpstream(u: Upstream): string {
  return isIP(u.address) === 6 ? `[${u.address}]:${u.port}` : `${u.address}:${u.port}`;
}

export interface ForwardOptions {
  timeoutMs: number;
  /** The client came over TCP: a truncated UDP answer is retried over TCP to the same upstream. */
  tcp: boolean;
  signal: AbortSignal;
  /** Called with each upstream's failure, for debug logging. */
  onFailure?: (upstream: Upstream, reason: string) => void;
}

/**
 * Sends `query` to each upstream in turn until one answers with something other than
 * SERVFAIL or REFUSED (which docker also treats as "try the next one"), and returns that
 * answer with the client's id put back. Returns undefined when every upstream failed.
 */
export async function forward(
  query: Buffer,
  upstreams: readonly Upstream[],
  opts: ForwardOptions,
): Promise<Buffer | undefined> {
  const clientId = query.readUInt16BE(0);
  for (const up of upstreams) {
    if (opts.signal.aborted) return undefined;
    try {
      let answer = await exchangeUdp(query, up, opts.timeoutMs, opts.signal);
      if (opts.tcp && decodeHeader(answer)?.tc)
        answer = await exchangeTcp(query, up, opts.timeoutMs, opts.signal);
      const rcode = decodeHeader(answer)?.rcode;
      if (rcode === Rcode.SERVFAIL || rcode === Rcode.REFUSED) {
        opts.onFailure?.(up, rcode === Rcode.SERVFAIL ? 'SERVFAIL' : 'REFUSED');
        continue;
      }
      answer.writeUInt16BE(clientId, 0);
      return answer;
    } catch (err) {
      opts.onFailure?.(up, err instanceof Error ? err.message : String(err));
    }
  }
  return undefined;
}

/** A copy of `query` under a new random id; returns it with that id. */
function withFreshId(query: Buffer): { msg: Buffer; id: number } {
  const msg = Buffer.from(query);
  const id = randomBytes(2).readUInt16BE(0);
  msg.writeUInt16BE(id, 0);
  return { msg, id };
}

/** Whether `answer` is a response to a query with `id` (the question is the upstream's business). */
function answers(answer: Buffer, id: number): boolean {
  const h = decodeHeader(answer);
  return h !== undefined && h.qr && h.id === id;
}

type Finish = (err: Error | undefined, answer?: Buffer) => void;

/**
 * Runs one exchange on the socket `open` makes: settles with the first outcome given to
 * `finish` (by `wire`'s handlers, a socket error, the timeout or `signal` aborting), then
 * stops the timer and `close`s the socket.
 */
function exchange<S extends EventEmitter>(
  open: () => S,
  close: (sock: S) => void,
  timeoutMs: number,
  signal: AbortSignal,
  wire: (sock: S, finish: Finish) => void,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const sock = open();
    let done = false;
    const finish: Finish = (err, answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      close(sock);
      if (err) reject(err);
      else resolve(answer as Buffer);
    };
    const onAbort = () => finish(new Error('canceled'));
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    signal.addEventListener('abort', onAbort);
    sock.on('error', (err: Error) => finish(err));
    wire(sock, finish);
  });
}

/** One UDP exchange. A connected socket sees ICMP port-unreachable as an error, so dead upstreams fail fast. */
export function exchangeUdp(
  query: Buffer,
  up: Upstream,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Buffer> {
  const { msg, id } = withFreshId(query);
  return exchange(
    () => createSocket(isIP(up.address) === 6 ? 'udp6' : 'udp4'),
    (sock) => sock.close(),
    timeoutMs,
    signal,
    (sock, finish) => {
      // Late or forged datagrams with another id are ignored; the timer still bounds the wait.
      sock.on('message', (answer) => {
        if (answers(answer, id)) finish(undefined, answer);
      });
      sock.connect(up.port, up.address, () => sock.send(msg));
    },
  );
}

/** One TCP exchange (RFC 1035 §4.2.2: each message is preceded by its 16-bit length). */
export function exchangeTcp(
  query: Buffer,
  up: Upstream,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Buffer> {
  const { msg, id } = withFreshId(query);
  return exchange(
    () => connect({ host: up.address, port: up.port }),
    (sock) => sock.destroy(),
    timeoutMs,
    signal,
    (sock, finish) => {
      let buf = Buffer.alloc(0);
      sock.on('end', () => finish(new Error('connection closed before an answer')));
      sock.on('connect', () => sock.write(frame(msg)));
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        for (;;) {
          if (buf.length < 2) return;
          const len = buf.readUInt16BE(0);
          if (buf.length < 2 + len) return;
          const answer = buf.subarray(2, 2 + len);
          buf = buf.subarray(2 + len);
          if (len >= HEADER_SIZE && answers(answer, id)) return finish(undefined, Buffer.from(answer));
        }
      });
    },
  );
}

/** Prefixes a message with its 16-bit length, for DNS over TCP. */
export function frame(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}
