/**
 * The CNI data model as spec 0.4.0 / 1.0.0 plugins read and write it (Debian's
 * containernetworking-plugins 1.1.1): network configuration lists, the
 * runtime's per-call arguments, and results.
 */

/** One plugin's configuration inside a list: `type` names the plugin binary. */
export interface PluginConfig {
  type: string;
  /** Capabilities this plugin wants the runtime to inject under `runtimeConfig`. */
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

/** A network configuration list (a `.conflist`). */
export interface NetworkConfigList {
  cniVersion: string;
  /** The network name; host-local keeps its allocations under `<dataDir>/<name>`. */
  name: string;
  disableCheck?: boolean;
  plugins: PluginConfig[];
}

/** A published port as the portmap plugin's `portMappings` capability expects it. */
export interface CniPortMapping {
  hostPort: number;
  containerPort: number;
  protocol: string;
  hostIP?: string;
}

/** Values for the well-known capabilities (the `runtimeConfig` keys). */
export interface CapabilityArgs {
  portMappings?: CniPortMapping[];
  /** Static addresses with or without a prefix (host-local's `ips` capability). */
  ips?: string[];
  mac?: string;
  [key: string]: unknown;
}

/** What the runtime knows about one attachment (libcni's RuntimeConf). */
export interface RuntimeConf {
  containerId: string;
  /** Path of the network namespace; '' for none. */
  netns: string;
  ifName: string;
  /** CNI_ARGS as key/value pairs (joined as `K=V;K=V`). */
  args?: Array<[string, string]>;
  capabilityArgs?: CapabilityArgs;
}

export interface CniInterface {
  name: string;
  mac?: string;
  mtu?: number;
  /** The netns path for interfaces inside the container; absent for host-side ones. */
  sandbox?: string;
}

export interface CniIpConfig {
  /** CIDR form, e.g. `10.1.0.5/24`. */
  address: string;
  gateway?: string;
  /** Index into `interfaces`. */
  interface?: number;
}

export interface CniRoute {
  dst: string;
  gw?: string;
}

export interface CniDns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

/** A result, normalised to the 1.0.0 shape (0.4.0's per-ip `version` dropped). */
export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: CniRoute[];
  dns?: CniDns;
}

/** CNI_COMMAND values. */
export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';
