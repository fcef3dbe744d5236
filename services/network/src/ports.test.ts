import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlreadyExists, isInvalidArgument } from '@berth/errdefs';
import { clashes, normalizePort, PortTable } from './ports.js';

const tcp = (hostPort: number, hostIp = '127.0.0.1') => ({
  hostIp,
  hostPort,
  containerPort: 80,
  protocol: 'tcp',
});
const canBind = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

describe('ports', () => {
  const tables: PortTable[] = [];
  const table = (start = 40000, end = 40100) => {
    const t = new PortTable({ start, end });
    tables.push(t);
    return t;
  };
  afterEach(async () => {
    for (const t of tables.splice(0)) await t.close();
  });

  it('normalises mappings and refuses bad ones', () => {
    expect(normalizePort({ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'UDP' })).toEqual({
      hostIp: '',
      hostPort: 8080,
      containerPort: 80,
      protocol: 'udp',
    });
    expect(normalizePort({ hostIp: '', hostPort: 0, containerPort: 80, protocol: '' }).protocol).toBe('tcp');
    for (const bad of [
      { hostIp: '', hostPort: 1, containerPort: 0, protocol: 'tcp' },
      { hostIp: '', hostPort: 70000, containerPort: 80, protocol: 'tcp' },
      { hostIp: '', hostPort: 1, containerPort: 80, protocol: 'icmp' },
      { hostIp: '::1', hostPort: 1, containerPort: 80, protocol: 'tcp' },
    ]) {
      let err: unknown;
      try {
        normalizePort(bad);
      } catch (e) {
        err = e;
      }
      expect(isInvalidArgument(err)).toBe(true);
    }
  });

  it('knows which mappings want the same host port', () => {
    expect(clashes(tcp(80, ''), tcp(80, '127.0.0.1'))).toBe(true);
    expect(clashes(tcp(80, '127.0.0.1'), tcp(80, '127.0.0.2'))).toBe(false);
    expect(clashes(tcp(80), { ...tcp(80), protocol: 'udp' })).toBe(false);
  });

  it('holds a reserved port, refuses it twice with docker message, and frees it on release', async () => {
    const port = await freePort();
    const t = table();
    expect(await t.reserve('a', [tcp(port)])).toEqual([tcp(port)]);
    expect(await canBind(port)).toBe(false);
    const err = await t.reserve('b', [tcp(port)]).catch((e: unknown) => e);
    expect(isAlreadyExists(err)).toBe(true);
    expect((err as Error).message).toBe(`Bind for 127.0.0.1:${port} failed: port is already allocated`);
    await t.release('a');
    expect(await canBind(port)).toBe(true);
  });

  it('refuses a port another program holds, all or nothing', async () => {
    const held = createServer();
    const port = await new Promise<number>((r) =>
      held.listen(0, '127.0.0.1', () => r((held.address() as { port: number }).port)),
    );
    const other = await freePort();
    const t = table();
    try {
      expect(isAlreadyExists(await t.reserve('a', [tcp(other), tcp(port)]).catch((e: unknown) => e))).toBe(
        true,
      );
      expect(t.of('a')).toEqual([]);
      expect(await canBind(other)).toBe(true);
    } finally {
      held.close();
    }
  });

  it('picks free ports from its range for host port 0, and takes ports back after a restart', async () => {
    const start = (await freePort()) + 1;
    const t = table(start, start + 50);
    const [a] = await t.reserve('a', [tcp(0)]);
    const [b] = await t.reserve('b', [tcp(0)]);
    expect(a!.hostPort).toBeGreaterThanOrEqual(start);
    expect(b!.hostPort).not.toBe(a!.hostPort);
    await t.close();
    const again = table(start, start + 50);
    expect(await again.adopt('a', [a!])).toEqual({ lost: [] });
    expect(await canBind(a!.hostPort)).toBe(false);
  });
});
