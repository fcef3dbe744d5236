/**
 * @module @berth/daemon — the shared process shell of berth services and their common config keys.
 */
export { runService } from './run.js';
export type { ServiceSpec, Started } from './run.js';
export { baseDefaults, parseBaseConfig } from './base-config.js';
export type { BaseConfig } from './base-config.js';
export { openServiceState } from './state.js';
export type { ServiceState } from './state.js';
export { namespaceUsage } from './usage.js';
export type { CountUsage } from './usage.js';
