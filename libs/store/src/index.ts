/**
 * @module @berth/store — LevelDB helpers: open, namespaced keys, prefix listing,
 * atomic batches, and per-key locks for read-modify-write.
 */
export { openDb, key, under, getOr, list, hasAny, commit } from './store.js';
export type { Db, BatchOp } from './store.js';
export { KeyedMutex } from './mutex.js';
