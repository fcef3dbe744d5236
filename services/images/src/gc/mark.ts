/**
 * Mark and sweep over one namespace, with containerd's semantics (design
 * notes §6.2), as a pure function of what the stores list. Roots: image
 * targets and the images' own ref labels; unexpired leases and their
 * resources; objects labelled gc.root; every snapshot that is not committed
 * (containers and in-flight unpacks hold active snapshots and views; berth has
 * no containers service yet, so none is ever collected); blobs an ingest in
 * progress is writing. Edges: a blob's and a snapshot's gc.ref.* labels, a
 * snapshot's parent, and the structure of image blobs (index → manifests,
 * manifest → config and layers, config → the layers' chain IDs) for images
 * whose blobs carry no labels.
 */
import type { Labels } from '@berth/labels';
import { isGcRoot, labelRefs, leaseActive, leaseFlat, type Ref } from './labels.js';

export interface GcState {
  images: { name: string; target: { digest: string }; labels: Labels }[];
  content: { digest: string; size: number; labels: Labels }[];
  snapshots: { name: string; parent: string; kind: string; labels: Labels }[];
  leases: { id: string; labels: Labels; resources: { type: string; id: string }[] }[];
  /** Ingests in progress: the digest they are writing, when announced. */
  ingests: { ref: string; expected: string }[];
  /** Edges read from image blobs (digest → what it lists), see imageEdges(). */
  structure: ReadonlyMap<string, Ref[]>;
}

export interface GcPlan {
  /** Unreachable blobs. */
  content: { digest: string; size: number }[];
  /** Unreachable committed snapshots, children before their parents. */
  snapshots: string[];
}

const keyOf = (r: Ref) => `${r.kind === 'content' ? 'c' : 's'}:${r.id}`;

export function plan(state: GcState, snapshotter: string, now = new Date()): GcPlan {
  const blobLabels = new Map(state.content.map((c) => [c.digest, c.labels]));
  const snaps = new Map(state.snapshots.map((s) => [s.name, s]));
  const marked = new Set<string>();
  const expanded = new Set<string>();
  const queue: Ref[] = [];
  /** Marks `r`; `flat` keeps it without following its references (gc.flat leases). */
  const mark = (r: Ref, flat = false) => {
    const k = keyOf(r);
    marked.add(k);
    if (flat || expanded.has(k)) return;
    expanded.add(k);
    queue.push(r);
  };

  for (const img of state.images) {
    if (img.target.digest) mark({ kind: 'content', id: img.target.digest });
    for (const r of labelRefs(img.labels, snapshotter)) mark(r);
  }
  for (const l of state.leases) {
    if (!leaseActive(l.labels, now)) continue;
    const flat = leaseFlat(l.labels);
    for (const res of l.resources)
      if (res.type === 'content') mark({ kind: 'content', id: res.id }, flat);
      else if (res.type === `snapshots/${snapshotter}`) mark({ kind: 'snapshot', id: res.id }, flat);
    // `ingests`: ingests are not collected here, and what they will commit is kept below.
  }
  for (const i of state.ingests) if (i.expected) mark({ kind: 'content', id: i.expected });
  for (const c of state.content) if (isGcRoot(c.labels)) mark({ kind: 'content', id: c.digest });
  for (const s of state.snapshots)
    if (s.kind !== 'committed' || isGcRoot(s.labels)) mark({ kind: 'snapshot', id: s.name });

  for (let r = queue.pop(); r !== undefined; r = queue.pop()) {
    if (r.kind === 'content') {
      for (const ref of labelRefs(blobLabels.get(r.id) ?? {}, snapshotter)) mark(ref);
      for (const ref of state.structure.get(r.id) ?? []) mark(ref);
    } else {
      const s = snaps.get(r.id);
      if (!s) continue;
      if (s.parent) mark({ kind: 'snapshot', id: s.parent });
      for (const ref of labelRefs(s.labels, snapshotter)) mark(ref);
    }
  }

  const depth = (name: string) => {
    let n = 0;
    const seen = new Set<string>();
    for (let p = snaps.get(name)?.parent; p && !seen.has(p); p = snaps.get(p)?.parent) {
      seen.add(p);
      n++;
    }
    return n;
  };
  return {
    content: state.content
      .filter((c) => !marked.has(keyOf({ kind: 'content', id: c.digest })))
      .map((c) => ({ digest: c.digest, size: c.size })),
    snapshots: state.snapshots
      .filter((s) => s.kind === 'committed' && !marked.has(keyOf({ kind: 'snapshot', id: s.name })))
      .map((s) => ({ name: s.name, depth: depth(s.name) }))
      .sort((a, b) => b.depth - a.depth || a.name.localeCompare(b.name))
      .map((s) => s.name),
  };
}
