// Real sockets, loopback only: the server listens on 127.0.0.x with an unprivileged port, and
// the "upstreams" are dgram/TCP servers this file starts on 127.0.0.1.
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isFailedPrecondition, isInvalidArgument, kindOf } from '@berth/errdefs';
import { silentLogger } from '@berth/log';
import { formatIp } from './ip.js';
import { decodeMessage, encodeMessage, Rcode, RRClass, RRType } from './message.js';
import type { Message } from './message.js';
import { NetworkDns } from './server.js';
import { frame } from './upstream.js';
import { dnsQuery } from '../testing.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const query = (name: string, type = RRType.A, id = 0x7777): Buffer => dnsQuery(name, type, id);

/** A port free for UDP a moment ago; the server binds TCP on it as well. */
async function udpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A NetworkDns serving `networks` (id → listen address), retrying if the picked port was taken. */
async function startDns(upstreams: string[], networks: Record<string, string> = { n1: '127.0.0.1' }) {
  for (let attempt = 0; ; attempt++) {
    const port = await udpPort();
    const dns = new NetworkDns({ upstreams, log: silentLogger(), port });
    try {
      for (const [id, ip] of Object.entries(networks)) await dns.serve(id, ip);
      cleanup.push(() => dns.close());
      return { dns, port };
    } catch (err) {
      await dns.close();
      if (!isFailedPrecondition(err) || attempt > 5) throw err;
    }
  }
}

interface FakeUpstream {
  addr: string;
  seen: Buffer[];
}

/** A UDP "resolver" on 127.0.0.1 that answers each query with `reply(query)` (undefined: silence). */
async function fakeUpstream(
  reply: (q: Message, raw: Buffer) => Buffer | Buffer[] | undefined,
): Promise<FakeUpstream> {
  const sock: UdpSocket = createSocket('udp4');
  const seen: Buffer[] = [];
  sock.on('message', (msg: Buffer, peer: RemoteInfo) => {
    seen.push(msg);
    for (const out of [reply(decodeMessage(msg), msg) ?? []].flat()) sock.send(out, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => sock.close(() => resolve())));
  return { addr: `127.0.0.1:${sock.address().port}`, seen };
}

/** An upstream answer: the query turned into a response with one A record. */
const answerWith = (q: Message, ip: number[], extra: Partial<Message['header']> = {}) =>
  encodeMessage({
    ...q,
    header: { ...q.header, qr: true, ra: true, ...extra },
    answers: [
      { name: q.questions[0]!.name, type: RRType.A, class: RRClass.IN, ttl: 30, data: Buffer.from(ip) },
    ],
  });

function udpAsk(port: number, msg: Buffer, address = '127.0.0.1', timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      reject(new Error('no answer'));
    }, timeoutMs);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m);
    });
    s.send(msg, port, address);
  });
}

/** Sends `chunks` over one TCP connection (as separate writes) and collects `count` framed answers. */
function tcpAsk(port: number, chunks: Buffer[], count: number, address = '127.0.0.1'): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: address, port });
    const out: Buffer[] = [];
    let buf = Buffer.alloc(0);
    s.on('error', reject);
    s.on('connect', async () => {
      for (const c of chunks) {
        s.write(c);
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        out.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (out.length >= count) {
        s.destroy();
        resolve(out);
      }
    });
  });
}

const ips = (m: Message) => m.answers.map((a) => formatIp(a.data));

describe('NetworkDns', () => {
  it('answers its records over UDP', async () => {
    const { dns, port } = await startDns([]);
    dns.setRecords('n1', new Map([['web', ['172.18.0.2', '172.18.0.3']]]));
    const m = decodeMessage(await udpAsk(port, query('WEB')));
    expect(m.header).toMatchObject({ id: 0x7777, rcode: Rcode.NOERROR, aa: true });
    expect(new Set(ips(m))).toEqual(new Set(['172.18.0.2', '172.18.0.3']));
    expect(m.answers[0]?.ttl).toBe(600);
  });

  it('answers over TCP, with pipelined queries and frames split across writes', async () => {
    const { dns, port } = await startDns([]);
    dns.setRecords(
      'n1',
      new Map([
        ['web', ['172.18.0.2']],
        ['db', ['172.18.0.9']],
      ]),
    );
    const both = Buffer.concat([frame(query('web', RRType.A, 1)), frame(query('db', RRType.A, 2))]);
    const answers = (
      await tcpAsk(port, [both.subarray(0, 1), both.subarray(1, 20), both.subarray(20)], 2)
    ).map((b) => decodeMessage(b));
    const byId = new Map(answers.map((m) => [m.header.id, ips(m)]));
    expect(byId).toEqual(
      new Map([
        [1, ['172.18.0.2']],
        [2, ['172.18.0.9']],
      ]),
    );
  });

  it('applies new records at once and keeps networks apart', async () => {
    const { dns, port } = await startDns([], { a: '127.0.0.1', b: '127.0.0.2' });
    dns.setRecords('a', new Map([['web', ['10.0.0.1']]]));
    dns.setRecords('b', new Map([['web', ['10.0.0.2']]]));
    expect(ips(decodeMessage(await udpAsk(port, query('web'), '127.0.0.1')))).toEqual(['10.0.0.1']);
    expect(ips(decodeMessage(await udpAsk(port, query('web'), '127.0.0.2')))).toEqual(['10.0.0.2']);
    dns.setRecords('a', new Map([['web', ['10.0.0.3']]]));
    expect(ips(decodeMessage(await udpAsk(port, query('web'), '127.0.0.1')))).toEqual(['10.0.0.3']);
  });

  it('forwards other names upstream under a fresh id and relays the answer under the client’s', async () => {
    const up = await fakeUpstream((q) => answerWith(q, [93, 184, 216, 34]));
    const { dns, port } = await startDns([up.addr]);
    dns.setRecords('n1', new Map([['web', ['172.18.0.2']]]));
    const raw = await udpAsk(port, query('example.com', RRType.A, 0x1234));
    const m = decodeMessage(raw);
    expect(m.header).toMatchObject({ id: 0x1234, qr: true, rcode: Rcode.NOERROR });
    expect(ips(m)).toEqual(['93.184.216.34']);
    expect(m.answers[0]?.ttl).toBe(30);
    expect(up.seen).toHaveLength(1);
    // The question went upstream byte for byte, bar the id.
    expect(up.seen[0]!.subarray(2)).toEqual(query('example.com', RRType.A, 0x1234).subarray(2));
  });

  it('tries the next upstream after a refused port, SERVFAIL or REFUSED', async () => {
    const dead = await udpPort();
    const failing = await fakeUpstream((q) => answerWith(q, [], { rcode: Rcode.SERVFAIL }));
    const refusing = await fakeUpstream((q) => answerWith(q, [], { rcode: Rcode.REFUSED }));
    const good = await fakeUpstream((q) => answerWith(q, [1, 2, 3, 4]));
    const { port } = await startDns([`127.0.0.1:${dead}`, failing.addr, refusing.addr, good.addr]);
    const started = Date.now();
    expect(ips(decodeMessage(await udpAsk(port, query('example.com'))))).toEqual(['1.2.3.4']);
    expect(Date.now() - started).toBeLessThan(1500); // the refused port failed fast, not by timeout
    expect([failing.seen.length, refusing.seen.length, good.seen.length]).toEqual([1, 1, 1]);
  });

  it('moves on from a silent upstream after 2 s', async () => {
    const silent = await fakeUpstream(() => undefined);
    const good = await fakeUpstream((q) => answerWith(q, [5, 6, 7, 8]));
    const { port } = await startDns([silent.addr, good.addr]);
    const started = Date.now();
    expect(ips(decodeMessage(await udpAsk(port, query('example.com'))))).toEqual(['5.6.7.8']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('ignores upstream datagrams with the wrong id', async () => {
    const up = await fakeUpstream((q, raw) => {
      const forged = answerWith(q, [6, 6, 6, 6]);
      forged.writeUInt16BE((raw.readUInt16BE(0) + 1) & 0xffff, 0);
      return [forged, answerWith(q, [7, 7, 7, 7])];
    });
    const { port } = await startDns([up.addr]);
    expect(ips(decodeMessage(await udpAsk(port, query('example.com'))))).toEqual(['7.7.7.7']);
  });

  it('ends in-flight forwards when the network stops', async () => {
    const silent = await fakeUpstream(() => undefined);
    const { dns, port } = await startDns([silent.addr]);
    const pending = udpAsk(port, query('example.com'), '127.0.0.1', 1000).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await dns.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await pending).toBeInstanceOf(Error); // no answer is sent on a closed socket
  });

  it('answers SERVFAIL when every upstream fails, and when there are none', async () => {
    const failing = await fakeUpstream((q) => answerWith(q, [], { rcode: Rcode.SERVFAIL }));
    const { port } = await startDns([failing.addr]);
    const m = decodeMessage(await udpAsk(port, query('example.com', RRType.A, 9)));
    expect(m.header).toMatchObject({ id: 9, rcode: Rcode.SERVFAIL });
    const none = await startDns([]);
    expect(decodeMessage(await udpAsk(none.port, query('example.com'))).header.rcode).toBe(Rcode.SERVFAIL);
  });

  it('retries a truncated upstream answer over TCP for a TCP client', async () => {
    const tcpUp: Server = createServer((s) => {
      s.on('data', (d: Buffer) => {
        const q = decodeMessage(d.subarray(2));
        s.write(frame(answerWith(q, [9, 9, 9, 9])));
      });
    });
    await new Promise<void>((resolve) => tcpUp.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => tcpUp.close(() => resolve())));
    const tcpPort = (tcpUp.address() as { port: number }).port;
    // A UDP upstream on the same port number, answering with TC set.
    const udpUp = createSocket('udp4');
    await new Promise<void>((resolve) => udpUp.bind(tcpPort, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => udpUp.close(() => resolve())));
    udpUp.on('message', (msg, peer) => {
      udpUp.send(answerWith(decodeMessage(msg), [], { tc: true }), peer.port, peer.address);
    });

    const { port } = await startDns([`127.0.0.1:${tcpPort}`]);
    const [tcpAnswer] = await tcpAsk(port, [frame(query('big.example', RRType.A, 3))], 1);
    expect(decodeMessage(tcpAnswer!).header).toMatchObject({ id: 3, tc: false });
    expect(ips(decodeMessage(tcpAnswer!))).toEqual(['9.9.9.9']);
    // A UDP client gets the truncated answer and retries over TCP itself.
    expect(decodeMessage(await udpAsk(port, query('big.example'))).header.tc).toBe(true);
  });

  it('answers FORMERR to garbage and keeps serving', async () => {
    const { dns, port } = await startDns([]);
    dns.setRecords('n1', new Map([['web', ['172.18.0.2']]]));
    const garbage = Buffer.from([0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    const m = decodeMessage(await udpAsk(port, garbage));
    expect(m.header).toMatchObject({ id: 0xabcd, rcode: Rcode.FORMERR });
    const s = createSocket('udp4');
    s.send(Buffer.from([1, 2, 3]), port, '127.0.0.1', () => s.close()); // too short: no answer
    const [tcpFormErr] = await tcpAsk(port, [frame(garbage)], 1);
    expect(decodeMessage(tcpFormErr!).header.rcode).toBe(Rcode.FORMERR);
    expect(ips(decodeMessage(await udpAsk(port, query('web'))))).toEqual(['172.18.0.2']);
  });

  it('treats serve of a served network as a no-op, and stop releases the port', async () => {
    const { dns, port } = await startDns([]);
    await dns.serve('n1', '127.0.0.1');
    dns.setRecords('n1', new Map([['web', ['10.0.0.1']]]));
    await dns.stop('n1');
    await expect(udpAsk(port, query('web'), '127.0.0.1', 300)).rejects.toThrow('no answer');
    await dns.stop('n1');
    await dns.stop('never-served');
    await dns.serve('n1', '127.0.0.1');
    // stop forgot the records: everything is forwarded, and with no upstream that is SERVFAIL.
    expect(decodeMessage(await udpAsk(port, query('web'))).header.rcode).toBe(Rcode.SERVFAIL);
  });

  it('reports a taken address as FailedPrecondition naming it', async () => {
    const { port } = await startDns([]);
    const other = new NetworkDns({ upstreams: [], log: silentLogger(), port });
    cleanup.push(() => other.close());
    const err = await other.serve('n2', '127.0.0.1').catch((e: unknown) => e);
    expect(kindOf(err)).toBe('FailedPrecondition');
    expect((err as Error).message).toMatch(`udp 127.0.0.1:${port}: address already in use`);
    // The failed attempt left nothing behind: serve can be retried.
    await expect(other.serve('n2', '127.0.0.1')).rejects.toThrow(/already in use/);
  });

  it('reports a TCP-only conflict and releases the UDP socket it had bound', async () => {
    const port = await udpPort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const dns = new NetworkDns({ upstreams: [], log: silentLogger(), port });
    cleanup.push(() => dns.close());
    await expect(dns.serve('n1', '127.0.0.1')).rejects.toThrow(
      `tcp 127.0.0.1:${port}: address already in use`,
    );
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('refuses bad addresses and serving after close', async () => {
    expect(() => new NetworkDns({ upstreams: ['dns.google'], log: silentLogger() })).toThrow(
      /not an IP address/,
    );
    expect(() => new NetworkDns({ upstreams: ['1.1.1.1:99999'], log: silentLogger() })).toThrow(/bad port/);
    const dns = new NetworkDns({
      upstreams: ['1.1.1.1', '1.1.1.1:5353', '[2001:db8::1]:53', '2001:db8::1'],
      log: silentLogger(),
      port: 1,
    });
    const bad = await dns.serve('n', 'gateway').catch((e: unknown) => e);
    expect(isInvalidArgument(bad)).toBe(true);
    await dns.close();
    await expect(dns.serve('n', '127.0.0.1')).rejects.toThrow(/closed/);
  });
});
