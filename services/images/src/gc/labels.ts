/**
 * The labels containerd's garbage collector reads (metadata/gc.go; design notes
 * §6.1), and the references they make.
 */
import type { Labels } from '@berth/labels';

export const GC_ROOT = 'containerd.io/gc.root';
export const GC_EXPIRE = 'containerd.io/gc.expire';
export const GC_FLAT = 'containerd.io/gc.flat';
const REF_CONTENT = 'containerd.io/gc.ref.content';
const REF_SNAPSHOT = 'containerd.io/gc.ref.snapshot.';

/** A node of the reference graph: a content blob (digest) or a snapshot (key) of our snapshotter. */
export type Ref = { kind: 'content'; id: string } | { kind: 'snapshot'; id: string };

/**
 * What `labels` refer to: `containerd.io/gc.ref.content` (bare, or followed by `.` or `/`) → a
 * digest; `containerd.io/gc.ref.snapshot.<snapshotter>` (optionally followed by `/…`) → a key,
 * kept only for `snapshotter`.
 */
export function labelRefs(labels: Readonly<Labels>, snapshotter: string): Ref[] {
  const out: Ref[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (!v) continue;
    if (k === REF_CONTENT || k.startsWith(`${REF_CONTENT}.`) || k.startsWith(`${REF_CONTENT}/`))
      out.push({ kind: 'content', id: v });
    else if (k.startsWith(REF_SNAPSHOT)) {
      const name = k.slice(REF_SNAPSHOT.length).split('/')[0];
      if (name === snapshotter) out.push({ kind: 'snapshot', id: v });
    }
  }
  return out;
}

/**
 * Whether a lease still protects: no `containerd.io/gc.expire`, an unparsable one (containerd
 * ignores it and keeps the lease), or one in the future.
 */
export function leaseActive(labels: Readonly<Labels>, now: Date): boolean {
  const v = labels[GC_EXPIRE];
  if (v === undefined) return true;
  const t = Date.parse(v);
  return Number.isNaN(t) || t > now.getTime();
}

/** Whether the lease protects only the objects it lists, not what they reference. */
export const leaseFlat = (labels: Readonly<Labels>): boolean => GC_FLAT in labels;

export const isGcRoot = (labels: Readonly<Labels>): boolean => GC_ROOT in labels;
