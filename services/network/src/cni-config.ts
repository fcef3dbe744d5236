/**
 * The CNI configuration list of a bridge network and the runtime arguments of
 * one endpoint (pure): bridge (gateway on the bridge, masquerade unless
 * internal, hairpin, host-local IPAM with the network's range, a static
 * address through the `ips` capability) → portmap (published ports,
 * `portMappings` capability, SNAT for hairpin and localhost) → firewall.
 */
import { internal } from '@berth/errdefs';
import type { CniPortMapping, CniResult, NetworkConfigList, RuntimeConf } from '@berth/cni';
import { prefixOf } from './ipv4.js';
import type { EndpointRecord, NetworkRecord, PortRecord } from './records.js';

export const CNI_VERSION = '1.0.0';

/**
 * The network's conflist. Its CNI name is the bridge device, unique host-wide, so host-local's
 * allocations (<ipamDir>/<device>) are shared by every namespace that sees the same bridge.
 */
export function bridgeConflist(net: NetworkRecord, ipamDir: string): NetworkConfigList {
  const block = net.ipam[0];
  if (!block) throw internal(`network ${net.name} has no IPAM block`);
  const range: Record<string, string> = { subnet: block.subnet, gateway: block.gateway };
  if (block.rangeStart) range['rangeStart'] = block.rangeStart;
  if (block.rangeEnd) range['rangeEnd'] = block.rangeEnd;
  return {
    cniVersion: CNI_VERSION,
    name: net.bridge,
    plugins: [
      {
        type: 'bridge',
        bridge: net.bridge,
        isGateway: true,
        ipMasq: !net.internal,
        hairpinMode: true,
        ...(net.mtu ? { mtu: net.mtu } : {}),
        capabilities: { ips: true },
        ipam: {
          type: 'host-local',
          dataDir: ipamDir,
          ranges: [[range]],
          // An internal network has no way out, so no default route either.
          routes: net.internal ? [] : [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', snat: true, capabilities: { portMappings: true } },
      { type: 'firewall', backend: 'iptables' },
    ],
  };
}

/** CNI_CONTAINERID for a container: unique host-wide (`--` cannot occur in an identifier). */
export const cniContainerId = (ns: string, containerId: string): string => `${ns}--${containerId}`;

/** The runtime arguments of one endpoint ADD (and of its DEL, which must repeat them). */
export function endpointRuntime(o: {
  ns: string;
  containerId: string;
  netns: string;
  ifName: string;
  ports: readonly PortRecord[];
  ip?: string;
  subnet: string;
}): RuntimeConf {
  const capabilityArgs: RuntimeConf['capabilityArgs'] = {};
  if (o.ports.length) capabilityArgs.portMappings = o.ports.map(toCniPort);
  if (o.ip) capabilityArgs.ips = [`${o.ip}/${prefixOf(o.subnet)}`];
  return {
    containerId: cniContainerId(o.ns, o.containerId),
    netns: o.netns,
    ifName: o.ifName,
    args: [['IgnoreUnknown', '1']],
    capabilityArgs,
  };
}

export function toCniPort(p: PortRecord): CniPortMapping {
  return {
    hostPort: p.hostPort,
    containerPort: p.containerPort,
    protocol: p.protocol,
    ...(p.hostIp ? { hostIP: p.hostIp } : {}),
  };
}

/** Reads the container-side address, gateway and MAC out of an ADD result. */
export function endpointFromResult(
  r: CniResult,
  ifName: string,
): Pick<EndpointRecord, 'ip' | 'prefixLen' | 'gateway' | 'mac'> {
  const ifIndex = (r.interfaces ?? []).findIndex((i) => i.name === ifName && i.sandbox);
  const ip = (r.ips ?? []).find((x) => x.interface === ifIndex) ?? r.ips?.[0];
  const [addr, len] = (ip?.address ?? '').split('/');
  return {
    ip: addr ?? '',
    prefixLen: Number(len ?? 0),
    gateway: ip?.gateway ?? '',
    mac: r.interfaces?.[ifIndex]?.mac ?? '',
  };
}

/** The next free interface name (eth0, eth1, …) given those in use. */
export function nextIfName(used: readonly string[]): string {
  for (let i = 0; ; i++) if (!used.includes(`eth${i}`)) return `eth${i}`;
}
