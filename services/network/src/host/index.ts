/**
 * The host side of networking that is not CNI's: bridges, routes, the
 * isolation chains and namespace files. Logic takes a HostNet so it can run
 * against a fake in unit tests.
 */
import type { Cidr } from '../ipv4.js';
import { deleteBridge, deviceAddresses, ensureBridge, hostRoutes, linkExists } from './links.js';
import { ensureJumpFirst, syncIsolation, type IsolatedBridge } from './isolation.js';
import { sweepCniRules } from './sweep.js';

export interface HostNet {
  ensureBridge(dev: string, gatewayCidr: string, mtu: number): Promise<void>;
  deleteBridge(dev: string): Promise<void>;
  deviceAddresses(dev: string): Promise<string[]>;
  hostRoutes(): Promise<Cidr[]>;
  linkExists(dev: string): Promise<boolean>;
  syncIsolation(bridges: readonly IsolatedBridge[], removed?: readonly string[]): Promise<void>;
  ensureJumpFirst(): Promise<void>;
  /** Removes iptables rules the CNI plugins made for a container when their DEL could not. */
  sweepCniRules(cniContainerId: string, ips: readonly string[]): Promise<number>;
}

export const realHost: HostNet = {
  ensureBridge,
  deleteBridge,
  deviceAddresses,
  hostRoutes,
  linkExists,
  syncIsolation,
  ensureJumpFirst,
  sweepCniRules,
};

export { NetnsDir } from './netns.js';
export { toolEnv } from './run.js';
export type { IsolatedBridge } from './isolation.js';
