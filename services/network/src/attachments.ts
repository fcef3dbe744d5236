/**
 * Container attachments: a network namespace (or the host's, or another
 * container's), CNI endpoints on bridge networks, published ports, the
 * container's hosts/resolv.conf/hostname, and DNS records on user networks.
 *
 * Crash safety: the record is written as `attaching` before anything is made,
 * each plugin's progress is cached in it as it goes (endpoints.ts), and it
 * becomes `ready` only at the end; teardown works from the record alone, so
 * reconcile undoes whatever a kill -9 interrupted. Every failure rolls back.
 */
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '@berth/errdefs';
import type { Logger } from '@berth/log';
import type { KeyedMutex } from '@berth/store';
import { bridgeConflist, endpointRuntime, nextIfName } from './cni-config.js';
import {
  containerFilePaths,
  containerFiles,
  removeContainerFiles,
  writeContainerFiles,
  type HostFiles,
  type Link,
} from './container-files.js';
import type { DnsPort } from './dns-port.js';
import type { EndpointRunner } from './endpoints.js';
import type { NetworkEvents } from './events.js';
import type { HostNet, NetnsDir } from './host/index.js';
import { contains, parseCidr, parseIp } from './ipv4.js';
import { parseLink, planMode, type EndpointWish } from './mode.js';
import { TOPOLOGY, type Networks } from './networks.js';
import { normalizePort, type PortTable } from './ports.js';
import {
  pickAttachOptions,
  type AttachmentRecord,
  type AttachOptions,
  type EndpointRecord,
  type NetworkRecord,
  type PortRecord,
} from './records.js';
import type { NetworkStore } from './store.js';

export interface AttachInput extends AttachOptions {
  containerId: string;
  name: string;
  mode: string;
  endpoints: EndpointWish[];
  ports: PortRecord[];
}

export interface AttachmentDeps {
  store: NetworkStore;
  networks: Networks;
  runner: EndpointRunner;
  host: HostNet;
  netns: NetnsDir;
  ports: PortTable;
  dns: DnsPort;
  events: NetworkEvents;
  lock: KeyedMutex;
  log: Logger;
  /** <state>/network/ipam and <state>/network/containers. */
  ipamDir: string;
  containersDir: string;
  hostFiles(): Promise<HostFiles>;
}

const owner = (ns: string, id: string) => `${ns}/${id}`;
const cleanName = (n: string) => n.replace(/^\//, '');

export class Attachments {
  constructor(private readonly d: AttachmentDeps) {}

  /** The attachment of a container; NotFound when it has none. */
  async get(ns: string, containerId: string): Promise<AttachmentRecord> {
    const a = await this.d.store.getAttachment(ns, containerId);
    if (!a) throw notFound(`container ${containerId} has no network attachment`);
    return a;
  }

  /** Ids of the containers of `ns` with an endpoint on network `networkId` (attaching ones included). */
  async attachedTo(ns: string, networkId: string): Promise<string[]> {
    return (await this.d.store.listAttachments(ns))
      .filter((a) => a.endpoints.some((e) => e.networkId === networkId))
      .map((a) => a.containerId);
  }

  /** Gives a container its networking; rolls everything back on failure. */
  async attach(ns: string, req: AttachInput): Promise<AttachmentRecord> {
    if (!req.containerId) throw invalidArgument('attach: container_id is required');
    return this.d.lock.run(`c/${owner(ns, req.containerId)}`, async () => {
      if (await this.d.store.getAttachment(ns, req.containerId))
        throw alreadyExists(`container ${req.containerId} is already attached to its networks`);
      const plan = planMode(req.mode, req.endpoints);
      const wanted = req.ports.map(normalizePort);
      if (plan.kind === 'container' && wanted.length)
        throw invalidArgument('conflicting options: port publishing and the container type network mode');
      if ((plan.kind === 'host' || plan.kind === 'none') && wanted.length)
        this.d.log.warn({ containerId: req.containerId, mode: plan.kind }, 'published ports are discarded');
      const paths = containerFilePaths(this.d.containersDir, ns, req.containerId);
      const base: AttachmentRecord = {
        ns,
        containerId: req.containerId,
        name: cleanName(req.name),
        mode: plan.kind === 'networks' ? '' : plan.kind,
        netns: '',
        ownNetns: false,
        endpoints: [],
        ports: [],
        options: pickAttachOptions(req),
        files: paths,
        state: 'attaching',
        createdAt: new Date().toISOString(),
      };
      if (plan.kind === 'container') return this.attachShared(ns, base, plan.target);
      if (plan.kind === 'host') {
        base.mode = 'host';
        return this.finish(base);
      }
      base.netns = this.d.netns.pathOf(ns, req.containerId);
      base.ownNetns = true;
      if (plan.kind === 'none') {
        base.mode = 'none';
        await this.d.store.putAttachment(base);
        return this.build(base, async () => undefined);
      }
      base.mode = plan.endpoints.map((e) => e.network).join(',');
      const reserved = await this.d.ports.reserve(owner(ns, req.containerId), wanted);
      base.ports = reserved;
      try {
        await this.d.lock.run(TOPOLOGY, async () => {
          for (const w of plan.endpoints) {
            const net = await this.d.networks.resolve(ns, w.network);
            base.endpoints.push(this.endpointFor(base, net, w, base.endpoints.length === 0 ? reserved : []));
          }
          await this.d.store.putAttachment(base);
        });
      } catch (err) {
        await this.d.ports.release(owner(ns, req.containerId));
        throw err;
      }
      return this.build(base, async () => {
        for (const ep of base.endpoints) await this.d.runner.add(base, ep);
        await this.d.host.ensureJumpFirst();
      });
    });
  }

  /** Releases everything Attach made; idempotent (also cleans leftovers of an unknown container). */
  async detach(ns: string, containerId: string): Promise<void> {
    await this.d.lock.run(`c/${owner(ns, containerId)}`, async () => {
      const a = await this.d.store.getAttachment(ns, containerId);
      if (!a) {
        await this.d.ports.release(owner(ns, containerId));
        const path = this.d.netns.pathOf(ns, containerId);
        await this.d.netns.remove(path);
        await removeContainerFiles(this.d.containersDir, ns, containerId);
        return;
      }
      a.state = 'detaching';
      await this.d.store.putAttachment(a);
      await this.teardown(a);
      await this.refreshDns(
        ns,
        a.endpoints.map((e) => e.networkId),
      );
      for (const ep of a.endpoints)
        this.d.events.disconnected(ns, { networkId: ep.networkId, network: ep.network, containerId });
    });
  }

  /** Joins an attached container to one more network (the next ethN). */
  async connect(ns: string, containerId: string, w: EndpointWish): Promise<EndpointRecord> {
    return this.d.lock.run(`c/${owner(ns, containerId)}`, async () => {
      const a = await this.get(ns, containerId);
      this.checkConnectable(a);
      const ep = await this.d.lock.run(TOPOLOGY, async () => {
        const net = await this.d.networks.resolve(ns, w.network);
        if (net.driver !== 'bridge')
          throw failedPrecondition(`container cannot be connected to the ${net.name} network`);
        if (a.endpoints.some((e) => e.networkId === net.id))
          throw alreadyExists(
            `endpoint with name ${a.name || containerId} already exists in network ${net.name}`,
          );
        const e = this.endpointFor(a, net, w, []);
        a.endpoints.push(e);
        await this.d.store.putAttachment(a);
        return e;
      });
      try {
        await this.d.runner.add(a, ep);
        await this.d.host.ensureJumpFirst();
        await this.writeFiles(a);
      } catch (err) {
        await this.d.runner.del(ep, await this.d.netns.isNetns(a.netns));
        a.endpoints = a.endpoints.filter((e) => e !== ep);
        await this.d.store.putAttachment(a);
        await this.writeFiles(a).catch(() => undefined);
        throw err;
      }
      await this.refreshDns(ns, [ep.networkId]);
      this.d.events.connected(ns, {
        networkId: ep.networkId,
        network: ep.network,
        containerId,
        ip: ep.ip ?? '',
      });
      return ep;
    });
  }

  /** Takes an attached container off one network. NotFound when it is not on it. */
  async disconnect(ns: string, containerId: string, network: string): Promise<void> {
    await this.d.lock.run(`c/${owner(ns, containerId)}`, async () => {
      const a = await this.get(ns, containerId);
      const net = await this.d.networks.resolve(ns, network);
      const ep = a.endpoints.find((e) => e.networkId === net.id);
      if (!ep) throw notFound(`container ${containerId} is not connected to network ${net.name}`);
      await this.d.runner.del(ep, await this.d.netns.isNetns(a.netns));
      a.endpoints = a.endpoints.filter((e) => e !== ep);
      if (ep.rt.capabilityArgs?.portMappings?.length) {
        // The published ports went with this endpoint's portmap rules.
        a.ports = [];
        await this.d.ports.release(owner(ns, containerId));
      }
      await this.d.store.putAttachment(a);
      await this.writeFiles(a).catch((err: unknown) =>
        this.d.log.warn({ err, containerId }, 'failed to rewrite container files'),
      );
      await this.refreshDns(ns, [ep.networkId]);
      this.d.events.disconnected(ns, { networkId: ep.networkId, network: ep.network, containerId });
    });
  }

  /**
   * Undoes an attachment from its record: DEL for every endpoint (reverse order), ports,
   * namespace file, files, record. Used by Detach, rollback and reconcile.
   */
  async teardown(a: AttachmentRecord): Promise<void> {
    const alive = a.ownNetns && (await this.d.netns.isNetns(a.netns));
    for (const ep of [...a.endpoints].reverse()) await this.d.runner.del(ep, alive);
    await this.d.ports.release(owner(a.ns, a.containerId));
    if (a.ownNetns) await this.d.netns.remove(a.netns);
    if (this.ownsFiles(a)) await removeContainerFiles(this.d.containersDir, a.ns, a.containerId);
    await this.d.store.deleteAttachment(a.ns, a.containerId);
  }

  /** Recomputes the DNS records of user-defined networks: names, aliases and short ids → addresses. */
  async refreshDns(ns: string, networkIds: readonly string[]): Promise<void> {
    const ids = new Set(networkIds.filter((id) => id !== this.d.networks.defaultBridge.id));
    if (!ids.size) return;
    const all = await this.d.store.listAttachments(ns);
    for (const id of ids) {
      const records = new Map<string, string[]>();
      const add = (name: string, ip: string) => {
        const k = name.toLowerCase();
        if (!k) return;
        const list = records.get(k) ?? [];
        if (!list.includes(ip)) list.push(ip);
        records.set(k, list);
      };
      for (const a of all) {
        if (a.state === 'detaching') continue;
        for (const e of a.endpoints) {
          if (e.networkId !== id || !e.ip) continue;
          add(a.name, e.ip);
          add(a.containerId.slice(0, 12), e.ip);
          for (const alias of e.aliases) add(alias, e.ip);
        }
      }
      this.d.dns.setRecords(id, records);
    }
  }

  /** `container:<x>` mode: the other container's namespace and files. */
  private async attachShared(ns: string, base: AttachmentRecord, target: string): Promise<AttachmentRecord> {
    const other = await this.findContainer(ns, target);
    if (!other || !other.netns || other.state !== 'ready')
      throw failedPrecondition(`container ${target} has no network namespace to share`);
    const a: AttachmentRecord = {
      ...base,
      mode: `container:${other.containerId}`,
      netns: other.netns,
      files: other.files,
      state: 'ready',
    };
    await this.d.store.putAttachment(a);
    return a;
  }

  /** Host mode: only the files. */
  private async finish(a: AttachmentRecord): Promise<AttachmentRecord> {
    await this.d.store.putAttachment(a);
    return this.build(a, async () => undefined);
  }

  /** Makes the namespace, runs `join`, writes files, marks ready; on failure tears everything down. */
  private async build(a: AttachmentRecord, join: () => Promise<void>): Promise<AttachmentRecord> {
    try {
      if (a.ownNetns) {
        await this.d.netns.remove(a.netns);
        await this.d.netns.create(a.netns);
      }
      await join();
      await this.writeFiles(a);
      a.state = 'ready';
      await this.d.store.putAttachment(a);
    } catch (err) {
      await this.teardown(a).catch((e: unknown) =>
        this.d.log.error({ err: e, containerId: a.containerId }, 'rollback of a failed attach failed'),
      );
      throw err;
    }
    await this.refreshDns(
      a.ns,
      a.endpoints.map((e) => e.networkId),
    );
    for (const ep of a.endpoints)
      this.d.events.connected(a.ns, {
        networkId: ep.networkId,
        network: ep.network,
        containerId: a.containerId,
        ip: ep.ip ?? '',
      });
    return a;
  }

  private endpointFor(
    a: AttachmentRecord,
    net: NetworkRecord,
    w: EndpointWish,
    ports: PortRecord[],
  ): EndpointRecord {
    if (net.driver !== 'bridge')
      throw invalidArgument(`network ${net.name} cannot be combined with other networks`);
    const block = net.ipam[0]!;
    if (net.predefined && w.aliases.length)
      throw invalidArgument('network-scoped alias is supported only for containers in user defined networks');
    if (w.ip) {
      if (net.predefined)
        throw invalidArgument('user specified IP address is supported on user defined networks only');
      if (!contains(parseCidr(block.subnet), parseIp(w.ip)))
        throw invalidArgument(
          `requested address ${w.ip} is not in subnet ${block.subnet} of network ${net.name}`,
        );
    }
    const ifName = nextIfName(a.endpoints.map((e) => e.ifName));
    return {
      networkId: net.id,
      network: net.name,
      ifName,
      aliases: w.aliases,
      requestedIp: w.ip,
      conflist: bridgeConflist(net, this.d.ipamDir),
      rt: endpointRuntime({
        ns: a.ns,
        containerId: a.containerId,
        netns: a.netns,
        ifName,
        ports,
        ip: w.ip,
        subnet: block.subnet,
      }),
      started: -1,
    };
  }

  private checkConnectable(a: AttachmentRecord): void {
    if (a.state !== 'ready')
      throw failedPrecondition(`container ${a.containerId} is being attached or detached`);
    if (!a.ownNetns || a.mode === 'none')
      throw failedPrecondition(
        `container ${a.containerId} shares the host's or another container's network namespace, or has none, and cannot be connected to other networks`,
      );
  }

  /** Writes the container's hosts, resolv.conf and hostname from its current endpoints. */
  private async writeFiles(a: AttachmentRecord): Promise<void> {
    if (!this.ownsFiles(a)) return;
    const gateways: string[] = [];
    for (const e of a.endpoints) {
      if (e.networkId === this.d.networks.defaultBridge.id) continue;
      const gw = e.gateway || e.result?.ips?.[0]?.gateway;
      if (gw) gateways.push(gw);
    }
    const links = await this.resolveLinks(a);
    await writeContainerFiles(a.files, containerFiles(a, await this.d.hostFiles(), { links, gateways }));
  }

  private async resolveLinks(a: AttachmentRecord): Promise<Link[]> {
    const out: Link[] = [];
    for (const l of a.options.links) {
      const { name, alias } = parseLink(l);
      const other = await this.findContainer(a.ns, name);
      if (!other) throw notFound(`could not get container for ${name}`);
      const shared = other.endpoints.find(
        (o) => o.ip && a.endpoints.some((e) => e.networkId === o.networkId),
      );
      if (!shared)
        throw invalidArgument(`cannot link to ${name}: it is not on a network this container joins`);
      out.push({ alias, name: other.name || name, ip: shared.ip! });
    }
    return out;
  }

  /** An attachment of `ns` by container id, name, or unique id prefix. */
  private async findContainer(ns: string, ref: string): Promise<AttachmentRecord | undefined> {
    const direct = await this.d.store.getAttachment(ns, ref);
    if (direct) return direct;
    const all = await this.d.store.listAttachments(ns);
    const byName = all.filter((x) => x.name && x.name === cleanName(ref));
    if (byName.length === 1) return byName[0];
    const byPrefix = all.filter((x) => x.containerId.startsWith(ref));
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  }

  private ownsFiles(a: AttachmentRecord): boolean {
    return a.files.hosts === containerFilePaths(this.d.containersDir, a.ns, a.containerId).hosts;
  }
}
