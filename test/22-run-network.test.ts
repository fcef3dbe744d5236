/**
 * System: `berth run` with networks — published ports reached from the host, -P with an
 * image's EXPOSE and `berth port`, user-defined networks with DNS names and aliases, --link on
 * the default bridge, host/none/container: modes, --dns/--add-host/--hostname in the container's
 * files, a taken host port, `network create|ls|inspect|connect|disconnect|rm`, and removal
 * releasing everything. Real runc, berth-network, CNI plugins and iptables. Traffic goes only
 * to loopback and the test's own containers. The suite has its own bridge and subnets
 * (testkit), and its stop() removes them.
 */
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, hasBinary, runProcess, serviceEntry, waitFor, type CliResult } from '@berth/testkit';
import { startContainerSuite, type ContainerSuite } from './containers.js';
import { missingImagePrerequisite } from './helpers.js';

const skip = !existsSync('/usr/lib/cni/bridge')
  ? 'containernetworking-plugins is not installed'
  : !hasBinary('iptables') || !hasBinary('ip')
    ? 'iptables or ip is missing'
    : !existsSync(serviceEntry('network'))
      ? 'berth-network is not built'
      : missingImagePrerequisite();

const ID = /^[0-9a-f]{64}$/;
/** busybox httpd serving `hello` from /www on port 80. */
const HTTPD = ['sh', '-c', 'mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 80 -h /www'];

/** GET http://127.0.0.1:port/ → the body (rejects on error or a status other than 200). */
function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/', timeout: 3_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Waits until the container's httpd answers through the published port. */
const served = (port: number) =>
  waitFor(() => httpGet(port).catch(() => undefined), { timeoutMs: 15_000, what: `httpd on :${port}` });

/** Whether a host program can listen on `port` (all addresses). */
const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });

const natMentions = async (port: number) =>
  new RegExp(`--dports? ${port}\\b`).test((await runProcess('iptables', ['-t', 'nat', '-S'])).stdout);

describe.skipIf(skip !== undefined)(`berth run with networks ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let s: ContainerSuite;
  /** A /24 of the suite's own pool, e.g. 10.237.7.0/24. */
  let mySubnet: string;
  let webPort: number;

  const berth = (args: string[], timeoutMs = 30_000): Promise<CliResult> => s.cli(args, { timeoutMs });
  const ok = async (args: string[], timeoutMs = 30_000): Promise<string> =>
    (await s.ok(args, { timeoutMs })).stdout;
  const ipOf = async (container: string) =>
    /inet (\d+\.\d+\.\d+\.\d+)\//.exec(
      await ok(['exec', container, 'ip', '-o', '-4', 'addr', 'show', 'eth0']),
    )?.[1];

  beforeAll(async () => {
    s = await startContainerSuite('berth-net22-', {
      extraServices: ['network'],
      importImage: (c, archive) => c.ok(['load', '-q', '-i', archive], { timeoutMs: 60_000 }),
    });
    mySubnet = s.suite.network!.subnetPool.replace(/\.0\.0\/16$/, '.7.0/24');
  });

  afterAll(async () => {
    await s?.stop();
  });

  it('publishes a port: the host reaches the container, ps and port show it', async () => {
    webPort = await freePort();
    const id = (await ok(['run', '-d', '--name', 'web1', '-p', `${webPort}:80`, 'busybox', ...HTTPD])).trim();
    expect(id).toMatch(ID);
    expect(await served(webPort)).toBe('hello\n');
    expect(await ok(['port', 'web1'])).toBe(`80/tcp -> 0.0.0.0:${webPort}\n`);
    expect(await ok(['port', 'web1', '80/tcp'])).toBe(`0.0.0.0:${webPort}\n`);
    const none = await berth(['port', 'web1', '81']);
    expect(none).toMatchObject({ code: 1, stderr: "berth: No public port '81/tcp' published for web1\n" });
    expect(await ok(['ps', '--format', '{{.Names}} {{.Ports}}'])).toBe(`web1 0.0.0.0:${webPort}->80/tcp\n`);
    const table = await ok(['ps']);
    expect(table.split('\n')[0]).toMatch(/STATUS +PORTS +NAMES/);
    expect(table).toContain(`0.0.0.0:${webPort}->80/tcp`);
  });

  it('refuses a taken host port with docker message and leaves no container behind', async () => {
    const r = await berth(['run', '-d', '--name', 'web1b', '-p', `${webPort}:80`, 'busybox', ...HTTPD]);
    expect(r.code).toBe(125);
    expect(r.stderr).toBe(`berth: Bind for 0.0.0.0:${webPort} failed: port is already allocated\n`);
    expect(await ok(['ps', '-a', '--format', '{{.Names}}'])).toBe('web1\n');
    // Bad specs never reach the engine.
    const bad = await berth(['run', '--rm', '-p', '8080:http', 'busybox', 'true']);
    expect(bad).toMatchObject({ code: 125, stderr: 'berth: invalid containerPort: http\n' });
  });

  it('-P publishes every port the image exposes on a picked host port', async () => {
    await ok(['commit', '-c', 'EXPOSE 80', '-c', 'EXPOSE 53/udp', 'web1', 'exposed:1']);
    await ok(['run', '-d', '--name', 'web2', '-P', 'exposed:1', ...HTTPD]);
    const lines = (await ok(['port', 'web2'])).trim().split('\n');
    expect(lines).toHaveLength(2);
    const tcp = /^80\/tcp -> 0\.0\.0\.0:(\d+)$/.exec(lines.find((l) => l.startsWith('80/'))!);
    const udp = /^53\/udp -> 0\.0\.0\.0:(\d+)$/.exec(lines.find((l) => l.startsWith('53/'))!);
    const hostPort = Number(tcp?.[1]);
    expect(hostPort).toBeGreaterThanOrEqual(49153);
    expect(hostPort).toBeLessThanOrEqual(60999);
    expect(udp).not.toBeNull();
    expect(await served(hostPort)).toBe('hello\n');
    expect(await ok(['ps', '-f', 'name=web2', '--format', '{{.Ports}}'])).toBe(
      `0.0.0.0:${udp![1]}->53/udp, 0.0.0.0:${hostPort}->80/tcp\n`,
    );
    await ok(['rm', '-f', 'web2']);
  });

  it('creates a user network; its containers find each other by name and alias', async () => {
    const id = (await ok(['network', 'create', '--subnet', mySubnet, '--label', 'test=22', 'mynet'])).trim();
    expect(id).toMatch(ID);
    const ls = await ok(['network', 'ls']);
    expect(ls.split('\n')[0]).toMatch(/^NETWORK ID +NAME +DRIVER +SCOPE$/);
    expect(ls).toMatch(new RegExp(`^${id.slice(0, 12)} +mynet +bridge +local$`, 'm'));
    expect(await ok(['network', 'ls', '-q', '-f', 'label=test=22'])).toBe(`${id.slice(0, 12)}\n`);
    expect(await ok(['network', 'ls', '--format', '{{.Name}}', '-f', 'type=builtin'])).toBe(
      'bridge\nhost\nnone\n',
    );

    await ok([
      'run',
      '-d',
      '--name',
      'db',
      '--network',
      'mynet',
      '--network-alias',
      'database',
      'busybox',
      'sleep',
      '1000',
    ]);
    for (const name of ['db', 'database']) {
      const r = await berth([
        'run',
        '--rm',
        '--network',
        'mynet',
        'busybox',
        'ping',
        '-c',
        '1',
        '-W',
        '3',
        name,
      ]);
      expect(r, `ping ${name}: ${r.stderr}`).toMatchObject({ code: 0 });
      expect(r.stdout).toContain('1 packets received');
    }
    const dbIp = await ipOf('db');
    expect(dbIp?.startsWith(mySubnet.replace(/0\/24$/, ''))).toBe(true);

    const [inspected] = JSON.parse(await ok(['network', 'inspect', 'mynet'])) as [
      {
        Name: string;
        Id: string;
        Driver: string;
        IPAM: { Config: unknown[] };
        Containers: object;
        Labels: object;
      },
    ];
    expect(inspected).toMatchObject({
      Name: 'mynet',
      Id: id,
      Driver: 'bridge',
      IPAM: { Config: [{ Subnet: mySubnet, Gateway: mySubnet.replace(/0\/24$/, '1') }] },
      Labels: { test: '22' },
    });
    // Only db: the --rm runs were detached when they were removed.
    expect(Object.values(inspected.Containers)).toEqual([
      expect.objectContaining({ Name: 'db', IPv4Address: `${dbIp}/24` }),
    ]);

    const inUse = await berth(['network', 'rm', 'mynet']);
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toMatch(/has active endpoints/);
  });

  it('connects a running container to another network and disconnects it', async () => {
    await ok(['network', 'connect', '--alias', 'webby', 'mynet', 'web1']);
    expect(await ok(['exec', 'web1', 'ip', '-o', 'link'])).toContain('eth1');
    const r = await berth(['exec', 'db', 'ping', '-c', '1', '-W', '3', 'webby']);
    expect(r.code).toBe(0);
    await ok(['network', 'disconnect', 'mynet', 'web1']);
    expect(await ok(['exec', 'web1', 'ip', '-o', 'link'])).not.toContain('eth1');
  });

  it('--link names a container of the default bridge in /etc/hosts', async () => {
    await ok(['run', '-d', '--name', 'linked', 'busybox', 'sleep', '1000']);
    const ip = await ipOf('linked');
    expect(ip?.startsWith(s.suite.network!.subnet.replace(/0\.0\/16$/, ''))).toBe(true);
    const hosts = await ok(['run', '--rm', '--link', 'linked:buddy', 'busybox', 'cat', '/etc/hosts']);
    expect(hosts).toContain(`${ip}\tbuddy linked\n`);
    const r = await berth([
      'run',
      '--rm',
      '--link',
      'linked:buddy',
      'busybox',
      'ping',
      '-c',
      '1',
      '-W',
      '3',
      'buddy',
    ]);
    expect(r.code).toBe(0);
    await ok(['rm', '-f', 'linked']);
  });

  it("--network host sees the host's interfaces, none only lo", async () => {
    const routes = JSON.parse((await runProcess('ip', ['-j', 'route'])).stdout) as {
      dst: string;
      dev: string;
    }[];
    const uplink = routes.find((r) => r.dst === 'default')?.dev ?? 'lo';
    const host = await ok(['run', '--rm', '--network', 'host', 'busybox', 'ip', '-o', 'link']);
    expect(host).toMatch(/^\d+: lo:/m);
    expect(host).toMatch(new RegExp(`^\\d+: ${uplink}[:@]`, 'm'));
    expect(host).toContain(`${s.suite.network!.bridge}:`);
    const none = await ok(['run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link']);
    expect(none.trim().split('\n')).toHaveLength(1);
    expect(none).toMatch(/^1: lo:/);
    // Ports are discarded with docker's warning.
    const warned = await berth(['run', '--rm', '--network', 'none', '-p', '80', 'busybox', 'true']);
    expect(warned).toMatchObject({
      code: 0,
      stderr: 'WARNING: Published ports are discarded when using none network mode\n',
    });
  });

  it("--network container:web1 shares web1's address and loopback", async () => {
    const ip = await ipOf('web1');
    const addr = await ok([
      'run',
      '--rm',
      '--network',
      'container:web1',
      'busybox',
      'ip',
      '-o',
      '-4',
      'addr',
      'show',
      'eth0',
    ]);
    expect(addr).toContain(`inet ${ip}/`);
    const page = await ok([
      'run',
      '--rm',
      '--net',
      'container:web1',
      'busybox',
      'wget',
      '-qO-',
      'http://127.0.0.1/',
    ]);
    expect(page).toBe('hello\n');
    const conflict = await berth([
      'run',
      '--rm',
      '--network',
      'container:web1',
      '-p',
      '80',
      'busybox',
      'true',
    ]);
    expect(conflict).toMatchObject({
      code: 125,
      stderr: 'berth: conflicting options: port publishing and the container type network mode\n',
    });
  });

  it('writes --dns, --dns-search, --dns-option, --add-host and --hostname into the container files', async () => {
    const out = await ok([
      'run',
      '--rm',
      '--dns',
      '192.0.2.53',
      '--dns-search',
      'example.test',
      '--dns-option',
      'ndots:2',
      '--add-host',
      'gw.test:192.0.2.1',
      '-h',
      'myhost',
      '--domainname',
      'example.test',
      'busybox',
      'sh',
      '-c',
      'cat /etc/resolv.conf; echo ---; cat /etc/hosts; echo ---; hostname; cat /etc/hostname',
    ]);
    const [resolv, hosts, names] = out.split('---\n');
    expect(resolv).toMatch(/^nameserver 192\.0\.2\.53$/m);
    expect(resolv).toMatch(/^search example\.test$/m);
    expect(resolv).toMatch(/^options ndots:2$/m);
    expect(hosts).toContain('192.0.2.1\tgw.test\n');
    expect(hosts).toMatch(/^\d+\.\d+\.\d+\.\d+\tmyhost\.example\.test myhost$/m);
    expect(names).toBe('myhost\nmyhost\n');
  });

  it('rm releases the networking: DNAT rule, host port, network in use', async () => {
    expect(await natMentions(webPort)).toBe(true);
    expect(await canListen(webPort)).toBe(false);
    await ok(['rm', '-f', 'web1']);
    expect(await natMentions(webPort)).toBe(false);
    expect(await canListen(webPort)).toBe(true);
    await ok(['rm', '-f', 'db']);
    expect(await ok(['network', 'rm', 'mynet'])).toBe('mynet\n');
    // Networks without --subnet come from the suite's pool; prune takes the unused ones.
    await ok(['network', 'create', 'spare1']);
    const [spare] = JSON.parse(await ok(['network', 'inspect', 'spare1'])) as [
      { IPAM: { Config: { Subnet: string }[] } },
    ];
    expect(
      spare.IPAM.Config[0]?.Subnet.startsWith(s.suite.network!.subnetPool.replace(/0\.0\/16$/, '')),
    ).toBe(true);
    expect(await ok(['network', 'prune', '-f'])).toBe('Deleted Networks:\nspare1\n');
    expect(await ok(['network', 'ls', '--format', '{{.Name}}'])).toBe('bridge\nhost\nnone\n');
    const gone = await berth(['network', 'inspect', 'spare1']);
    expect(gone.code).toBe(1);
  });

  it('run --rm leaves no attachment, and a created container holds its port until removed', async () => {
    const port = await freePort();
    const id = (await ok(['create', '--name', 'c1', '-p', `127.0.0.1:${port}:80`, 'busybox', 'true'])).trim();
    expect(await ok(['port', 'c1'])).toBe(`80/tcp -> 127.0.0.1:${port}\n`);
    await ok(['rm', id]);
    expect(await natMentions(port)).toBe(false);
    const out = await ok(['run', '--rm', '-p', `${port}:80`, 'busybox', 'echo', 'done']);
    expect(out).toBe('done\n');
    expect(await natMentions(port)).toBe(false);
    expect(await ok(['network', 'inspect', '-f', '{{len .Containers}}', 'bridge'])).toBe('0\n');
  });
});
