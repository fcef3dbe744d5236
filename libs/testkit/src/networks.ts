/**
 * Host networking of a suite that runs berth-network: its own default bridge
 * device and subnets (so suites never share the host's `berth0` or each
 * other's addresses), and the cleanup that leaves the host as it was — every
 * container detached and every user network deleted through the gateway while
 * the services still run, then whatever a crash left (the bridge devices, the
 * isolation and CNI rules naming them or the suite's subnets) removed by hand.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dial, unary } from '@berth/grpc';
import { NetworksClient } from '@berth/proto/berth/network/v1';
import { ContainersClient } from '@berth/proto/containers/v1';
import { NamespacesClient } from '@berth/proto/namespaces/v1';

const run = promisify(execFile);

/** What a suite's berth-network was given. */
export interface SuiteNetwork {
  /** Bridge device of the predefined `bridge` network, `bk` + 6 hex digits. */
  bridge: string;
  /** Subnet of the `bridge` network, a /16 of 10.230.0.0–10.250.0.0 no host route overlaps. */
  subnet: string;
  /** Where user networks without --subnet get theirs from: another such /16, the suite's own. */
  subnetPool: string;
  /** The BERTH_NETWORK_* variables passing these to berth-network. */
  env: Record<string, string>;
}

/** Lock files reserving a /16 for one live process, so concurrent suites never pick the same. */
const LOCKS = join(tmpdir(), 'berth-testkit-subnets');
const FIRST = 230;
const LAST = 250;

const ipToInt = (ip: string): number =>
  ip.split('.').reduce((acc, part) => ((acc << 8) | (Number(part) & 255)) >>> 0, 0);

/** [start, end] of an IPv4 CIDR (`default` and IPv6 give undefined). */
function rangeOf(cidr: string): [number, number] | undefined {
  if (cidr === 'default' || cidr.includes(':')) return undefined;
  const [ip, bits] = cidr.split('/');
  const prefix = bits === undefined ? 32 : Number(bits);
  if (!ip || !/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !(prefix >= 0 && prefix <= 32)) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const start = (ipToInt(ip) & mask) >>> 0;
  return [start, (start | (~mask >>> 0)) >>> 0];
}

/** Whether two CIDRs overlap (pure; exported for tests). */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = rangeOf(a);
  const y = rangeOf(b);
  return x !== undefined && y !== undefined && x[0] <= y[1] && y[0] <= x[1];
}

/** Destinations of the host's IPv4 routes (`ip -j route`), every table that `ip route` shows. */
async function hostRoutes(): Promise<string[]> {
  try {
    const { stdout } = await run('ip', ['-j', 'route']);
    return (JSON.parse(stdout) as { dst?: string }[]).map((r) => r.dst ?? '').filter(Boolean);
  } catch {
    return [];
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the lock of `octet` (10.<octet>.0.0/16) for this process; false when a live one holds it. */
function lock(octet: number): boolean {
  mkdirSync(LOCKS, { recursive: true });
  const file = join(LOCKS, `10.${octet}`);
  for (let i = 0; i < 2; i++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(readFileSync(file, 'utf8').trim());
      } catch {
        // Removed meanwhile: try again.
      }
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) return false;
      rmSync(file, { force: true });
    }
  }
  return false;
}

const unlock = (octet: number): void => rmSync(join(LOCKS, `10.${octet}`), { force: true });

/**
 * Picks a bridge name and two unrouted /16s (at random, each locked for this process) for a
 * suite's berth-network; `release()` gives the subnets back.
 */
export async function pickSuiteNetwork(): Promise<{ net: SuiteNetwork; release(): void }> {
  const routes = await hostRoutes();
  const octets = Array.from({ length: LAST - FIRST + 1 }, (_, i) => FIRST + i);
  for (let i = octets.length - 1; i > 0; i--) {
    const j = randomBytes(1)[0]! % (i + 1);
    [octets[i], octets[j]] = [octets[j]!, octets[i]!];
  }
  const got: number[] = [];
  for (const o of octets) {
    if (got.length === 2) break;
    const cidr = `10.${o}.0.0/16`;
    if (routes.some((r) => cidrsOverlap(r, cidr))) continue;
    if (lock(o)) got.push(o);
  }
  const release = () => got.forEach(unlock);
  if (got.length < 2) {
    release();
    throw new Error('testkit: no free /16 in 10.230.0.0-10.250.255.255 for a suite network');
  }
  const bridge = `bk${randomBytes(3).toString('hex')}`;
  const subnet = `10.${got[0]}.0.0/16`;
  const subnetPool = `10.${got[1]}.0.0/16`;
  return { net: suiteNetwork(bridge, subnet, subnetPool), release };
}

/** A SuiteNetwork of `bridge`, `subnet` and `subnetPool`, with the berth-network env naming them. */
export function suiteNetwork(bridge: string, subnet: string, subnetPool: string): SuiteNetwork {
  return {
    bridge,
    subnet,
    subnetPool,
    env: {
      BERTH_NETWORK_DEFAULT_BRIDGE: bridge,
      BERTH_NETWORK_DEFAULT_SUBNET: subnet,
      BERTH_NETWORK_SUBNET_POOL: subnetPool,
    },
  };
}

const PREDEFINED = new Set(['bridge', 'host', 'none']);

/**
 * Through the gateway at `address`, while the services run: detaches every container of every
 * namespace from its networks, then deletes every user-defined network. Best effort: never throws.
 */
export async function detachAllNetworks(address: string): Promise<void> {
  const nsClient = dial(NamespacesClient, address);
  const containers = dial(ContainersClient, address);
  const networks = dial(NetworksClient, address);
  const o = (ns: string) => ({ ns, timeoutMs: 15_000 });
  try {
    const { namespaces } = await unary(nsClient, nsClient.list, { filter: '' }, { timeoutMs: 10_000 }).catch(
      () => ({ namespaces: [{ name: 'default' }] }),
    );
    for (const { name: ns } of namespaces) {
      const listed = await unary(containers, containers.list, { filters: [] }, o(ns)).catch(() => ({
        containers: [],
      }));
      for (const c of listed.containers)
        await unary(networks, networks.detach, { containerId: c.id }, o(ns)).catch(() => undefined);
      const nets = await unary(networks, networks.list, { filters: [] }, o(ns)).catch(() => ({
        networks: [],
      }));
      for (const n of nets.networks) {
        if (PREDEFINED.has(n.name)) continue;
        // Containers the runtime no longer lists may still hold an endpoint: detach those too.
        for (const id of n.containers)
          await unary(networks, networks.detach, { containerId: id }, o(ns)).catch(() => undefined);
        await unary(networks, networks.delete, { name: n.id }, o(ns)).catch(() => undefined);
      }
    }
  } finally {
    nsClient.close();
    containers.close();
    networks.close();
  }
}

const sh = (cmd: string, args: string[]) =>
  run(cmd, args).then(
    (r) => r.stdout,
    () => '',
  );

/** Whether an iptables rule line mentions `word` as a whole token. */
const mentions = (line: string, word: string) =>
  line.split(/\s+/).some((t) => t === word || t.startsWith(`${word}/`) || t.startsWith(`${word}:`));

/**
 * After the services stopped: removes the suite's default bridge, any bridge holding an
 * address of the suite's subnets (user networks a crash left), the BERTH-ISOLATION-1/2 rules
 * naming them, and CNI rules for addresses in the suite's subnets. Never throws.
 */
export async function removeSuiteNetworking(net: SuiteNetwork): Promise<void> {
  const bridges = new Set([net.bridge]);
  try {
    const links = JSON.parse(await sh('ip', ['-j', 'addr'])) as {
      ifname: string;
      addr_info?: { family: string; local: string }[];
    }[];
    for (const l of links)
      if (
        l.addr_info?.some(
          (a) =>
            a.family === 'inet' && [net.subnet, net.subnetPool].some((s) => cidrsOverlap(`${a.local}/32`, s)),
        )
      )
        bridges.add(l.ifname);
  } catch {
    // No `ip -j`: only the default bridge by name.
  }
  for (const chain of ['BERTH-ISOLATION-1', 'BERTH-ISOLATION-2']) {
    const rules = (await sh('iptables', ['-S', chain])).split('\n');
    for (const r of rules) {
      if (!r.startsWith('-A ') || ![...bridges].some((b) => mentions(r, b))) continue;
      await sh('iptables', ['-D', ...r.slice(3).trim().split(/\s+/)]);
    }
  }
  const inSuite = (line: string) =>
    line.split(/\s+/).some((t) => {
      const ip = /^(\d+\.\d+\.\d+\.\d+)(?:[/:]\d+)?$/.exec(t)?.[1];
      return ip !== undefined && [net.subnet, net.subnetPool].some((s) => cidrsOverlap(`${ip}/32`, s));
    }) || [...bridges].some((b) => mentions(line, b));
  const CNI_CHAIN = /^CNI-(?:DN-)?[0-9a-f]{16,}$/;
  for (const table of ['nat', 'filter']) {
    const lines = (await sh('iptables', ['-t', table, '-S'])).split('\n').filter((l) => l.startsWith('-A '));
    // Per-container CNI chains with a rule about the suite's addresses, and those its rules jump to.
    const chains = new Set<string>();
    for (const l of lines.filter(inSuite)) {
      const own = l.split(/\s+/)[1] ?? '';
      if (CNI_CHAIN.test(own)) chains.add(own);
      const target = /-j (\S+)/.exec(l)?.[1] ?? '';
      if (CNI_CHAIN.test(target)) chains.add(target);
    }
    for (const l of lines) {
      const target = /-j (\S+)/.exec(l)?.[1] ?? '';
      if (!inSuite(l) && !chains.has(target)) continue;
      // `sh -c` re-reads the quoted comments iptables -S prints.
      await run('sh', ['-c', `iptables -t ${table} ${l.replace(/^-A/, '-D')}`]).catch(() => undefined);
    }
    for (const ch of chains) {
      await sh('iptables', ['-t', table, '-F', ch]);
      await sh('iptables', ['-t', table, '-X', ch]);
    }
  }
  for (const b of bridges) await sh('ip', ['link', 'del', b]);
  await dropIdleSharedChains();
}

/** Removes the host-wide chains berth-network and the CNI plugins share, once nothing uses them. */
export async function dropIdleSharedChains(): Promise<void> {
  await dropEmptyIsolationChains();
  await dropIdleCniChains();
}

/**
 * berth-network's isolation chains are shared by every berth on the host: remove them (and
 * FORWARD's jump) only when no rule is left in them, i.e. no other suite's bridge uses them.
 */
async function dropEmptyIsolationChains(): Promise<void> {
  const chains = ['BERTH-ISOLATION-1', 'BERTH-ISOLATION-2'];
  for (const c of chains) {
    const rules = await sh('iptables', ['-S', c]).catch(() => undefined);
    if (rules === undefined) return; // already gone
    if (rules.split('\n').some((l) => l.startsWith('-A '))) return;
  }
  await sh('iptables', ['-D', 'FORWARD', '-j', chains[0]!]).catch(() => undefined);
  for (const c of chains) await sh('iptables', ['-X', c]).catch(() => undefined);
}

/**
 * The chains the CNI plugins make once per host (portmap's CNI-HOSTPORT-*, firewall's
 * CNI-FORWARD/CNI-ADMIN) are never removed by a DEL. Remove them, with their jumps, once no
 * per-container CNI chain exists any more, i.e. no container on this host still uses them.
 */
async function dropIdleCniChains(): Promise<void> {
  const PER_CONTAINER = /^-N CNI-(?:DN-)?[0-9a-f]{16,}$/m;
  const nat = await sh('iptables', ['-t', 'nat', '-S']).catch(() => '');
  const filter = await sh('iptables', ['-S']).catch(() => '');
  if (PER_CONTAINER.test(nat) || PER_CONTAINER.test(filter)) return;
  // Only the plugins' fixed rules may remain in the shared chains.
  if (/^-A CNI-HOSTPORT-DNAT /m.test(nat) || /^-A CNI-FORWARD (?!.*-j CNI-ADMIN)/m.test(filter)) return;
  if (/^-A CNI-ADMIN /m.test(filter)) return; // an administrator's own rules: leave it all
  const drop = async (table: string, text: string, chains: string[]) => {
    for (const l of text
      .split('\n')
      .filter((x) => x.startsWith('-A ') && chains.some((c) => x.includes(`-j ${c}`))))
      await run('sh', ['-c', `iptables -t ${table} ${l.replace(/^-A/, '-D')}`]).catch(() => undefined);
    for (const c of chains) {
      await sh('iptables', ['-t', table, '-F', c]).catch(() => undefined);
      await sh('iptables', ['-t', table, '-X', c]).catch(() => undefined);
    }
  };
  await drop('nat', nat, ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK']);
  await drop('filter', filter, ['CNI-FORWARD', 'CNI-ADMIN']);
}
