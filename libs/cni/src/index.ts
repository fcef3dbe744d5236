/**
 * @module @berth/cni — a CNI runtime (spec 0.4.0 / 1.0.0): plugin lists run for
 * ADD, DEL and CHECK with the previous result passed along, capabilities
 * injected as `runtimeConfig`, results parsed and plugin errors typed.
 */
export { CniRuntime } from './runtime.js';
export type { CniRuntimeOptions, AddOptions, DelOptions } from './runtime.js';
export { pluginStdin, pluginEnv, validateList, SUPPORTED_VERSIONS } from './config.js';
export { parseResult, parseCniError, CniError } from './result.js';
export { processExec, findPlugin } from './exec.js';
export type { PluginExec, ExecResult } from './exec.js';
export type {
  CapabilityArgs,
  CniCommand,
  CniDns,
  CniInterface,
  CniIpConfig,
  CniPortMapping,
  CniResult,
  CniRoute,
  NetworkConfigList,
  PluginConfig,
  RuntimeConf,
} from './types.js';
