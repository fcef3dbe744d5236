/**
 * Building what a plugin reads: its stdin (the plugin's own config plus the
 * list's name and version, the capabilities it asked for under
 * `runtimeConfig`, and the previous result) and its CNI_* environment.
 */
import { invalidArgument } from '@berth/errdefs';
import type { CniCommand, CniResult, NetworkConfigList, PluginConfig, RuntimeConf } from './types.js';

/** Versions this runtime speaks (what containernetworking-plugins 1.1.1 accepts, from 0.4.0 on). */
export const SUPPORTED_VERSIONS = ['0.4.0', '1.0.0'];

/** Checks a list before use; throws InvalidArgument naming what is wrong. */
export function validateList(list: NetworkConfigList): void {
  if (!list.name) throw invalidArgument('cni network config: name is required');
  if (!SUPPORTED_VERSIONS.includes(list.cniVersion))
    throw invalidArgument(
      `cni network config ${list.name}: cniVersion ${JSON.stringify(list.cniVersion)} is not one of ${SUPPORTED_VERSIONS.join(', ')}`,
    );
  if (!Array.isArray(list.plugins) || list.plugins.length === 0)
    throw invalidArgument(`cni network config ${list.name}: no plugins`);
  for (const p of list.plugins)
    if (!p.type || /[/\\]/.test(p.type) || p.type.startsWith('.'))
      throw invalidArgument(`cni network config ${list.name}: bad plugin type ${JSON.stringify(p.type)}`);
}

/**
 * Returns the JSON a plugin reads on stdin, as libcni builds it: the plugin's config with the
 * list's `name` and `cniVersion`, `runtimeConfig` holding only the capabilities the plugin
 * declared and the runtime has values for, and `prevResult` when given.
 */
export function pluginStdin(
  list: NetworkConfigList,
  plugin: PluginConfig,
  rt: RuntimeConf,
  prevResult?: CniResult,
): Record<string, unknown> {
  const conf: Record<string, unknown> = { ...plugin, name: list.name, cniVersion: list.cniVersion };
  const runtimeConfig: Record<string, unknown> = {};
  for (const [cap, wanted] of Object.entries(plugin.capabilities ?? {})) {
    const value = rt.capabilityArgs?.[cap];
    if (wanted && value !== undefined) runtimeConfig[cap] = value;
  }
  if (Object.keys(runtimeConfig).length) conf['runtimeConfig'] = runtimeConfig;
  else delete conf['runtimeConfig'];
  if (prevResult) conf['prevResult'] = prevResult;
  else delete conf['prevResult'];
  return conf;
}

/** Returns the CNI_* variables for one invocation (merged over `base`, which should carry PATH). */
export function pluginEnv(
  command: CniCommand,
  rt: RuntimeConf,
  cniPath: readonly string[],
  base: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of Object.keys(env)) if (k.startsWith('CNI_')) delete env[k];
  return {
    ...env,
    CNI_COMMAND: command,
    CNI_CONTAINERID: rt.containerId,
    CNI_NETNS: rt.netns,
    CNI_IFNAME: rt.ifName,
    CNI_ARGS: (rt.args ?? []).map(([k, v]) => `${k}=${v}`).join(';'),
    CNI_PATH: cniPath.join(':'),
  };
}
