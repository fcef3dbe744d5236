/**
 * What the network commands show, as docker shows it: `network create`
 * flags turned into a request, `network ls` filters and fields, and
 * `network inspect`'s JSON. Pure module: the commands fetch, this formats.
 */
import type { CreateNetworkRequest, Endpoint, Network } from '@berth/proto/berth/network/v1';
import { labelMatch, parseFilters, regexMatch, type Filters } from '../views/filters.js';

/** The driver options berth's bridge networks understand (`-o key=value`). */
export const OPT_MTU = 'com.docker.network.driver.mtu';
export const OPT_BRIDGE_NAME = 'com.docker.network.bridge.name';

export interface CreateFlags {
  driver?: string;
  subnet?: string[];
  gateway?: string[];
  ipRange?: string[];
  internal?: boolean;
  opt?: string[];
  mtu?: string;
  label?: string[];
  ipv6?: boolean;
}

const keyValue = (s: string, what: string): [string, string] => {
  const eq = s.indexOf('=');
  if (eq <= 0) throw new Error(`invalid ${what} '${s}': expected key=value`);
  return [s.slice(0, eq), s.slice(eq + 1)];
};

/**
 * `network create` flags → Networks.Create. A gateway or ip-range pairs with the subnet at the
 * same position, as docker pairs them.
 *
 * @throws Error (a usage error) with docker's messages.
 */
export function createRequest(name: string, f: CreateFlags): CreateNetworkRequest {
  const subnets = f.subnet ?? [];
  const gateways = f.gateway ?? [];
  const ranges = f.ipRange ?? [];
  if (gateways.length > subnets.length || ranges.length > subnets.length)
    throw new Error('every ip-range or gateway must have a corresponding subnet');
  const labels: Record<string, string> = {};
  for (const l of f.label ?? []) {
    const eq = l.indexOf('=');
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  let mtu = 0;
  let bridge = '';
  const setMtu = (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < 68 || Number(v) > 65535)
      throw new Error(`invalid MTU ${JSON.stringify(v)}: expected a number between 68 and 65535`);
    mtu = Number(v);
  };
  for (const o of f.opt ?? []) {
    const [k, v] = keyValue(o, 'option');
    if (k === OPT_MTU) setMtu(v);
    else if (k === OPT_BRIDGE_NAME) bridge = v;
    else throw new Error(`unsupported network option ${k} (berth knows ${OPT_MTU} and ${OPT_BRIDGE_NAME})`);
  }
  if (f.mtu !== undefined) setMtu(f.mtu);
  return {
    name,
    driver: f.driver ?? 'bridge',
    ipam: subnets.map((subnet, i) => ({ subnet, gateway: gateways[i] ?? '', ipRange: ranges[i] ?? '' })),
    internal: f.internal === true,
    mtu,
    labels,
    enableIpv6: f.ipv6 === true,
    bridge,
  };
}

const PREDEFINED = new Set(['bridge', 'host', 'none']);

/** docker's `network ls --filter` keys. */
const FILTER_KEYS = ['driver', 'id', 'label', 'name', 'scope', 'type', 'dangling'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
export type NetworkFilters = Filters<FilterKey>;

/** Parses `-f key=value` arguments (same key ORs, different keys AND). */
export function parseNetworkFilters(args: readonly string[]): NetworkFilters {
  return parseFilters(args, FILTER_KEYS, (key, value) => {
    if (key === 'type' && !['custom', 'builtin'].includes(value))
      throw new Error(`invalid filter: 'type'='${value}'`);
    if (key === 'dangling' && !['true', 'false', '1', '0'].includes(value))
      throw new Error(`invalid filter 'dangling=${value}'`);
  });
}

/** Whether network `n` passes every filter. */
export function matchNetwork(f: NetworkFilters, n: Network): boolean {
  const any = (key: FilterKey, test: (v: string) => boolean) => {
    const vs = f.get(key);
    return !vs || vs.some(test);
  };
  const builtin = PREDEFINED.has(n.name);
  return (
    any('driver', (v) => v === n.driver) &&
    any('id', (v) => n.id.startsWith(v)) &&
    any('name', (v) => regexMatch(v, n.name)) &&
    any('scope', (v) => v === 'local') &&
    any('type', (v) => (v === 'builtin') === builtin) &&
    any('dangling', (v) => (v === 'true' || v === '1') === (!builtin && n.containers.length === 0)) &&
    (f.get('label') ?? []).every((want) => labelMatch(want, n.labels))
  );
}

/** The fields `network ls --format` templates see (docker's NetworkContext). */
export interface NetworkContext {
  ID: string;
  Name: string;
  Driver: string;
  Scope: string;
  IPv6: string;
  Internal: string;
  Labels: string;
  CreatedAt: string;
  Label: (key: string) => string;
}

export const NETWORK_HEADERS: Readonly<Record<string, string>> = {
  ID: 'NETWORK ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  IPv6: 'IPV6',
  Internal: 'INTERNAL',
  Labels: 'LABELS',
  CreatedAt: 'CREATED AT',
};

/** Go's time.Time.String() to the second, UTC. */
const goTime = (d: Date | undefined): string =>
  d
    ? d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' +0000 UTC')
    : '0001-01-01 00:00:00 +0000 UTC';

export function networkContext(n: Network, trunc: boolean): NetworkContext {
  const c: NetworkContext = {
    ID: trunc ? n.id.slice(0, 12) : n.id,
    Name: n.name,
    Driver: n.driver,
    Scope: 'local',
    IPv6: String(n.enableIpv6),
    Internal: String(n.internal),
    Labels: Object.keys(n.labels)
      .sort()
      .map((k) => `${k}=${n.labels[k]}`)
      .join(','),
    CreatedAt: goTime(n.createdAt),
    Label: (key: string) => n.labels[key] ?? '',
  };
  Object.defineProperty(c, 'toJSON', { value: () => networkJsonLine(c), enumerable: false });
  return c;
}

/** `--format json`: docker's NetworkContext as one JSON object (sorted keys, all strings). */
export function networkJsonLine(c: NetworkContext): Record<string, string> {
  const keys = Object.keys(NETWORK_HEADERS).sort();
  return Object.fromEntries(keys.map((k) => [k, c[k as keyof NetworkContext] as string]));
}

export const networkHeaderContext = (): Record<string, unknown> => ({
  ...NETWORK_HEADERS,
  Label: (key: string) => key.toUpperCase(),
});

/** docker's default table: NETWORK ID NAME DRIVER SCOPE. */
export const networkTableRows = (cs: readonly NetworkContext[]): string[][] => [
  ['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'],
  ...cs.map((c) => [c.ID, c.Name, c.Driver, c.Scope]),
];

/** An attached container as `network inspect` lists it. */
export interface AttachedContainer {
  id: string;
  name: string;
  endpoint: Endpoint | undefined;
}

/** `network inspect`'s object, as docker's NetworkResource. */
export function inspectNetwork(
  n: Network,
  containers: readonly AttachedContainer[],
): Record<string, unknown> {
  const options: Record<string, string> = {};
  if (n.driver === 'bridge' && n.bridge) options[OPT_BRIDGE_NAME] = n.bridge;
  if (n.mtu) options[OPT_MTU] = String(n.mtu);
  return {
    Name: n.name,
    Id: n.id,
    Created: n.createdAt?.toISOString() ?? '0001-01-01T00:00:00Z',
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: n.enableIpv6,
    IPAM: {
      Driver: 'default',
      Options: {},
      Config: n.ipam.map((b) => ({
        Subnet: b.subnet,
        ...(b.ipRange ? { IPRange: b.ipRange } : {}),
        ...(b.gateway ? { Gateway: b.gateway } : {}),
      })),
    },
    Internal: n.internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: Object.fromEntries(
      containers.map((c) => [
        c.id,
        {
          Name: c.name,
          EndpointID: '',
          MacAddress: c.endpoint?.mac ?? '',
          IPv4Address: c.endpoint?.ip ? `${c.endpoint.ip}/${c.endpoint.prefixLen}` : '',
          IPv6Address: '',
        },
      ]),
    ),
    Options: options,
    Labels: { ...n.labels },
  };
}
