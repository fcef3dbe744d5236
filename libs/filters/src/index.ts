/**
 * @module @berth/filters — containerd's filter language (parse + match).
 */
export { parseFilters, parseOne } from './parse.js';
export type { Adaptor, Filter, Selector } from './parse.js';
export { recordAdaptor } from './adaptor.js';
