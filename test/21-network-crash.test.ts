/**
 * System: a kill -9 of berth-network at any time leaks nothing. Attachments
 * made before the crash are taken back (ports held again) and detach cleanly;
 * attachments a crash interrupted, or whose namespace vanished, and namespace
 * files nobody owns are removed at start-up — no namespace file, veth, DNAT
 * rule or IPAM allocation is left. Bridges and subnets are this file's own;
 * afterAll removes them (and any rule mentioning them) even on failure.
 */
import { readdirSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, unary } from '@berth/grpc';
import { NetworksClient, type AttachRequest, type AttachResponse } from '@berth/proto/berth/network/v1';
import {
  freePort,
  hasBinary,
  startService,
  startSuite,
  type ServiceProcess,
  type Suite,
} from '@berth/testkit';
import { kindOfRejection } from './helpers.js';
import { attachRequest, cleanHost, networkSkipReason, sh } from './network-helpers.js';

const ENV = {
  BERTH_NETWORK_DEFAULT_BRIDGE: 'bt21',
  BERTH_NETWORK_DEFAULT_SUBNET: '10.210.0.0/16',
  BERTH_NETWORK_SUBNET_POOL: '10.211.0.0/16',
};
const BRIDGES = ['bt21', 'bt21a'];
const MARKS = ['10.210.', '10.211.', '10.212.', 'bt21'];

const skip = networkSkipReason(() =>
  !hasBinary('nsenter') || !hasBinary('iptables') || !hasBinary('unshare')
    ? 'nsenter, unshare or iptables is missing'
    : undefined,
);

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });

describe.skipIf(skip !== undefined)(`berth-network after kill -9 ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let net: NetworksClient;
  let current: ServiceProcess;
  let restarted: ServiceProcess | undefined;
  const ids = new Set<string>();

  const netnsDir = () => join(suite.state, 'network', 'netns');
  const ipamDir = () => join(suite.state, 'network', 'ipam', 'bt21a');
  const attach = (req: Partial<AttachRequest> & { containerId: string }): Promise<AttachResponse> => {
    ids.add(req.containerId);
    return unary(net, net.attach, attachRequest({ mode: 'n21', ...req }));
  };
  const crashAndRestart = async () => {
    await current.kill9();
    await restarted?.stop();
    restarted = await startService('network', {
      root: suite.root,
      state: suite.state,
      nats: suite.natsUrl,
      env: ENV,
    });
    current = restarted;
  };
  /** What a leak would look like: namespace files, veths on the bridge, NAT rules, IPAM allocations. */
  const leftovers = async () => {
    const files = existsSync(netnsDir())
      ? readdirSync(netnsDir(), { recursive: true, withFileTypes: true })
          .filter((d) => d.isFile())
          .map((d) => d.name)
      : [];
    const veths = (await sh('ip', ['-o', 'link', 'show', 'master', 'bt21a'])).stdout.trim();
    const nat = (await sh('iptables', ['-t', 'nat', '-S'])).stdout
      .split('\n')
      .filter((l) => l.includes('10.212.'));
    const filter = (await sh('iptables', ['-S'])).stdout.split('\n').filter((l) => l.includes('10.212.'));
    const ips = existsSync(ipamDir())
      ? readdirSync(ipamDir()).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f))
      : [];
    return { files, veths, nat, filter, ips };
  };
  const clean = { files: [], veths: '', nat: [], filter: [], ips: [] };
  /** Attachments the crashes caught half made (reconcile logged their removal). */
  let interrupted = 0;

  beforeAll(async () => {
    await cleanHost(BRIDGES, MARKS);
    suite = await startSuite({ services: ['network'], env: ENV });
    current = suite.services['network']!;
    net = dial(NetworksClient, suite.address);
    await unary(net, net.create, {
      name: 'n21',
      driver: '',
      ipam: [{ subnet: '10.212.1.0/24', gateway: '', ipRange: '' }],
      internal: false,
      mtu: 0,
      labels: {},
      enableIpv6: false,
      bridge: 'bt21a',
    });
  });

  afterAll(async () => {
    // The delays are meant to catch attaches mid-way; say how often they did.
    console.log(`berth-network crash test: ${interrupted} interrupted attachment(s) removed at restart`);
    try {
      for (const id of ids) await unary(net, net.detach, { containerId: id }).catch(() => undefined);
      await unary(net, net.delete, { name: 'n21' }).catch(() => undefined);
    } finally {
      net?.close();
      await restarted?.stop();
      await suite?.stop();
      await cleanHost(BRIDGES, MARKS);
    }
  });

  it('takes back an attachment made before the crash, holds its port again, and detaches it cleanly', async () => {
    const port = await freePort();
    const a = await attach({
      containerId: 't21-keep',
      ports: [{ hostIp: '', hostPort: port, containerPort: 80, protocol: 'tcp' }],
    });
    await crashAndRestart();
    const eps = await unary(net, net.endpoints, { containerId: 't21-keep' });
    expect(eps.netns).toBe(a.netns);
    expect(eps.endpoints[0]?.ip).toBe(a.endpoints[0]?.ip);
    expect(eps.ports.map((p) => p.hostPort)).toEqual([port]);
    expect(await portIsFree(port)).toBe(false);
    expect((await sh('iptables', ['-t', 'nat', '-S'])).stdout).toMatch(new RegExp(`--dports? ${port}\\b`));

    await unary(net, net.detach, { containerId: 't21-keep' });
    ids.delete('t21-keep');
    expect(await leftovers()).toEqual(clean);
    expect(await portIsFree(port)).toBe(true);
    expect((await sh('iptables', ['-t', 'nat', '-S'])).stdout).not.toMatch(
      new RegExp(`--dports? ${port}\\b`),
    );
  });

  it('removes an attachment whose namespace vanished while berth-network was down, with its rules and address', async () => {
    const port = await freePort();
    const a = await attach({
      containerId: 't21-lost',
      ports: [{ hostIp: '', hostPort: port, containerPort: 80, protocol: 'tcp' }],
    });
    await current.kill9();
    await sh('umount', [a.netns]);
    await sh('rm', ['-f', a.netns]);
    await crashAndRestart();
    expect(await kindOfRejection(unary(net, net.endpoints, { containerId: 't21-lost' }))).toBe('NotFound');
    ids.delete('t21-lost');
    expect(await leftovers()).toEqual(clean);
    expect(await portIsFree(port)).toBe(true);
  });

  it('removes namespace files nobody owns', async () => {
    const orphan = join(netnsDir(), 'default', 't21-orphan');
    await sh('mkdir', ['-p', join(netnsDir(), 'default')]);
    await sh('touch', [orphan]);
    expect((await sh('unshare', [`--net=${orphan}`, 'true'])).code).toBe(0);
    await crashAndRestart();
    expect(existsSync(orphan)).toBe(false);
  });

  for (const delayMs of [30, 120, 300]) {
    it(`leaks nothing when killed ${delayMs} ms into concurrent attaches`, async () => {
      const batch = Array.from({ length: 5 }, (_, i) => `t21-r${delayMs}-${i}`);
      const ports = await Promise.all(batch.map(() => freePort()));
      const pending = batch.map((id, i) =>
        attach({
          containerId: id,
          ports: [{ hostIp: '', hostPort: ports[i]!, containerPort: 80, protocol: 'tcp' }],
        }).catch(() => undefined),
      );
      await sleep(delayMs);
      const stale = () => (current.log().match(/removing stale network attachment/g) ?? []).length;
      const before = stale();
      await crashAndRestart();
      await Promise.all(pending);
      interrupted += stale() - before;
      // Whatever survived start-up is whole: detach it; the rest must already be gone.
      for (const id of batch) {
        const eps = await unary(net, net.endpoints, { containerId: id }).catch(() => undefined);
        if (eps) {
          expect(eps.endpoints).toHaveLength(1);
          expect(eps.endpoints[0]?.ip).toMatch(/^10\.212\.1\./);
          await unary(net, net.detach, { containerId: id });
        }
        ids.delete(id);
      }
      expect(await leftovers()).toEqual(clean);
      for (const p of ports) expect(await portIsFree(p)).toBe(true);
    });
  }
});
