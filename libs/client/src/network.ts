/**
 * A container's networking, as docker's run/create flags ask for it: the
 * network mode (`--network`, repeatable, docker's advanced `name=x,alias=y`
 * form too), `--network-alias`, `--ip`, published ports, DNS and hosts flags,
 * checked the way docker checks them (pure: `planNetwork`), then given by
 * berth-network (`attachNetwork`) and released (`detachNetwork`).
 */
import { invalidArgument, isNotFound, isNotImplemented, isUnavailable, unavailable } from '@berth/errdefs';
import { unary } from '@berth/grpc';
import type { AttachResponse, EndpointRequest, PortMapping } from '@berth/proto/berth/network/v1';
import type { ImageConfig } from '@berth/image';
import type { Mount } from '@berth/oci-spec';
import type { Clients } from './clients.js';
import {
  displayablePorts,
  displayPortsOf,
  imageExposedPorts,
  parseExpose,
  parsePublish,
  portPlan,
  type ExposedPort,
  type PortSpec,
} from './ports.js';

/** The network flags of `run`/`create`. */
export interface NetworkOptions {
  /** `--network` values in order; empty: `defaultMode`. */
  networks?: readonly string[];
  /** Mode when no `--network` is given (the CLI passes env BERTH_DEFAULT_NETWORK); default `bridge`. */
  defaultMode?: string;
  /** `--network-alias`, for the first network. */
  aliases?: readonly string[];
  /** `--ip`, on the first network. */
  ip?: string;
  /** `-p` values. */
  publish?: readonly string[];
  /** `-P`. */
  publishAll?: boolean;
  /** `--expose` values. */
  expose?: readonly string[];
  dns?: readonly string[];
  dnsSearch?: readonly string[];
  dnsOptions?: readonly string[];
  /** `--add-host host:ip`. */
  addHosts?: readonly string[];
  /** `--link name[:alias]`. */
  links?: readonly string[];
  domainname?: string;
}

export type NetworkKind = 'host' | 'none' | 'container' | 'networks';

/** What `planNetwork` made of the flags. */
export interface NetworkPlan {
  kind: NetworkKind;
  /** `container` kind: the container named (resolved to an id before attaching). */
  target: string;
  /** `networks` kind: each network with its aliases and static address, the first one first. */
  endpoints: EndpointRequest[];
  /** Mappings to publish (dropped in host and none modes, as docker does). */
  publish: PortSpec[];
  /** Every exposed port (image, --expose, published). */
  exposed: ExposedPort[];
  /** Things docker warns about (published ports discarded…). */
  warnings: string[];
}

/** One `--network` value: a name, or docker's advanced `name=x,alias=a,ip=…` form. */
function parseNetworkValue(v: string): EndpointRequest {
  const value = v.trim();
  if (value === '') throw invalidArgument('invalid network: empty name');
  if (!value.includes('=') || value.startsWith('container:'))
    return { network: value === 'default' ? 'bridge' : value, aliases: [], ip: '' };
  const ep: EndpointRequest = { network: '', aliases: [], ip: '' };
  for (const field of value.split(',')) {
    const eq = field.indexOf('=');
    const key = eq < 0 ? field : field.slice(0, eq);
    const val = eq < 0 ? '' : field.slice(eq + 1);
    if (key === 'name') ep.network = val === 'default' ? 'bridge' : val;
    else if (key === 'alias') ep.aliases.push(val);
    else if (key === 'ip') ep.ip = val;
    else throw invalidArgument(`invalid field key ${key} in --network ${JSON.stringify(v)}`);
  }
  if (!ep.network) throw invalidArgument(`invalid --network ${JSON.stringify(v)}: name is required`);
  return ep;
}

/**
 * Checks the network flags together, as docker does, and works out the mode, the endpoints,
 * the ports to publish and the exposed ports. `hostname` is `-h` (refused with `container:`).
 *
 * @throws InvalidArgument with docker's "conflicting options: …" messages.
 */
export function planNetwork(o: NetworkOptions, image?: ImageConfig, hostname?: string): NetworkPlan {
  const values = o.networks?.length ? o.networks : [o.defaultMode || 'bridge'];
  const eps = values.map(parseNetworkValue);
  const special = eps.filter(
    (e) => ['host', 'none'].includes(e.network) || e.network.startsWith('container:'),
  );
  if (special.length && eps.length > 1)
    throw invalidArgument(
      'conflicting options: cannot attach both user-defined and non-user-defined network-modes',
    );
  const publish = (o.publish ?? []).flatMap(parsePublish);
  const ports = portPlan({
    publish,
    publishAll: o.publishAll === true,
    exposed: [...imageExposedPorts(image?.config?.ExposedPorts), ...(o.expose ?? []).flatMap(parseExpose)],
  });
  const aliases = [...(o.aliases ?? [])];
  const ip = o.ip ?? '';
  const links = o.links ?? [];
  const plan: NetworkPlan = {
    kind: 'networks',
    target: '',
    endpoints: [],
    publish: ports.publish,
    exposed: ports.exposed,
    warnings: [],
  };
  const first = eps[0]!;
  if (first.network.startsWith('container:')) {
    const target = first.network.slice('container:'.length);
    if (!target) throw invalidArgument('invalid network mode: container: needs a container name or id');
    if (hostname) throw invalidArgument('conflicting options: hostname and the network mode');
    if (links.length)
      throw invalidArgument(
        "conflicting options: container type network can't be used with links. This would result in undefined behavior",
      );
    if (o.dns?.length) throw invalidArgument('conflicting options: dns and the network mode');
    if (o.addHosts?.length)
      throw invalidArgument('conflicting options: custom host-to-IP mapping and the network mode');
    if (ports.publish.length || o.publishAll)
      throw invalidArgument('conflicting options: port publishing and the container type network mode');
    if (aliases.length || ip)
      throw invalidArgument(
        'conflicting options: network-scoped options and the container type network mode',
      );
    return { ...plan, kind: 'container', target, publish: [] };
  }
  if (first.network === 'host' || first.network === 'none') {
    if (first.network === 'host' && links.length)
      throw invalidArgument(
        "conflicting options: host type networking can't be used with links. This would result in undefined behavior",
      );
    if (first.network === 'none' && links.length)
      throw invalidArgument('conflicting options: links and the none network mode');
    if (aliases.length || first.aliases.length)
      throw invalidArgument('network-scoped alias is supported only for containers in user defined networks');
    if (ip || first.ip)
      throw invalidArgument('user specified IP address is supported on user defined networks only');
    const warnings = ports.publish.length
      ? [`Published ports are discarded when using ${first.network} network mode`]
      : [];
    return { ...plan, kind: first.network, publish: [], warnings };
  }
  if (aliases.length && first.aliases.length)
    throw invalidArgument('conflicting options: cannot specify both --network-alias and per-network alias');
  if (ip && first.ip)
    throw invalidArgument('conflicting options: cannot specify both --ip and per-network IPv4 address');
  const endpoints: EndpointRequest[] = [];
  eps.forEach((e, i) => {
    const ep = i === 0 ? { network: e.network, aliases: [...e.aliases, ...aliases], ip: e.ip || ip } : e;
    const same = endpoints.find((x) => x.network === ep.network);
    if (same) throw invalidArgument(`network ${ep.network} is given twice`);
    endpoints.push(ep);
  });
  return { ...plan, endpoints };
}

/** The mode string recorded on the container (label io.berth.network): docker's NetworkMode. */
export function modeLabel(plan: NetworkPlan, targetId = plan.target): string {
  if (plan.kind === 'networks') return plan.endpoints[0]!.network;
  if (plan.kind === 'container') return `container:${targetId}`;
  return plan.kind;
}

/** What berth-network gave the container, and what the spec and labels need from it. */
export interface Attached {
  /** The network namespace to join; '' for host mode. */
  netns: string;
  /** Bind mounts of the hosts, resolv.conf and hostname files ([] when berth-network was not asked). */
  mounts: Mount[];
  /** Ports as published (host ports chosen). */
  ports: PortMapping[];
  /** docker's PORTS text for `ps` (label io.berth.ports). */
  portsText: string;
  /** Whether berth-network holds something for this container (Detach on failure). */
  attached: boolean;
}

/** The three files berth-network writes, bind-mounted where docker mounts them (rw unless --read-only). */
export function fileMounts(
  r: Pick<AttachResponse, 'hostsPath' | 'resolvConfPath' | 'hostnamePath'>,
  readOnly: boolean,
): Mount[] {
  const options = ['rbind', 'rprivate', readOnly ? 'ro' : 'rw'];
  const out: Mount[] = [];
  for (const [destination, source] of [
    ['/etc/resolv.conf', r.resolvConfPath],
    ['/etc/hostname', r.hostnamePath],
    ['/etc/hosts', r.hostsPath],
  ] as const) {
    if (source) out.push({ destination, type: 'bind', source, options: [...options] });
  }
  return out;
}

export interface AttachInput {
  id: string;
  name: string;
  plan: NetworkPlan;
  /** The resolved target of `container:` mode. */
  targetId?: string;
  hostname?: string;
  domainname?: string;
  options: NetworkOptions;
  readOnly: boolean;
}

const NOT_DEPLOYED_HINT = 'use --network none to run without networking';

/**
 * Asks berth-network for the container's networking (Networks.Attach). In `none` and `host`
 * modes a missing berth-network is not an error: the container then gets a private empty
 * namespace (none) or the host's (host), without the managed /etc files.
 *
 * @throws Unavailable naming berth-network and suggesting `--network none` when it is not there.
 */
export async function attachNetwork(c: Clients, i: AttachInput): Promise<Attached> {
  const { plan } = i;
  const mode =
    plan.kind === 'networks'
      ? plan.endpoints.map((e) => e.network).join(',')
      : plan.kind === 'container'
        ? `container:${i.targetId ?? plan.target}`
        : plan.kind;
  let r: AttachResponse;
  try {
    r = await unary(
      c.networks,
      c.networks.attach,
      {
        containerId: i.id,
        name: i.name,
        mode,
        endpoints: plan.kind === 'networks' ? plan.endpoints : [],
        ports: plan.publish.map((p) => ({ ...p })),
        hostname: i.hostname ?? '',
        domainname: i.domainname ?? '',
        dns: [...(i.options.dns ?? [])],
        dnsSearch: [...(i.options.dnsSearch ?? [])],
        dnsOptions: [...(i.options.dnsOptions ?? [])],
        extraHosts: [...(i.options.addHosts ?? [])],
        links: [...(i.options.links ?? [])],
      },
      { ...c.opts, service: 'berth-network' },
    );
  } catch (err) {
    if (!isUnavailable(err)) throw err;
    if (plan.kind === 'none' || plan.kind === 'host')
      return { netns: '', mounts: [], ports: [], portsText: '', attached: false };
    const why = (err instanceof Error ? err.message : String(err))
      .replace(/\.? Resolution note: ?$/, '')
      .trim();
    throw unavailable(`${why}; network mode "${mode}" needs berth-network (${NOT_DEPLOYED_HINT})`, err);
  }
  const portsText = plan.kind === 'networks' ? displayablePorts(displayPortsOf(r.ports, plan.exposed)) : '';
  return {
    netns: r.netns,
    mounts: fileMounts(r, i.readOnly),
    ports: r.ports,
    portsText,
    attached: true,
  };
}

/**
 * Releases a container's networking (Networks.Detach). Nothing to release (NotFound) and no
 * berth-network deployed (Unavailable) are fine: berth-network also detaches containers when
 * berth-runtime reports them deleted, and sweeps what is left.
 */
export async function detachNetwork(c: Clients, id: string): Promise<void> {
  try {
    await unary(c.networks, c.networks.detach, { containerId: id }, { ...c.opts, service: 'berth-network' });
  } catch (err) {
    if (isNotFound(err) || isUnavailable(err) || isNotImplemented(err)) return;
    throw err;
  }
}
