/**
 * docker's `--filter key=value` rules shared by the list commands (ps, network ls):
 * parsing into values grouped by key, and filters.Match's name and label tests.
 */

/** `--filter k=v` values grouped by key: the same key ORs, different keys AND (docker's rule). */
export type Filters<K extends string> = ReadonlyMap<K, readonly string[]>;

/**
 * Parses `--filter` arguments whose keys must be among `keys`; `check` throws an Error with
 * docker's message on a bad value. Throws docker's message on a bad argument or key.
 */
export function parseFilters<K extends string>(
  args: readonly string[],
  keys: readonly K[],
  check: (key: K, value: string) => void,
): Filters<K> {
  const out = new Map<K, string[]>();
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new Error(`bad format of filter (expected name=value): ${a}`);
    const key = a.slice(0, eq).trim().toLowerCase();
    const value = a.slice(eq + 1).trim();
    if (!(keys as readonly string[]).includes(key)) throw new Error(`invalid filter '${key}'`);
    check(key as K, value);
    const list = out.get(key as K) ?? [];
    list.push(value);
    out.set(key as K, list);
  }
  return out;
}

/** docker's filters.Match: the value as a regular expression (unanchored), else a substring. */
export function regexMatch(pattern: string, text: string): boolean {
  if (pattern === text) return true;
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return text.includes(pattern);
  }
}

/** A `label=k` or `label=k=v` filter value against `labels`. */
export function labelMatch(want: string, labels: Readonly<Record<string, string>>): boolean {
  const eq = want.indexOf('=');
  if (eq < 0) return Object.hasOwn(labels, want);
  const k = want.slice(0, eq);
  return Object.hasOwn(labels, k) && labels[k] === want.slice(eq + 1);
}
