/**
 * Published host ports. A port is berth's while a container maps it: this
 * table refuses a second mapping of it, and holds a socket on it (a listening
 * TCP socket, a bound UDP one) so no other host program can take it. The
 * DNAT rules act before the socket lookup, so traffic still reaches the
 * container; the socket only reserves the port. host_port 0 picks a free port
 * from the ephemeral range docker uses (49153–60999).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { alreadyExists, invalidArgument, resourceExhausted } from '@berth/errdefs';
import type { PortRecord } from './records.js';

export interface PortRange {
  start: number;
  end: number;
}

export const DEFAULT_PORT_RANGE: PortRange = { start: 49153, end: 60999 };

interface Held {
  owner: string;
  port: PortRecord;
  close(): Promise<void>;
}

/** Normalises and validates a requested mapping (protocol lower-case, tcp by default). */
export function normalizePort(p: {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}): PortRecord {
  const protocol = (p.protocol || 'tcp').toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(protocol))
    throw invalidArgument(`port mapping: unknown protocol ${JSON.stringify(p.protocol)}`);
  if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535)
    throw invalidArgument(`port mapping: invalid container port ${p.containerPort}`);
  if (!Number.isInteger(p.hostPort) || p.hostPort < 0 || p.hostPort > 65535)
    throw invalidArgument(`port mapping: invalid host port ${p.hostPort}`);
  const hostIp = p.hostIp === '0.0.0.0' ? '' : p.hostIp;
  if (hostIp.includes(':'))
    throw invalidArgument(`port mapping: IPv6 host address ${hostIp} is not supported`);
  return { hostIp, hostPort: p.hostPort, containerPort: p.containerPort, protocol };
}

/** Reports whether two mappings want the same host port (same protocol, overlapping addresses). */
export function clashes(a: PortRecord, b: PortRecord): boolean {
  return (
    a.protocol === b.protocol &&
    a.hostPort === b.hostPort &&
    (a.hostIp === '' || b.hostIp === '' || a.hostIp === b.hostIp)
  );
}

/** docker's message for a port someone holds. */
export const portTaken = (p: PortRecord) =>
  alreadyExists(`Bind for ${p.hostIp || '0.0.0.0'}:${p.hostPort} failed: port is already allocated`);

/** Binds the host socket that reserves `p`; rejects (EADDRINUSE…) when the port is taken. */
async function hold(p: PortRecord): Promise<() => Promise<void>> {
  const host = p.hostIp || '0.0.0.0';
  if (p.protocol === 'tcp') {
    const server: Server = createServer((s) => s.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: p.hostPort, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return () => new Promise<void>((r) => server.close(() => r()));
  }
  if (p.protocol === 'udp') {
    const sock: UdpSocket = createSocket({ type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind({ address: host, port: p.hostPort, exclusive: true }, () => {
        sock.off('error', reject);
        resolve();
      });
    });
    sock.on('message', () => undefined);
    return () => new Promise<void>((r) => sock.close(() => r()));
  }
  // sctp: Node cannot bind it; berth's own table is the only guard.
  return async () => undefined;
}

export class PortTable {
  private readonly held: Held[] = [];
  private cursor: number;
  /** Serialises reservations so two containers cannot pick the same free port. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly range: PortRange = DEFAULT_PORT_RANGE) {
    this.cursor = range.start;
  }

  /**
   * Reserves every mapping for `owner` (all or nothing) and returns them with host ports
   * chosen. Throws AlreadyExists with docker's message for a taken port.
   */
  reserve(owner: string, wanted: readonly PortRecord[]): Promise<PortRecord[]> {
    const run = this.queue.then(() => this.reserveNow(owner, wanted));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Takes back ports recorded before a restart. A port another program took meanwhile is
   * returned in `lost` (the mapping still works through DNAT; it is just not guarded).
   */
  async adopt(owner: string, ports: readonly PortRecord[]): Promise<{ lost: PortRecord[] }> {
    const lost: PortRecord[] = [];
    for (const p of ports) {
      try {
        this.held.push({ owner, port: p, close: await hold(p) });
      } catch {
        this.held.push({ owner, port: p, close: async () => undefined });
        lost.push(p);
      }
    }
    return { lost };
  }

  /** Releases every port of `owner` (idempotent). */
  async release(owner: string): Promise<void> {
    const mine = this.held.filter((h) => h.owner === owner);
    for (const h of mine) this.held.splice(this.held.indexOf(h), 1);
    await Promise.all(mine.map((h) => h.close()));
  }

  /** Ports held for `owner`. */
  of(owner: string): PortRecord[] {
    return this.held.filter((h) => h.owner === owner).map((h) => h.port);
  }

  async close(): Promise<void> {
    const all = this.held.splice(0);
    await Promise.all(all.map((h) => h.close()));
  }

  private async reserveNow(owner: string, wanted: readonly PortRecord[]): Promise<PortRecord[]> {
    const got: Held[] = [];
    try {
      for (const w of wanted) {
        const h = w.hostPort === 0 ? await this.pick(owner, w, got) : await this.take(owner, w, got);
        got.push(h);
        this.held.push(h);
      }
      return got.map((h) => h.port);
    } catch (err) {
      for (const h of got) this.held.splice(this.held.indexOf(h), 1);
      await Promise.all(got.map((h) => h.close()));
      throw err;
    }
  }

  private async take(owner: string, p: PortRecord, pending: readonly Held[]): Promise<Held> {
    if ([...this.held, ...pending].some((h) => clashes(h.port, p))) throw portTaken(p);
    try {
      return { owner, port: p, close: await hold(p) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') throw portTaken(p);
      if (code === 'EADDRNOTAVAIL')
        throw invalidArgument(`Bind for ${p.hostIp}:${p.hostPort} failed: ${p.hostIp} is not a host address`);
      throw err;
    }
  }

  private async pick(owner: string, p: PortRecord, pending: readonly Held[]): Promise<Held> {
    const span = this.range.end - this.range.start + 1;
    for (let i = 0; i < span; i++) {
      const port = this.cursor;
      this.cursor = port >= this.range.end ? this.range.start : port + 1;
      const candidate = { ...p, hostPort: port };
      if ([...this.held, ...pending].some((h) => clashes(h.port, candidate))) continue;
      try {
        return { owner, port: candidate, close: await hold(candidate) };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRNOTAVAIL')
          throw invalidArgument(`Bind for ${p.hostIp}:0 failed: ${p.hostIp} is not a host address`);
      }
    }
    throw resourceExhausted(
      `no free host port in ${this.range.start}-${this.range.end} for ${p.protocol}/${p.containerPort}`,
    );
  }
}
