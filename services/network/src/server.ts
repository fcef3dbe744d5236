/**
 * berth.network.v1.Networks over Networks and Attachments: validate,
 * call, convert. No logic of its own.
 */
import type { CallContext } from '@berth/grpc';
import { parseFilters, recordAdaptor } from '@berth/filters';
import { invalidArgument } from '@berth/errdefs';
import type {
  AttachRequest,
  AttachResponse,
  ConnectRequest,
  ConnectResponse,
  CreateNetworkRequest,
  CreateNetworkResponse,
  DeleteNetworkRequest,
  DeleteNetworkResponse,
  DetachRequest,
  DetachResponse,
  DisconnectRequest,
  DisconnectResponse,
  Endpoint,
  EndpointsRequest,
  EndpointsResponse,
  GetNetworkRequest,
  GetNetworkResponse,
  ListNetworksRequest,
  ListNetworksResponse,
  Network,
  PruneNetworksRequest,
  PruneNetworksResponse,
} from '@berth/proto/berth/network/v1';
import type { Attachments } from './attachments.js';
import type { Networks } from './networks.js';
import {
  pickAttachOptions,
  type AttachmentRecord,
  type EndpointRecord,
  type NetworkRecord,
} from './records.js';

export function networkToProto(n: NetworkRecord, containers: string[]): Network {
  return {
    id: n.id,
    name: n.name,
    driver: n.driver,
    bridge: n.bridge,
    ipam: n.ipam.map((b) => ({ subnet: b.subnet, gateway: b.gateway, ipRange: b.ipRange })),
    internal: n.internal,
    mtu: n.mtu,
    labels: n.labels,
    createdAt: new Date(n.createdAt),
    containers,
    enableIpv6: false,
  };
}

export function endpointToProto(e: EndpointRecord): Endpoint {
  return {
    network: e.network,
    networkId: e.networkId,
    ip: e.ip ?? '',
    prefixLen: e.prefixLen ?? 0,
    gateway: e.gateway ?? '',
    mac: e.mac ?? '',
    aliases: e.aliases,
    interface: e.ifName,
  };
}

const portsToProto = (a: AttachmentRecord) => a.ports.map((p) => ({ ...p }));

export class NetworksServer {
  constructor(
    private readonly networks: Networks,
    private readonly attachments: Attachments,
  ) {}

  async create(req: CreateNetworkRequest, ctx: CallContext): Promise<CreateNetworkResponse> {
    const net = await this.networks.create(ctx.ns, req);
    return { network: networkToProto(net, []) };
  }

  async get(req: GetNetworkRequest, ctx: CallContext): Promise<GetNetworkResponse> {
    const net = await this.networks.resolve(ctx.ns, req.name);
    return { network: networkToProto(net, await this.attachments.attachedTo(ctx.ns, net.id)) };
  }

  async list(req: ListNetworksRequest, ctx: CallContext): Promise<ListNetworksResponse> {
    const filter = parseFilters(req.filters);
    const out: Network[] = [];
    for (const n of await this.networks.list(ctx.ns)) {
      const fields = { id: n.id, name: n.name, driver: n.driver, bridge: n.bridge };
      if (!filter.match(recordAdaptor(fields, n.labels))) continue;
      out.push(networkToProto(n, await this.attachments.attachedTo(ctx.ns, n.id)));
    }
    return { networks: out };
  }

  async delete(req: DeleteNetworkRequest, ctx: CallContext): Promise<DeleteNetworkResponse> {
    await this.networks.delete(ctx.ns, req.name, (ns, id) => this.attachments.attachedTo(ns, id));
    return {};
  }

  async prune(_req: PruneNetworksRequest, ctx: CallContext): Promise<PruneNetworksResponse> {
    const deleted: string[] = [];
    for (const n of await this.networks.list(ctx.ns)) {
      if (n.predefined || (await this.attachments.attachedTo(ctx.ns, n.id)).length) continue;
      try {
        await this.networks.delete(ctx.ns, n.id, (ns, id) => this.attachments.attachedTo(ns, id));
        deleted.push(n.name);
      } catch (err) {
        ctx.log.debug({ err, network: n.name }, 'prune skipped a network');
      }
    }
    return { deleted };
  }

  async attach(req: AttachRequest, ctx: CallContext): Promise<AttachResponse> {
    const a = await this.attachments.attach(ctx.ns, {
      containerId: req.containerId,
      name: req.name,
      mode: req.mode,
      endpoints: req.endpoints,
      ports: req.ports,
      ...pickAttachOptions(req),
    });
    return {
      netns: a.netns,
      endpoints: a.endpoints.map(endpointToProto),
      ports: portsToProto(a),
      hostsPath: a.files.hosts,
      resolvConfPath: a.files.resolvConf,
      hostnamePath: a.files.hostname,
    };
  }

  async detach(req: DetachRequest, ctx: CallContext): Promise<DetachResponse> {
    if (!req.containerId) throw invalidArgument('detach: container_id is required');
    await this.attachments.detach(ctx.ns, req.containerId);
    return {};
  }

  async connect(req: ConnectRequest, ctx: CallContext): Promise<ConnectResponse> {
    if (!req.endpoint?.network) throw invalidArgument('connect: endpoint.network is required');
    const ep = await this.attachments.connect(ctx.ns, req.containerId, req.endpoint);
    return { endpoint: endpointToProto(ep) };
  }

  async disconnect(req: DisconnectRequest, ctx: CallContext): Promise<DisconnectResponse> {
    await this.attachments.disconnect(ctx.ns, req.containerId, req.network);
    return {};
  }

  async endpoints(req: EndpointsRequest, ctx: CallContext): Promise<EndpointsResponse> {
    const a = await this.attachments.get(ctx.ns, req.containerId);
    return {
      mode: a.mode,
      netns: a.netns,
      endpoints: a.endpoints.map(endpointToProto),
      ports: portsToProto(a),
    };
  }
}
