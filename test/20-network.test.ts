/**
 * System: berth-network behind the gateway, on real bridges, veths, network
 * namespaces, iptables and the CNI plugins. "Containers" are just attached
 * namespaces: commands run in them with nsenter. Traffic goes only to
 * loopback, the host's own address and the test's namespaces. Bridge names
 * and subnets are this file's own; afterAll removes them (and any rule
 * mentioning them) even when a test failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAny } from '@berth/events';
import { dial, unary } from '@berth/grpc';
import { ContainerDelete } from '@berth/proto/events';
import {
  NetworkCreate,
  NetworksClient,
  type AttachRequest,
  type AttachResponse,
} from '@berth/proto/berth/network/v1';
import { freePort, hasBinary, startSuite, waitFor, type Suite } from '@berth/testkit';
import { gatewayClients, kindOfRejection, rejectionOf, subscribe, triggerUntilReceived } from './helpers.js';
import { attachRequest, cleanHost, networkSkipReason, sh } from './network-helpers.js';

const ENV = {
  BERTH_NETWORK_DEFAULT_BRIDGE: 'bt20',
  BERTH_NETWORK_DEFAULT_SUBNET: '10.220.0.0/16',
  BERTH_NETWORK_SUBNET_POOL: '10.221.0.0/16',
};
const BRIDGES = ['bt20', 'bt20a', 'bt20b', 'bt20i'];
const MARKS = ['10.220.', '10.221.', '10.222.', 'bt20'];

const skip = networkSkipReason(() =>
  !hasBinary('nsenter') || !hasBinary('iptables') || !existsSync('/bin/busybox')
    ? 'nsenter, iptables or busybox is missing'
    : undefined,
);

const inNetns = (netns: string, args: string[]) => sh('nsenter', [`--net=${netns}`, ...args]);
const ping = async (netns: string, ip: string) =>
  (await inNetns(netns, ['busybox', 'ping', '-c', '1', '-W', '2', ip])).code === 0;

/** The host's own non-loopback IPv4 address. */
function hostAddress(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (/^(br-|bt|veth|berth)/.test(name)) continue;
    const a = addrs?.find((x) => x.family === 'IPv4' && !x.internal);
    if (a) return a.address;
  }
  throw new Error('no non-loopback IPv4 address on this host');
}

/** Starts a node one-liner inside a namespace; resolves once it printed "ready". */
async function serveIn(netns: string, script: string): Promise<ChildProcess> {
  const child = spawn('nsenter', [`--net=${netns}`, process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready')) resolve();
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => reject(new Error(`server in ${netns} exited ${code}: ${out}`)));
  });
  return child;
}

const TCP_SERVER = (port: number, word: string) =>
  `require('net').createServer(s=>s.end('${word}')).listen(${port},()=>console.log('ready'))`;
const UDP_ECHO = (port: number) =>
  `const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send('echo:'+m,r.port,r.address));s.bind(${port},()=>console.log('ready'))`;

function tcpRead(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const s = connect({ host, port }, () => undefined);
    s.setTimeout(5_000, () => s.destroy(new Error(`timeout reading ${host}:${port}`)));
    s.on('data', (b) => (out += b.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

function udpAsk(host: string, port: number, msg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      reject(new Error(`no udp answer from ${host}:${port}`));
    }, 3_000);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m.toString());
    });
    s.send(msg, port, host);
  });
}

describe.skipIf(skip !== undefined)(`berth-network ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let net: NetworksClient;
  let gw: ReturnType<typeof gatewayClients>;
  const attached = new Set<string>();
  const servers: ChildProcess[] = [];

  const attach = async (
    req: Partial<AttachRequest> & { containerId: string },
    ns?: string,
  ): Promise<AttachResponse> => {
    const r = await unary(net, net.attach, attachRequest(req), ns ? { ns } : {});
    attached.add(`${ns ?? 'default'}/${req.containerId}`);
    return r;
  };
  const detach = async (id: string, ns?: string) => {
    await unary(net, net.detach, { containerId: id }, ns ? { ns } : {});
    attached.delete(`${ns ?? 'default'}/${id}`);
  };
  const create = (
    name: string,
    o: { bridge?: string; subnet?: string; internal?: boolean } = {},
    ns?: string,
  ) =>
    unary(
      net,
      net.create,
      {
        name,
        driver: '',
        ipam: o.subnet ? [{ subnet: o.subnet, gateway: '', ipRange: '' }] : [],
        internal: o.internal ?? false,
        mtu: 0,
        labels: { test: '20' },
        enableIpv6: false,
        bridge: o.bridge ?? '',
      },
      ns ? { ns } : {},
    ).then((r) => r.network!);

  beforeAll(async () => {
    await cleanHost(BRIDGES, MARKS);
    suite = await startSuite({ services: ['network'], env: ENV });
    net = dial(NetworksClient, suite.address);
    gw = gatewayClients(suite.address);
  });

  afterAll(async () => {
    try {
      for (const s of servers) s.kill('SIGKILL');
      for (const key of attached) {
        const [ns, id] = key.split('/') as [string, string];
        await unary(net, net.detach, { containerId: id }, { ns }).catch(() => undefined);
      }
      for (const ns of ['default', 'n20ns'])
        for (const n of (await unary(net, net.list, { filters: [] }, { ns }).catch(() => ({ networks: [] })))
          .networks)
          await unary(net, net.delete, { name: n.id }, { ns }).catch(() => undefined);
    } finally {
      net?.close();
      gw?.close();
      await suite?.stop();
      await cleanHost(BRIDGES, MARKS);
    }
  });

  describe('networks', () => {
    it('lists the predefined bridge, host and none networks, and refuses to delete them', async () => {
      const { networks } = await unary(net, net.list, { filters: [] });
      expect(networks.map((n) => [n.name, n.driver])).toEqual([
        ['bridge', 'bridge'],
        ['host', 'host'],
        ['none', 'null'],
      ]);
      const bridge = networks[0]!;
      expect(bridge.bridge).toBe('bt20');
      expect(bridge.ipam).toEqual([{ subnet: '10.220.0.0/16', gateway: '10.220.0.1', ipRange: '' }]);
      expect(bridge.id).toMatch(/^[0-9a-f]{64}$/);
      const err = await rejectionOf(unary(net, net.delete, { name: 'bridge' }));
      expect(err.message).toMatch(/pre-defined network and cannot be removed/);
      expect(await kindOfRejection(unary(net, net.delete, { name: 'none' }))).toBe('FailedPrecondition');
      // The default bridge exists on the host with its gateway address.
      expect((await sh('ip', ['-br', 'addr', 'show', 'bt20'])).stdout).toMatch(/10\.220\.0\.1\/16/);
    });

    it('creates, gets (by name, id, id prefix), filters and deletes a user-defined network with its bridge', async () => {
      const n = await create('n20x', { bridge: 'bt20i', subnet: '10.222.9.0/24' });
      expect(n.id).toMatch(/^[0-9a-f]{64}$/);
      expect(n.ipam).toEqual([{ subnet: '10.222.9.0/24', gateway: '10.222.9.1', ipRange: '' }]);
      for (const ref of ['n20x', n.id, n.id.slice(0, 10)])
        expect((await unary(net, net.get, { name: ref })).network?.id).toBe(n.id);
      const filtered = await unary(net, net.list, { filters: ['labels.test==20'] });
      expect(filtered.networks.map((x) => x.name)).toEqual(['n20x']);
      expect((await sh('ip', ['-br', 'addr', 'show', 'bt20i'])).stdout).toMatch(/10\.222\.9\.1\/24/);
      expect((await sh('iptables', ['-S', 'BERTH-ISOLATION-2'])).stdout).toContain('-o bt20i -j DROP');

      expect(await kindOfRejection(create('n20x', { subnet: '10.222.8.0/24' }))).toBe('AlreadyExists');
      const overlap = await rejectionOf(create('n20y', { subnet: '10.222.9.128/25' }));
      expect(overlap.message).toMatch(/Pool overlaps with other one on this address space/);
      expect(await kindOfRejection(create('n20y', { bridge: 'bt20i' }))).toBe('AlreadyExists');

      await unary(net, net.delete, { name: 'n20x' });
      expect(await kindOfRejection(unary(net, net.get, { name: 'n20x' }))).toBe('NotFound');
      expect((await sh('ip', ['link', 'show', 'bt20i'])).code).not.toBe(0);
      expect((await sh('iptables', ['-S'])).stdout).not.toContain('bt20i');
    });

    it('picks a subnet from the pool when none is given, skipping those in use', async () => {
      const a = await create('n20p1');
      const b = await create('n20p2');
      expect(a.ipam[0]?.subnet).toBe('10.221.0.0/24');
      expect(b.ipam[0]?.subnet).toBe('10.221.1.0/24');
      expect(a.bridge).toBe(`br-${a.id.slice(0, 12)}`);
      await unary(net, net.delete, { name: a.id });
      await unary(net, net.delete, { name: 'n20p2' });
      expect((await sh('ip', ['link', 'show', a.bridge])).code).not.toBe(0);
    });

    it('publishes /networks/create with the NetworkCreate payload', async () => {
      const stream = subscribe(gw.events, ['topic~="/networks/create"']);
      let n = 0;
      try {
        const env = await triggerUntilReceived(stream, async () => {
          const made = await create(`n20ev${n++}`);
          await unary(net, net.delete, { name: made.id });
        });
        expect(env.topic).toBe('/networks/create');
        expect(env.event?.typeUrl).toBe('berth.network.v1.NetworkCreate');
        const payload = NetworkCreate.decode(env.event!.value);
        expect(payload.name).toMatch(/^n20ev\d+$/);
        expect(payload.driver).toBe('bridge');
      } finally {
        stream.close();
      }
    });

    it('prunes the user-defined networks no container uses', async () => {
      await create('n20pr1', { subnet: '10.222.5.0/24' });
      await create('n20pr2', { subnet: '10.222.6.0/24' });
      await attach({ containerId: 't20-pr', mode: 'n20pr2' });
      const { deleted } = await unary(net, net.prune, {});
      expect(deleted).toEqual(['n20pr1']);
      await detach('t20-pr');
      expect((await unary(net, net.prune, {})).deleted).toEqual(['n20pr2']);
      expect((await unary(net, net.list, { filters: [] })).networks.map((n) => n.name)).toEqual([
        'bridge',
        'host',
        'none',
      ]);
    });

    it('keeps networks per namespace, and a namespace holding one cannot be deleted', async () => {
      await create('n20scoped', { subnet: '10.222.7.0/24' }, 'n20ns');
      expect(await kindOfRejection(unary(net, net.get, { name: 'n20scoped' }))).toBe('NotFound');
      const err = await rejectionOf(unary(gw.namespaces, gw.namespaces.delete, { name: 'n20ns' }));
      expect(err.message).toMatch(/1 network\b/);
      await unary(net, net.delete, { name: 'n20scoped' }, { ns: 'n20ns' });
      await unary(gw.namespaces, gw.namespaces.delete, { name: 'n20ns' });
    });
  });

  describe('attachments', () => {
    let a1: AttachResponse;
    let a2: AttachResponse;
    let b1: AttachResponse;

    beforeAll(async () => {
      await create('n20a', { bridge: 'bt20a', subnet: '10.222.1.0/24' });
      await create('n20b', { bridge: 'bt20b', subnet: '10.222.2.0/24' });
    });

    it('attaches two containers on one network; they reach each other by address and by name', async () => {
      a1 = await attach({
        containerId: 't20-a1',
        name: 'web',
        mode: 'n20a',
        endpoints: [{ network: 'n20a', aliases: ['www'], ip: '' }],
      });
      a2 = await attach({ containerId: 't20-a2', name: 'db', mode: 'n20a', hostname: 'dbhost' });
      expect(a1.netns).toMatch(/\/network\/netns\/default\/t20-a1$/);
      expect(existsSync(a1.netns)).toBe(true);
      const e1 = a1.endpoints[0]!;
      expect(e1).toMatchObject({
        network: 'n20a',
        interface: 'eth0',
        prefixLen: 24,
        gateway: '10.222.1.1',
        aliases: ['www'],
      });
      expect(e1.ip).toMatch(/^10\.222\.1\.\d+$/);
      expect(e1.mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      const ip2 = a2.endpoints[0]!.ip;
      expect(await ping(a1.netns, ip2)).toBe(true);
      expect(await ping(a2.netns, e1.ip)).toBe(true);

      expect(readFileSync(a2.hostsPath, 'utf8')).toContain(`${ip2}\tdbhost`);
      expect(readFileSync(a2.hostnamePath, 'utf8')).toBe('dbhost\n');
      expect(readFileSync(a1.resolvConfPath, 'utf8')).toMatch(/^nameserver 10\.222\.1\.1$/m);
      // The network's DNS answers container names and aliases.
      const lookup = await inNetns(a2.netns, ['busybox', 'nslookup', 'www', '10.222.1.1']);
      expect(lookup.stdout).toContain(e1.ip);
      const byName = await inNetns(a1.netns, ['busybox', 'nslookup', 'db', '10.222.1.1']);
      expect(byName.stdout).toContain(ip2);

      const got = await unary(net, net.get, { name: 'n20a' });
      expect(got.network?.containers.sort()).toEqual(['t20-a1', 't20-a2']);
      const inUse = await rejectionOf(unary(net, net.delete, { name: 'n20a' }));
      expect(inUse.message).toMatch(/has active endpoints/);
      expect(await kindOfRejection(attach({ containerId: 't20-a1' }))).toBe('AlreadyExists');
    });

    it('isolates two user-defined networks from each other', async () => {
      b1 = await attach({ containerId: 't20-b1', mode: 'n20b' });
      const ipB = b1.endpoints[0]!.ip;
      expect(ipB).toMatch(/^10\.222\.2\./);
      expect(await ping(b1.netns, '10.222.2.1')).toBe(true);
      expect(await ping(b1.netns, a1.endpoints[0]!.ip)).toBe(false);
      expect(await ping(a1.netns, ipB)).toBe(false);
      const rules = (await sh('sh', ['-c', 'iptables -S | grep -i berth'])).stdout;
      expect(rules).toContain('-A FORWARD -j BERTH-ISOLATION-1');
      expect(rules).toContain('-A BERTH-ISOLATION-1 -i bt20a ! -o bt20a -j BERTH-ISOLATION-2');
      expect(rules).toContain('-A BERTH-ISOLATION-2 -o bt20b -j DROP');
      // BERTH-ISOLATION-1 comes before the firewall plugin's ACCEPTs.
      expect((await sh('iptables', ['-S', 'FORWARD'])).stdout.split('\n')[1]).toBe(
        '-A FORWARD -j BERTH-ISOLATION-1',
      );
    });

    it('gives an internal network no way out: no default route, no masquerade, no forwarding to other bridges', async () => {
      await create('n20i', { bridge: 'bt20i', subnet: '10.222.3.0/24', internal: true });
      const i1 = await attach({ containerId: 't20-i1', mode: 'n20i' });
      const ip = i1.endpoints[0]!.ip;
      expect((await inNetns(i1.netns, ['ip', 'route'])).stdout).not.toMatch(/^default/m);
      expect(await ping(i1.netns, '10.222.3.1')).toBe(true);
      expect(await ping(b1.netns, ip)).toBe(false);
      const filter = (await sh('iptables', ['-S', 'BERTH-ISOLATION-1'])).stdout;
      expect(filter).toContain('-A BERTH-ISOLATION-1 -i bt20i ! -o bt20i -j DROP');
      expect(filter).toContain('-A BERTH-ISOLATION-1 ! -i bt20i -o bt20i -j DROP');
      expect((await sh('iptables', ['-t', 'nat', '-S'])).stdout).not.toContain(`-s ${ip}/32`);
      await detach('t20-i1');
      await unary(net, net.delete, { name: 'n20i' });
      expect((await sh('iptables', ['-S'])).stdout).not.toContain('bt20i');
    });

    it('connects a running container to a second network as eth1, and disconnects it', async () => {
      const r = await unary(net, net.connect, {
        containerId: 't20-a1',
        endpoint: { network: 'n20b', aliases: [], ip: '10.222.2.50' },
      });
      expect(r.endpoint).toMatchObject({ network: 'n20b', interface: 'eth1', ip: '10.222.2.50' });
      expect(await ping(a1.netns, b1.endpoints[0]!.ip)).toBe(true);
      expect(readFileSync(a1.hostsPath, 'utf8')).toContain('10.222.2.50');
      const eps = await unary(net, net.endpoints, { containerId: 't20-a1' });
      expect(eps.endpoints.map((e) => e.interface)).toEqual(['eth0', 'eth1']);
      expect(
        await kindOfRejection(
          unary(net, net.connect, {
            containerId: 't20-a1',
            endpoint: { network: 'n20b', aliases: [], ip: '' },
          }),
        ),
      ).toBe('AlreadyExists');

      await unary(net, net.disconnect, { containerId: 't20-a1', network: 'n20b' });
      expect((await inNetns(a1.netns, ['ip', 'link', 'show', 'eth1'])).code).not.toBe(0);
      expect(await ping(a1.netns, b1.endpoints[0]!.ip)).toBe(false);
      expect((await unary(net, net.endpoints, { containerId: 't20-a1' })).endpoints).toHaveLength(1);
      expect(
        await kindOfRejection(unary(net, net.disconnect, { containerId: 't20-a1', network: 'n20b' })),
      ).toBe('NotFound');
    });

    it('rolls back every endpoint when a later one fails (address in use on the second network)', async () => {
      const veths = async () =>
        (await sh('ip', ['-o', 'link', 'show', 'master', 'bt20a'])).stdout.trim().split('\n').length;
      const before = await veths();
      const err = await rejectionOf(
        attach({
          containerId: 't20-multi',
          mode: 'n20a,n20b',
          endpoints: [{ network: 'n20b', aliases: [], ip: b1.endpoints[0]!.ip }],
        }),
      );
      expect(err.message).toMatch(/^cni plugin bridge failed \(ADD\): .*is not available/);
      expect(await kindOfRejection(Promise.reject(err))).toBe('AlreadyExists');
      expect(await veths()).toBe(before);
      expect(existsSync(a1.netns.replace('t20-a1', 't20-multi'))).toBe(false);
      expect(await kindOfRejection(unary(net, net.endpoints, { containerId: 't20-multi' }))).toBe('NotFound');
      attached.delete('default/t20-multi');
    });

    it('gives none mode a namespace with only lo, host mode none, and container mode the other one', async () => {
      const none = await attach({ containerId: 't20-none', mode: 'none' });
      const links = (await inNetns(none.netns, ['ip', '-o', 'link'])).stdout.trim().split('\n');
      expect(links).toHaveLength(1);
      expect(links[0]).toMatch(/^1: lo: <LOOPBACK,UP/);
      const host = await attach({ containerId: 't20-host', mode: 'host' });
      expect(host.netns).toBe('');
      expect(host.endpoints).toEqual([]);
      const shared = await attach({ containerId: 't20-shared', mode: 'container:t20-a2' });
      expect(shared.netns).toBe(a2.netns);
      expect(shared.hostsPath).toBe(a2.hostsPath);
      expect(await kindOfRejection(attach({ containerId: 't20-shared2', mode: 'container:t20-host' }))).toBe(
        'FailedPrecondition',
      );
      await detach('t20-shared');
      expect(existsSync(a2.netns)).toBe(true);
      await detach('t20-host');
      await detach('t20-none');
      expect(existsSync(none.netns)).toBe(false);
    });

    it('publishes tcp and udp ports on 127.0.0.1 and the host address, and removes the rules on detach', async () => {
      const tcpPort = await freePort();
      const udpPort = await freePort();
      const p = await attach({
        containerId: 't20-web',
        mode: 'n20a',
        ports: [
          { hostIp: '', hostPort: tcpPort, containerPort: 80, protocol: 'tcp' },
          { hostIp: '', hostPort: udpPort, containerPort: 53, protocol: 'udp' },
          { hostIp: '', hostPort: 0, containerPort: 81, protocol: 'tcp' },
        ],
      });
      const picked = p.ports.find((x) => x.containerPort === 81)!.hostPort;
      expect(picked).toBeGreaterThanOrEqual(49153);
      expect(picked).toBeLessThanOrEqual(60999);
      servers.push(await serveIn(p.netns, TCP_SERVER(80, 'hello-80')));
      servers.push(await serveIn(p.netns, TCP_SERVER(81, 'hello-81')));
      servers.push(await serveIn(p.netns, UDP_ECHO(53)));

      expect(await tcpRead('127.0.0.1', tcpPort)).toBe('hello-80');
      expect(await tcpRead(hostAddress(), tcpPort)).toBe('hello-80');
      expect(await tcpRead('127.0.0.1', picked)).toBe('hello-81');
      expect(await udpAsk('127.0.0.1', udpPort, 'ping')).toBe('echo:ping');
      expect(await udpAsk(hostAddress(), udpPort, 'pong')).toBe('echo:pong');
      // Containers on the same network reach the published port through the host too (hairpin).
      const viaHost = await inNetns(a2.netns, ['busybox', 'nc', '-w', '3', hostAddress(), String(tcpPort)]);
      expect(viaHost.stdout).toBe('hello-80');

      // The port is held on the host: another program cannot bind it, another container cannot map it.
      const taken = await rejectionOf(
        new Promise<void>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(tcpPort, '0.0.0.0', () => s.close(() => resolve()));
        }),
      );
      expect((taken as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
      const refused = await rejectionOf(
        attach({
          containerId: 't20-web2',
          mode: 'n20a',
          ports: [{ hostIp: '', hostPort: tcpPort, containerPort: 80, protocol: 'tcp' }],
        }),
      );
      expect(refused.message).toContain(`Bind for 0.0.0.0:${tcpPort} failed: port is already allocated`);
      expect(existsSync(a1.netns.replace('t20-a1', 't20-web2'))).toBe(false);

      const nat = (await sh('iptables', ['-t', 'nat', '-S'])).stdout;
      const mentions = (text: string, port: number) => new RegExp(`--dports? ${port}\\b`).test(text);
      expect(mentions(nat, tcpPort)).toBe(true);
      const veths = async () =>
        (await sh('ip', ['-o', 'link', 'show', 'master', 'bt20a'])).stdout.trim().split('\n').length;
      const before = await veths();
      await detach('t20-web');
      const after = (await sh('iptables', ['-t', 'nat', '-S'])).stdout;
      expect(mentions(after, tcpPort)).toBe(false);
      expect(mentions(after, udpPort)).toBe(false);
      expect(mentions(after, picked)).toBe(false);
      expect(await veths()).toBe(before - 1);
      expect(existsSync(p.netns)).toBe(false);
      expect(existsSync(p.hostsPath)).toBe(false);
      // The port is free again.
      await new Promise<void>((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(tcpPort, '0.0.0.0', () => s.close(() => resolve()));
      });
      // Detach is idempotent.
      await unary(net, net.detach, { containerId: 't20-web' });
    });

    it('refuses a port another host program holds, with docker message', async () => {
      const s = createServer();
      const port = await new Promise<number>((resolve) =>
        s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)),
      );
      try {
        const err = await rejectionOf(
          attach({
            containerId: 't20-held',
            mode: 'n20a',
            ports: [{ hostIp: '127.0.0.1', hostPort: port, containerPort: 80, protocol: 'tcp' }],
          }),
        );
        expect(err.message).toContain(`Bind for 127.0.0.1:${port} failed: port is already allocated`);
        expect(await kindOfRejection(unary(net, net.endpoints, { containerId: 't20-held' }))).toBe(
          'NotFound',
        );
      } finally {
        s.close();
      }
    });

    it('detaches a container when berth-runtime reports it deleted (/containers/delete)', async () => {
      const d = await attach({ containerId: 't20-gone', mode: 'n20a' });
      const event = packAny('containerd.events.ContainerDelete', ContainerDelete, { id: 't20-gone' });
      await unary(gw.events, gw.events.publish, { topic: '/containers/delete', event });
      // The record goes last (teardown works from it after a crash): wait for it, then check the file.
      await waitFor(
        async () =>
          (await kindOfRejection(unary(net, net.endpoints, { containerId: 't20-gone' }))) === 'NotFound'
            ? true
            : undefined,
        { timeoutMs: 10_000, what: 'the deleted container to be detached' },
      );
      expect(existsSync(d.netns)).toBe(false);
      attached.delete('default/t20-gone');
    });

    it('gives the default bridge the host resolvers and no DNS by name, and refuses aliases there', async () => {
      const d = await attach({
        containerId: 't20-def',
        dns: ['192.0.2.53'],
        extraHosts: ['gw.test:10.220.0.1'],
      });
      expect(d.endpoints[0]).toMatchObject({ network: 'bridge', interface: 'eth0', gateway: '10.220.0.1' });
      expect(readFileSync(d.resolvConfPath, 'utf8')).toMatch(/^nameserver 192\.0\.2\.53$/m);
      expect(readFileSync(d.hostsPath, 'utf8')).toContain('10.220.0.1\tgw.test');
      expect(await ping(d.netns, '10.220.0.1')).toBe(true);
      expect(
        await kindOfRejection(
          attach({ containerId: 't20-def2', endpoints: [{ network: 'bridge', aliases: ['x'], ip: '' }] }),
        ),
      ).toBe('InvalidArgument');
      await detach('t20-def');
    });
  });
});
