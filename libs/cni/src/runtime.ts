/**
 * A CNI runtime (the job libcni does for containerd): runs a network
 * configuration list's plugins for ADD (in order, each getting the previous
 * one's result), DEL (in reverse, each getting the cached result) and CHECK.
 *
 * Caching results is the caller's job: ADD reports each plugin's start and
 * result through hooks, so a caller that persists them before going on can
 * DEL precisely after a crash at any point.
 */
import { invalidArgument } from '@berth/errdefs';
import { pluginEnv, pluginStdin, validateList } from './config.js';
import { findPlugin, processExec, type PluginExec } from './exec.js';
import { parseCniError, parseResult } from './result.js';
import type { CniCommand, CniResult, NetworkConfigList, PluginConfig, RuntimeConf } from './types.js';

export interface CniRuntimeOptions {
  /** Directories holding the plugin binaries (CNI_PATH), searched in order. */
  pluginDirs: readonly string[];
  /** Runs a plugin; default: spawn it. */
  exec?: PluginExec;
  /** Base environment for plugins (they need PATH for iptables); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface AddOptions {
  signal?: AbortSignal;
  /** Awaited before plugin `index` runs: persist that it may have changed something. */
  beforePlugin?(index: number): Promise<void> | void;
  /** Awaited after plugin `index` succeeded, with its result: persist it before going on. */
  afterPlugin?(index: number, result: CniResult): Promise<void> | void;
}

export interface DelOptions {
  signal?: AbortSignal;
  /** The result cached from ADD (libcni's cached result); plugins release by it. */
  prevResult?: CniResult | undefined;
  /** Only plugins 0..upTo ran (ADD was interrupted): DEL only those. Default: all. */
  upTo?: number;
}

export class CniRuntime {
  private readonly exec: PluginExec;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly opts: CniRuntimeOptions) {
    this.exec = opts.exec ?? processExec();
    this.env = opts.env ?? process.env;
  }

  /**
   * Runs ADD for every plugin in order and returns the last result. Stops at the first failure
   * and throws its CniError; what earlier plugins set up stays: call delNetworkList to undo it.
   */
  async addNetworkList(list: NetworkConfigList, rt: RuntimeConf, o: AddOptions = {}): Promise<CniResult> {
    validateList(list);
    let prev: CniResult | undefined;
    for (const [i, plugin] of list.plugins.entries()) {
      await o.beforePlugin?.(i);
      prev = await this.invoke('ADD', list, plugin, rt, prev, o.signal);
      await o.afterPlugin?.(i, prev);
    }
    return prev!;
  }

  /**
   * Runs DEL for every plugin (or those up to `upTo`) in reverse order, each with the cached
   * result. DEL is best-effort and idempotent: every plugin is tried even if one fails; the
   * first failure is thrown afterwards.
   */
  async delNetworkList(list: NetworkConfigList, rt: RuntimeConf, o: DelOptions = {}): Promise<void> {
    validateList(list);
    const last = Math.min(o.upTo ?? list.plugins.length - 1, list.plugins.length - 1);
    let first: unknown;
    for (let i = last; i >= 0; i--) {
      try {
        await this.invoke('DEL', list, list.plugins[i]!, rt, o.prevResult, o.signal);
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  }

  /** Runs CHECK for every plugin in order with the cached result; throws the first failure. */
  async checkNetworkList(
    list: NetworkConfigList,
    rt: RuntimeConf,
    prevResult: CniResult,
    signal?: AbortSignal,
  ): Promise<void> {
    validateList(list);
    if (list.cniVersion === '0.3.0' || list.cniVersion === '0.3.1')
      throw invalidArgument(`cni network ${list.name}: CHECK needs cniVersion 0.4.0 or later`);
    if (list.disableCheck) return;
    for (const plugin of list.plugins) await this.invoke('CHECK', list, plugin, rt, prevResult, signal);
  }

  /** Runs one plugin; returns its result for ADD (for DEL/CHECK, `prev` unchanged). */
  private async invoke(
    command: CniCommand,
    list: NetworkConfigList,
    plugin: PluginConfig,
    rt: RuntimeConf,
    prev: CniResult | undefined,
    signal: AbortSignal | undefined,
  ): Promise<CniResult> {
    const path = await findPlugin(plugin.type, this.opts.pluginDirs);
    const stdin = JSON.stringify(pluginStdin(list, plugin, rt, prev));
    const env = pluginEnv(command, rt, this.opts.pluginDirs, this.env);
    const r = await this.exec(path, stdin, env, signal);
    if (r.code !== 0) throw parseCniError(plugin.type, command, r, r.stdout, r.stderr);
    if (command !== 'ADD') return prev ?? { cniVersion: list.cniVersion };
    return parseResult(plugin.type, r.stdout);
  }
}
