/**
 * Labels as containerd treats them on every object (content, namespaces,
 * leases, snapshots, images, containers): string maps with a size limit,
 * updated through field masks.
 */
import { invalidArgument } from '@berth/errdefs';

export type Labels = Record<string, string>;

// containerd's limit: key and value together at most 4096 bytes.
const MAX_LABEL = 4096;

/** Throws InvalidArgument for an empty key or a label over 4096 bytes; returns the labels. */
export function validateLabels(labels: Labels | undefined): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k === '') throw invalidArgument('label key must not be empty');
    if (Buffer.byteLength(k) + Buffer.byteLength(v) > MAX_LABEL)
      throw invalidArgument(
        `label ${JSON.stringify(k.slice(0, 64))}: key and value exceed ${MAX_LABEL} bytes`,
      );
    out[k] = v;
  }
  return out;
}

/**
 * Applies a field-mask update to labels, the containerd way:
 * - no paths (or undefined): replace every label;
 * - `labels`: replace every label;
 * - `labels.<key>`: set that key from `next`, or delete it when absent/empty there.
 * Paths naming other fields are passed to `other` (which throws for immutable ones).
 */
export function applyLabelMask(
  current: Labels,
  next: Labels,
  paths: readonly string[] | undefined,
  other: (path: string) => void = (p) => {
    throw invalidArgument(`cannot update ${JSON.stringify(p)}: only labels are mutable`);
  },
): Labels {
  if (!paths || paths.length === 0) return validateLabels(next);
  let out: Labels = { ...current };
  for (const path of paths) {
    if (path === 'labels') out = { ...next };
    else if (path.startsWith('labels.')) {
      const key = path.slice('labels.'.length);
      const v = next[key];
      if (v === undefined || v === '') delete out[key];
      else out[key] = v;
    } else other(path);
  }
  return validateLabels(out);
}

/** Parses `k=v` arguments (CLI); a bare `k` means "remove k" (empty value). */
export function parseLabelArgs(args: readonly string[]): Labels {
  const out: Labels = {};
  for (const a of args) {
    const i = a.indexOf('=');
    const k = i < 0 ? a : a.slice(0, i);
    if (k === '') throw invalidArgument(`label ${JSON.stringify(a)}: missing key`);
    out[k] = i < 0 ? '' : a.slice(i + 1);
  }
  return out;
}

/** The field-mask paths that set (or, with empty values, remove) exactly these labels. */
export const labelPaths = (labels: Labels): string[] => Object.keys(labels).map((k) => `labels.${k}`);
