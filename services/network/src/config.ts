/**
 * berth-network configuration (TOML top level or [network], BERTH_NETWORK_* or
 * BERTH_* env, flags): the shared keys plus the default bridge, the pool user
 * networks take their subnets from, where the CNI plugins live and the range
 * host ports are picked from.
 */
import { join } from 'node:path';
import { field, type ConfigObject } from '@berth/config';
import { invalidArgument } from '@berth/errdefs';
import { baseDefaults, parseBaseConfig, type BaseConfig } from '@berth/daemon';
import { parseCidr } from './ipv4.js';

export interface NetworkConfig extends BaseConfig {
  /** Bridge device of the predefined `bridge` network. Env BERTH_NETWORK_DEFAULT_BRIDGE. */
  defaultBridge: string;
  /** Subnet of the predefined `bridge` network. Env BERTH_NETWORK_DEFAULT_SUBNET. */
  defaultSubnet: string;
  /** Where user-defined networks get a subnet when they ask for none. Env BERTH_NETWORK_SUBNET_POOL. */
  subnetPool: string;
  /** Prefix length of the subnets cut from the pool. */
  subnetSize: number;
  /** Directories holding the CNI plugins, searched in order. */
  cniPath: string[];
  /** Host ports picked for host_port 0 (docker's ephemeral range). */
  portRangeStart: number;
  portRangeEnd: number;
  /** The host resolver configuration containers on the default bridge inherit. */
  resolvConf: string;
  /** DNS servers the network DNS forwards to; empty: those of `resolvConf`. */
  dnsUpstreams: string[];
  /** berth-runtime's socket, to tell whether an attached container still exists. */
  runtimeSocket: string;
  /** Attachments younger than this are never reaped for a missing container (Attach precedes Create). */
  orphanGraceMs: number;
  /** Period of the sweep for attachments of deleted containers; 0 disables it. */
  sweepIntervalMs: number;
}

export const defaults: NetworkConfig = {
  ...baseDefaults,
  defaultBridge: 'berth0',
  defaultSubnet: '172.30.0.0/16',
  subnetPool: '172.31.0.0/16',
  subnetSize: 24,
  cniPath: ['/usr/lib/cni', '/opt/cni/bin'],
  portRangeStart: 49153,
  portRangeEnd: 60999,
  resolvConf: '/etc/resolv.conf',
  dnsUpstreams: [],
  runtimeSocket: '',
  orphanGraceMs: 60_000,
  sweepIntervalMs: 300_000,
};

const OWN = [
  'defaultBridge',
  'defaultSubnet',
  'subnetPool',
  'subnetSize',
  'cniPath',
  'portRangeStart',
  'portRangeEnd',
  'resolvConf',
  'dnsUpstreams',
  'runtimeSocket',
  'orphanGraceMs',
  'sweepIntervalMs',
];

/** Linux interface names: at most 15 bytes, no '/', whitespace or ':'. */
export const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

export function parseConfig(obj: ConfigObject): NetworkConfig {
  const base = parseBaseConfig(obj, OWN);
  const c: NetworkConfig = {
    ...base,
    defaultBridge: field.string(obj, 'defaultBridge'),
    defaultSubnet: field.string(obj, 'defaultSubnet'),
    subnetPool: field.string(obj, 'subnetPool'),
    subnetSize: field.number(obj, 'subnetSize', 8),
    cniPath: field.strings(obj, 'cniPath'),
    portRangeStart: field.number(obj, 'portRangeStart', 1),
    portRangeEnd: field.number(obj, 'portRangeEnd', 1),
    resolvConf: field.string(obj, 'resolvConf'),
    dnsUpstreams: field.strings(obj, 'dnsUpstreams'),
    runtimeSocket: (obj['runtimeSocket'] as string) || join(base.state, 'runtime.sock'),
    orphanGraceMs: field.number(obj, 'orphanGraceMs', 0),
    sweepIntervalMs: field.number(obj, 'sweepIntervalMs', 0),
  };
  if (!DEVICE_NAME.test(c.defaultBridge)) throw invalidArgument(`config defaultBridge: invalid device name`);
  parseCidr(c.defaultSubnet);
  const pool = parseCidr(c.subnetPool);
  if (c.subnetSize > 30 || c.subnetSize < pool.prefix)
    throw invalidArgument(`config subnetSize: /${c.subnetSize} does not fit in ${c.subnetPool}`);
  if (c.portRangeEnd > 65535 || c.portRangeEnd < c.portRangeStart)
    throw invalidArgument(`config portRangeEnd: must be between portRangeStart and 65535`);
  return c;
}

/** Sockets and directories; the metadata store (<root>/network/metadata) comes from openServiceState. */
export const paths = (c: NetworkConfig) => ({
  socket: join(c.state, 'network.sock'),
  /** Network namespace files: <state>/network/netns/<ns>/<id>. */
  netns: join(c.state, 'network', 'netns'),
  /** host-local IPAM allocations (volatile, like the namespaces they belong to). */
  ipam: join(c.state, 'network', 'ipam'),
  /** hosts, resolv.conf and hostname per container: <state>/network/containers/<ns>/<id>/. */
  containers: join(c.state, 'network', 'containers'),
});
