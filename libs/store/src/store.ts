/**
 * LevelDB helpers shared by every service's metadata module. A service owns one
 * database; keys are `/`-separated paths starting with a schema version and,
 * for namespaced records, the namespace: `v1/<ns>/<bucket>/<id>`. Values are JSON.
 * Multi-key changes go through one atomic batch so a crash leaves the old or the new state.
 */
import { ClassicLevel } from 'classic-level';
import { fromSystemError } from '@berth/errdefs';

export type Db = ClassicLevel<string, unknown>;

/** A write in an atomic batch. */
export type BatchOp = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };

/** Opens (creating if needed) the database at `path`. */
export async function openDb(path: string): Promise<Db> {
  const db = new ClassicLevel<string, unknown>(path, { keyEncoding: 'utf8', valueEncoding: 'json' });
  try {
    await db.open();
  } catch (err) {
    // LEVEL_LOCKED means another process owns this store: say so rather than "database is not open".
    const cause = (err as { cause?: { code?: string } }).cause;
    throw fromSystemError(cause ?? err, `open metadata store ${path}`);
  }
  return db;
}

/** Joins key parts with `/`. Parts must not contain `/` themselves (names are validated upstream). */
export const key = (...parts: string[]): string => parts.join('/');

/** The iterator range covering every key under `prefix/`. */
export function under(prefix: string): { gt: string; lt: string } {
  return { gt: `${prefix}/`, lt: `${prefix}/\uffff` };
}

/** Returns the value at `k`, or undefined when absent. */
export async function getOr<T>(db: Db, k: string): Promise<T | undefined> {
  const v = await db.get(k);
  return v === undefined ? undefined : (v as T);
}

/** Lists `[suffix, value]` for every key under `prefix/`. */
export async function list<T>(db: Db, prefix: string): Promise<Array<[string, T]>> {
  const out: Array<[string, T]> = [];
  const cut = prefix.length + 1;
  for await (const [k, v] of db.iterator(under(prefix))) out.push([k.slice(cut), v as T]);
  return out;
}

/** Reports whether any key exists under `prefix/`. */
export async function hasAny(db: Db, prefix: string): Promise<boolean> {
  for await (const _ of db.keys({ ...under(prefix), limit: 1 })) return true;
  return false;
}

/** Applies the operations atomically. */
export async function commit(db: Db, ops: BatchOp[]): Promise<void> {
  if (ops.length) await db.batch(ops);
}
