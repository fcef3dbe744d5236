/**
 * Builds an Adaptor for the common record shape: top-level string fields plus
 * a `labels` map. Services with nested fields pass `extra` for those paths.
 */
import type { Adaptor } from './parse.js';

export function recordAdaptor(
  fields: Record<string, string | undefined>,
  labels: Record<string, string> | undefined,
  extra?: Adaptor,
): Adaptor {
  return (path) => {
    const [head, ...rest] = path;
    if (head === undefined) return undefined;
    if (head === 'labels') {
      if (rest.length === 0) return labels && Object.keys(labels).length ? '' : undefined;
      return labels?.[rest.join('.')];
    }
    if (rest.length === 0 && head in fields) return fields[head];
    return extra?.(path);
  };
}
