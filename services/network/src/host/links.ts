/**
 * Host links and routes, through iproute2's JSON output.
 */
import { access, writeFile } from 'node:fs/promises';
import { failedPrecondition, internal } from '@berth/errdefs';
import { runOk, runTool } from './run.js';
import { parseCidr, type Cidr } from '../ipv4.js';

/** Reports whether a network device exists on the host. */
export async function linkExists(dev: string): Promise<boolean> {
  if (!dev || dev.includes('/')) return false;
  return access(`/sys/class/net/${dev}`).then(
    () => true,
    () => false,
  );
}

/** Reports whether a device is a Linux bridge. */
export async function isBridge(dev: string): Promise<boolean> {
  return access(`/sys/class/net/${dev}/bridge`).then(
    () => true,
    () => false,
  );
}

/** Deletes a bridge device; idempotent (a device that is not a bridge is left alone). */
export async function deleteBridge(dev: string): Promise<void> {
  if (!(await linkExists(dev)) || !(await isBridge(dev))) return;
  const r = await runTool('ip', ['link', 'del', dev]);
  if (r.code !== 0 && (await linkExists(dev))) await runOk('ip', ['link', 'del', dev]);
}

/** IPv4 destinations routed on the host (every table), for picking subnets nobody uses. */
export async function hostRoutes(): Promise<Cidr[]> {
  const out = await runOk('ip', ['-j', '-4', 'route', 'show', 'table', 'all']);
  const routes = JSON.parse(out || '[]') as Array<{ dst?: string; type?: string }>;
  const cidrs: Cidr[] = [];
  for (const r of routes) {
    if (!r.dst || r.dst === 'default' || (r.type && r.type !== 'unicast')) continue;
    try {
      cidrs.push(parseCidr(r.dst, true));
    } catch {
      // not an IPv4 block we understand (multicast names and the like)
    }
  }
  return cidrs;
}

/** IPv4 addresses assigned to a device (without prefix); [] when it does not exist. */
export async function deviceAddresses(dev: string): Promise<string[]> {
  const r = await runTool('ip', ['-j', '-4', 'addr', 'show', 'dev', dev]);
  if (r.code !== 0) return [];
  const links = JSON.parse(r.stdout || '[]') as Array<{ addr_info?: Array<{ local?: string }> }>;
  return links.flatMap((l) => (l.addr_info ?? []).map((a) => a.local ?? '')).filter(Boolean);
}

/**
 * Makes sure bridge `dev` exists, is up and carries `gatewayCidr` (e.g. 172.31.0.1/24), as
 * docker creates a network's bridge with the network; the CNI bridge plugin then adopts it.
 */
export async function ensureBridge(dev: string, gatewayCidr: string, mtu: number): Promise<void> {
  if (!(await linkExists(dev))) {
    const r = await runTool('ip', [
      'link',
      'add',
      'name',
      dev,
      ...(mtu ? ['mtu', String(mtu)] : []),
      'type',
      'bridge',
    ]);
    if (r.code !== 0 && !(await linkExists(dev))) throw internal(`ip link add ${dev}: ${r.stderr.trim()}`);
  } else if (!(await isBridge(dev))) {
    throw failedPrecondition(`device ${dev} exists and is not a bridge`);
  }
  const addr = gatewayCidr.split('/')[0]!;
  if (!(await deviceAddresses(dev)).includes(addr)) {
    const r = await runTool('ip', ['addr', 'add', gatewayCidr, 'dev', dev]);
    if (r.code !== 0 && !/exists/i.test(r.stderr))
      throw internal(`ip addr add ${gatewayCidr} dev ${dev}: ${r.stderr.trim()}`);
  }
  // DNAT of connections to 127.0.0.1 (published ports used from the host) routes packets with a
  // loopback source out of the bridge, which the kernel drops unless route_localnet is on.
  await writeFile(`/proc/sys/net/ipv4/conf/${dev}/route_localnet`, '1');
  await runOk('ip', ['link', 'set', dev, 'up']);
}
