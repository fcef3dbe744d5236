/**
 * The records berth-network keeps (plain data, JSON in level; see store.ts for
 * the key layout). Changing these shapes needs a migration.
 */
import type { CniResult, NetworkConfigList, RuntimeConf } from '@berth/cni';
import type { Ipam } from './ipv4.js';

export type Driver = 'bridge' | 'host' | 'null';

export interface NetworkRecord {
  /** 64 hex. */
  id: string;
  name: string;
  driver: Driver;
  /** Linux bridge device (bridge driver), unique host-wide. */
  bridge: string;
  /** One IPv4 block (bridge driver). */
  ipam: Ipam[];
  internal: boolean;
  mtu: number;
  labels: Record<string, string>;
  /** ISO time. */
  createdAt: string;
  /** bridge, host and none: present in every namespace, never stored, never deleted. */
  predefined?: boolean;
}

/** A published port, host side resolved. */
export interface PortRecord {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

/** One network a container is joined to: the CNI invocation and its cached result. */
export interface EndpointRecord {
  networkId: string;
  network: string;
  ifName: string;
  aliases: string[];
  /** Static address asked for (--ip), '' for any. */
  requestedIp: string;
  /** The exact configuration and arguments ADD ran with: DEL repeats them. */
  conflist: NetworkConfigList;
  rt: RuntimeConf;
  /** Index of the last plugin ADD started (-1: none yet). */
  started: number;
  /** The result after the last plugin that finished (libcni's cached result). */
  result?: CniResult;
  /** Filled from the result once ADD finished. */
  ip?: string;
  prefixLen?: number;
  gateway?: string;
  mac?: string;
}

/** How the container's networking was asked for (kept for files, links and DNS). */
export interface AttachOptions {
  hostname: string;
  domainname: string;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  extraHosts: string[];
  links: string[];
}

/** Just the AttachOptions fields of `o` (an attach request, say). */
export const pickAttachOptions = (o: AttachOptions): AttachOptions => ({
  hostname: o.hostname,
  domainname: o.domainname,
  dns: o.dns,
  dnsSearch: o.dnsSearch,
  dnsOptions: o.dnsOptions,
  extraHosts: o.extraHosts,
  links: o.links,
});

export type AttachmentState = 'attaching' | 'ready' | 'detaching';

export interface AttachmentRecord {
  ns: string;
  containerId: string;
  /** Container name for DNS ('' when none). */
  name: string;
  /** none | host | container:<id> | bridge | network names (as asked, normalised). */
  mode: string;
  /** The netns path to join ('' for host mode). */
  netns: string;
  /** True when berth-network made (and must remove) `netns`. */
  ownNetns: boolean;
  endpoints: EndpointRecord[];
  ports: PortRecord[];
  options: AttachOptions;
  files: { hosts: string; resolvConf: string; hostname: string };
  state: AttachmentState;
  createdAt: string;
}
