/** Label rendering shared by the list and label commands. */

/**
 * Returns labels as `k=v` pairs sorted by key and joined with commas, as
 * `ctr` prints them; `empty` (default `-`) when there are none.
 */
export function formatLabels(labels: Readonly<Record<string, string>>, empty = '-'): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? empty : keys.map((k) => `${k}=${labels[k]}`).join(',');
}
