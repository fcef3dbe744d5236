/**
 * Network records: the predefined `bridge`, `host` and `none`, and
 * user-defined bridge networks with their own subnet and bridge device. A
 * bridge network's device exists (up, with the gateway address) from create
 * to delete, as docker makes it, and its DNS serves on the gateway address;
 * containers join it through CNI (attachments.ts).
 *
 * Names are unique per namespace; bridge devices and subnets host-wide (over
 * every namespace, and against the host's routes when picking from the pool).
 */
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  notFound,
  notImplemented,
  resourceExhausted,
} from '@berth/errdefs';
import type { Logger } from '@berth/log';
import { validateLabels } from '@berth/labels';
import type { KeyedMutex } from '@berth/store';
import { DEVICE_NAME } from './config.js';
import type { DnsPort } from './dns-port.js';
import type { NetworkEvents } from './events.js';
import type { HostNet, IsolatedBridge } from './host/index.js';
import { formatCidr, overlaps, parseCidr, pickSubnet, prefixOf, resolveIpam, type Cidr } from './ipv4.js';
import type { NetworkRecord } from './records.js';
import type { NetworkStore } from './store.js';

/** The lock every change of topology takes: networks, and the endpoints planned on them. */
export const TOPOLOGY = 'topology';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export interface NetworkOptions {
  defaultBridge: string;
  defaultSubnet: string;
  subnetPool: string;
  subnetSize: number;
  /** host-local's data dir: a deleted network's allocations under <ipamDir>/<bridge> go with it. */
  ipamDir: string;
}

export interface NetworkDeps {
  store: NetworkStore;
  host: HostNet;
  dns: DnsPort;
  events: NetworkEvents;
  lock: KeyedMutex;
  log: Logger;
}

export interface CreateRequest {
  name: string;
  driver: string;
  ipam: Array<{ subnet: string; gateway: string; ipRange: string }>;
  internal: boolean;
  mtu: number;
  labels: Record<string, string>;
  enableIpv6: boolean;
  bridge: string;
}

const predefinedId = (name: string) =>
  createHash('sha256').update(`berth.network.predefined/${name}`).digest('hex');

export class Networks {
  private readonly predefined: NetworkRecord[];

  constructor(
    private readonly o: NetworkOptions,
    private readonly d: NetworkDeps,
  ) {
    const base = {
      internal: false,
      mtu: 0,
      labels: {},
      createdAt: new Date(0).toISOString(),
      predefined: true,
    };
    const ipam = resolveIpam({ subnet: o.defaultSubnet });
    this.predefined = [
      {
        ...base,
        id: predefinedId('bridge'),
        name: 'bridge',
        driver: 'bridge',
        bridge: o.defaultBridge,
        ipam: [ipam],
      },
      { ...base, id: predefinedId('host'), name: 'host', driver: 'host', bridge: '', ipam: [] },
      { ...base, id: predefinedId('none'), name: 'none', driver: 'null', bridge: '', ipam: [] },
    ];
  }

  /** The predefined `bridge` network. */
  get defaultBridge(): NetworkRecord {
    return this.predefined[0]!;
  }

  /** Makes sure the default bridge device exists with its gateway address. */
  async ensureDefault(): Promise<void> {
    await this.ensureDevice(this.defaultBridge);
  }

  /** Makes sure a bridge network's device exists (after a reboot, or a device someone removed). */
  async ensureDevice(net: NetworkRecord): Promise<void> {
    const block = net.ipam[0]!;
    await this.d.host.ensureBridge(net.bridge, `${block.gateway}/${prefixOf(block.subnet)}`, net.mtu);
  }

  /** Finds a network by name, full id or unique id prefix; NotFound otherwise. */
  async resolve(ns: string, ref: string): Promise<NetworkRecord> {
    if (!ref) throw invalidArgument('network name or id is required');
    const pre = this.predefined.find((n) => n.name === ref || n.id === ref);
    if (pre) return pre;
    const byName = await this.d.store.idByName(ns, ref);
    if (byName) {
      const net = await this.d.store.getNetwork(ns, byName);
      if (net) return net;
    }
    if (/^[0-9a-f]+$/.test(ref)) {
      const all = [...this.predefined, ...(await this.d.store.listNetworks(ns))];
      const hits = all.filter((n) => n.id.startsWith(ref));
      if (hits.length === 1) return hits[0]!;
      if (hits.length > 1) throw invalidArgument(`network id prefix ${ref} is ambiguous`);
    }
    throw notFound(`network ${ref} not found`);
  }

  /** Every network visible in `ns`: the predefined ones first. */
  async list(ns: string): Promise<NetworkRecord[]> {
    const own = await this.d.store.listNetworks(ns);
    own.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    return [...this.predefined, ...own];
  }

  /** Creates a user-defined bridge network (its device, isolation rules and DNS with it). */
  async create(ns: string, req: CreateRequest): Promise<NetworkRecord> {
    if (!NAME.test(req.name)) throw invalidArgument(`invalid network name ${JSON.stringify(req.name)}`);
    const driver = req.driver || 'bridge';
    if (driver === 'host' || driver === 'null')
      throw failedPrecondition(`only one instance of "${driver}" network is allowed`);
    if (driver !== 'bridge')
      throw notImplemented(`network driver ${JSON.stringify(driver)} is not supported`);
    if (req.enableIpv6) throw notImplemented('IPv6 networks are not supported yet');
    if (req.ipam.length > 1) throw notImplemented('only one IPv4 address pool per network is supported');
    if (!Number.isInteger(req.mtu) || req.mtu < 0 || (req.mtu > 0 && req.mtu < 68) || req.mtu > 65535)
      throw invalidArgument(`invalid mtu ${req.mtu}`);
    const labels = validateLabels(req.labels);
    if (req.bridge && !DEVICE_NAME.test(req.bridge))
      throw invalidArgument(`invalid bridge device name ${JSON.stringify(req.bridge)}`);

    return this.d.lock.run(TOPOLOGY, async () => {
      if (this.predefined.some((p) => p.name === req.name) || (await this.d.store.idByName(ns, req.name)))
        throw alreadyExists(`network with name ${req.name} already exists`);
      const id = randomBytes(32).toString('hex');
      const bridge = req.bridge || `br-${id.slice(0, 12)}`;
      const others = await this.bridgeNetworks();
      if (others.some((n) => n.bridge === bridge))
        throw alreadyExists(`bridge device ${bridge} is used by another network`);
      if ((await this.d.host.linkExists(bridge)) && !(await this.d.store.bridgesGone()).includes(bridge))
        throw alreadyExists(`a device named ${bridge} already exists on the host`);
      const block = req.ipam[0];
      const ipam = block?.subnet
        ? this.checkSubnet(resolveIpam(block), others)
        : resolveIpam({ ...(block ?? {}), subnet: formatCidr(await this.pickSubnet(others)) });
      const net: NetworkRecord = {
        id,
        name: req.name,
        driver: 'bridge',
        bridge,
        ipam: [ipam],
        internal: req.internal,
        mtu: req.mtu,
        labels,
        createdAt: new Date().toISOString(),
      };
      await this.finishGone(bridge);
      await this.d.store.putNetwork(ns, net);
      try {
        await this.ensureDevice(net);
        await this.syncIsolation();
      } catch (err) {
        await this.d.store.deleteNetwork(ns, net);
        await this.removeDevice(net).catch((e: unknown) =>
          this.d.log.warn({ err: e, bridge }, 'failed to remove bridge after a failed create'),
        );
        throw err;
      }
      await this.serveDns(net);
      this.d.events.created(ns, net);
      return net;
    });
  }

  /**
   * Deletes a user-defined network. FailedPrecondition for the predefined ones and while
   * containers are attached (`attached` says which, checked under the topology lock).
   */
  async delete(
    ns: string,
    ref: string,
    attached: (ns: string, id: string) => Promise<string[]>,
  ): Promise<void> {
    await this.d.lock.run(TOPOLOGY, async () => {
      const net = await this.resolve(ns, ref);
      if (net.predefined)
        throw failedPrecondition(`${net.name} is a pre-defined network and cannot be removed`);
      const users = await attached(ns, net.id);
      if (users.length)
        throw failedPrecondition(
          `error while removing network: network ${net.name} id ${net.id} has active endpoints (${users.join(', ')})`,
        );
      await this.d.store.deleteNetwork(ns, net);
      await this.d.dns.stop(net.id);
      await this.removeDevice(net);
      this.d.events.deleted(ns, net);
    });
  }

  /** Removes a deleted network's device, rules and IPAM state, then forgets its marker. */
  async removeDevice(net: Pick<NetworkRecord, 'bridge'>): Promise<void> {
    await this.d.host.deleteBridge(net.bridge);
    await this.syncIsolation([net.bridge]);
    await rm(join(this.o.ipamDir, net.bridge), { recursive: true, force: true });
    await this.d.store.forgetBridge(net.bridge);
  }

  /** Finishes deletes a crash interrupted (reconcile). */
  async finishGone(only?: string): Promise<void> {
    for (const dev of await this.d.store.bridgesGone()) {
      if (only !== undefined && dev !== only) continue;
      if ((await this.bridgeNetworks()).some((n) => n.bridge === dev)) await this.d.store.forgetBridge(dev);
      else await this.removeDevice({ bridge: dev });
    }
  }

  /** Brings the isolation chains in line with every bridge network. */
  async syncIsolation(removed: readonly string[] = []): Promise<void> {
    const bridges: IsolatedBridge[] = (await this.bridgeNetworks()).map((n) => ({
      bridge: n.bridge,
      internal: n.internal,
    }));
    await this.d.host.syncIsolation(bridges, removed);
  }

  /** Starts the DNS of a user-defined network on its gateway address (logged, not fatal, on failure). */
  async serveDns(net: NetworkRecord): Promise<void> {
    if (net.predefined || net.driver !== 'bridge') return;
    try {
      await this.d.dns.serve(net.id, net.ipam[0]!.gateway);
    } catch (err) {
      this.d.log.warn({ err, network: net.name }, 'network dns is not available');
    }
  }

  /** The default bridge plus every user-defined network of every namespace. */
  async bridgeNetworks(): Promise<NetworkRecord[]> {
    return [this.defaultBridge, ...(await this.d.store.allNetworks()).map((x) => x.net)];
  }

  private checkSubnet<T extends { subnet: string }>(ipam: T, others: readonly NetworkRecord[]): T {
    const c = parseCidr(ipam.subnet);
    const clash = others.find((n) => n.ipam.some((b) => overlaps(parseCidr(b.subnet), c)));
    if (clash)
      throw failedPrecondition(
        `Pool overlaps with other one on this address space (${ipam.subnet} and network ${clash.name})`,
      );
    return ipam;
  }

  private async pickSubnet(others: readonly NetworkRecord[]): Promise<Cidr> {
    const used = [
      ...others.flatMap((n) => n.ipam.map((b) => parseCidr(b.subnet))),
      ...(await this.d.host.hostRoutes()),
    ];
    const c = pickSubnet(parseCidr(this.o.subnetPool), this.o.subnetSize, used);
    if (!c) throw resourceExhausted(`no free /${this.o.subnetSize} subnet left in pool ${this.o.subnetPool}`);
    return c;
  }
}
