/**
 * @module @berth/config — layered config (defaults, TOML file, BERTH_* env, flags).
 */
export { loadConfig, field } from './load.js';
export type { ConfigObject, LoadOptions } from './load.js';
