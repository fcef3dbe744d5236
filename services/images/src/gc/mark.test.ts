import { describe, expect, it } from 'vitest';
import { plan, type GcState } from './mark.js';
import { labelRefs, leaseActive } from './labels.js';
import type { Ref } from './labels.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const SN = 'overlayfs';

function state(over: Partial<GcState>): GcState {
  return {
    images: [],
    content: [],
    snapshots: [],
    leases: [],
    ingests: [],
    structure: new Map<string, Ref[]>(),
    ...over,
  };
}

const blob = (c: string, labels: Record<string, string> = {}) => ({ digest: d(c), size: 10, labels });
const snap = (name: string, parent = '', kind = 'committed', labels: Record<string, string> = {}) => ({
  name,
  parent,
  kind,
  labels,
});

// An image: manifest a → config b (→ snapshot s2) and layers c, e; snapshots s1 ← s2.
const imageContent = [
  blob('a', {
    'containerd.io/gc.ref.content.config': d('b'),
    'containerd.io/gc.ref.content.l.0': d('c'),
    'containerd.io/gc.ref.content.l.1': d('e'),
  }),
  blob('b', { 'containerd.io/gc.ref.snapshot.overlayfs': 's2' }),
  blob('c'),
  blob('e'),
];
const chain = [snap('s1'), snap('s2', 's1')];
const image = { name: 'x', target: { digest: d('a') }, labels: {} };

describe('gc labels', () => {
  it('reads content refs only where the prefix ends or is followed by . or /', () => {
    expect(
      labelRefs(
        {
          'containerd.io/gc.ref.content': d('1'),
          'containerd.io/gc.ref.content.m.0': d('2'),
          'containerd.io/gc.ref.content/x': d('3'),
          'containerd.io/gc.ref.contentx': d('4'),
          'containerd.io/gc.ref.snapshot.overlayfs': 'k1',
          'containerd.io/gc.ref.snapshot.overlayfs/2': 'k2',
          'containerd.io/gc.ref.snapshot.native': 'k3',
        },
        SN,
      ),
    ).toEqual([
      { kind: 'content', id: d('1') },
      { kind: 'content', id: d('2') },
      { kind: 'content', id: d('3') },
      { kind: 'snapshot', id: 'k1' },
      { kind: 'snapshot', id: 'k2' },
    ]);
  });

  it('treats a lease without, with a future or with an unparsable expiry as active', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    expect(leaseActive({}, now)).toBe(true);
    expect(leaseActive({ 'containerd.io/gc.expire': '2025-01-02T00:00:00Z' }, now)).toBe(true);
    expect(leaseActive({ 'containerd.io/gc.expire': '2024-12-31T00:00:00Z' }, now)).toBe(false);
    expect(leaseActive({ 'containerd.io/gc.expire': 'soon' }, now)).toBe(true);
  });
});

describe('gc plan', () => {
  it('keeps everything an image reaches through labels', () => {
    const p = plan(state({ images: [image], content: imageContent, snapshots: chain }), SN);
    expect(p).toEqual({ content: [], snapshots: [] });
  });

  it('removes all of an unreferenced image, children before parents', () => {
    const p = plan(state({ content: imageContent, snapshots: [...chain, snap('s3', 's2')] }), SN);
    expect(p.content.map((c) => c.digest).sort()).toEqual([d('a'), d('b'), d('c'), d('e')]);
    expect(p.snapshots).toEqual(['s3', 's2', 's1']);
  });

  it('follows image structure when blobs carry no labels', () => {
    const structure = new Map<string, Ref[]>([
      [d('a'), [{ kind: 'content', id: d('b') }]],
      [d('b'), [{ kind: 'snapshot', id: 's2' }]],
    ]);
    const p = plan(
      state({ images: [image], content: [blob('a'), blob('b')], snapshots: chain, structure }),
      SN,
    );
    expect(p).toEqual({ content: [], snapshots: [] });
  });

  it('keeps gc.root objects, image label refs, ingest targets and active snapshots with their parents', () => {
    const p = plan(
      state({
        images: [{ name: 'y', target: { digest: '' }, labels: { 'containerd.io/gc.ref.content.x': d('c') } }],
        content: [...imageContent, blob('f', { 'containerd.io/gc.root': 'now' }), blob('g')],
        snapshots: [
          ...chain,
          snap('rw', 's2', 'active'),
          snap('r', '', 'committed', { 'containerd.io/gc.root': '' }),
        ],
        ingests: [{ ref: 'w', expected: d('g') }],
      }),
      SN,
    );
    expect(p.content.map((c) => c.digest).sort()).toEqual([d('a'), d('b'), d('e')]);
    expect(p.snapshots).toEqual([]);
  });

  it('honours unexpired leases only, and gc.flat ones without their references', () => {
    const res = [
      { type: 'content', id: d('a') },
      { type: 'snapshots/overlayfs', id: 's1' },
    ];
    const live = plan(
      state({ content: imageContent, snapshots: chain, leases: [{ id: 'l', labels: {}, resources: res }] }),
      SN,
    );
    expect(live.content).toEqual([]);
    expect(live.snapshots).toEqual([]);
    const flat = plan(
      state({
        content: imageContent,
        snapshots: chain,
        leases: [{ id: 'l', labels: { 'containerd.io/gc.flat': '' }, resources: res }],
      }),
      SN,
    );
    expect(flat.content.map((c) => c.digest).sort()).toEqual([d('b'), d('c'), d('e')]);
    expect(flat.snapshots).toEqual(['s2']);
    const expired = plan(
      state({
        content: imageContent,
        snapshots: chain,
        leases: [{ id: 'l', labels: { 'containerd.io/gc.expire': '2000-01-01T00:00:00Z' }, resources: res }],
      }),
      SN,
    );
    expect(expired.content).toHaveLength(4);
  });
});
