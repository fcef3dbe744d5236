/**
 * @module @berth/daemon — the shared process shell of berth services.
 */
export { runService } from './run.js';
export type { ServiceSpec, Started } from './run.js';
