import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  configGcLabels,
  distributionSourceLabel,
  indexGcLabels,
  manifestGcLabels,
  uncompressedLabel,
} from './gc-labels.js';
import type { ImageConfig, Index, Manifest } from './manifest.js';
import { MediaType } from './media-types.js';
import { normalizeReference } from './reference.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const desc = (mediaType: string, c: string) => ({ mediaType, digest: d(c), size: 1 });
const config = (diffIds: string[]): ImageConfig => ({
  architecture: 'amd64',
  os: 'linux',
  rootfs: { type: 'layers', diff_ids: diffIds },
});

describe('indexGcLabels', () => {
  it('labels each manifest by position', () => {
    const index: Index = {
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [desc(MediaType.OciManifest, 'a'), desc(MediaType.OciManifest, 'b')],
    };
    expect(indexGcLabels(index)).toEqual({
      'containerd.io/gc.ref.content.m.0': d('a'),
      'containerd.io/gc.ref.content.m.1': d('b'),
    });
  });
});

describe('manifestGcLabels', () => {
  it('labels the config and each layer', () => {
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: desc(MediaType.OciConfig, 'c'),
      layers: [desc(MediaType.OciLayerGzip, '1'), desc(MediaType.OciLayerGzip, '2')],
    };
    expect(manifestGcLabels(manifest)).toEqual({
      'containerd.io/gc.ref.content.config': d('c'),
      'containerd.io/gc.ref.content.l.0': d('1'),
      'containerd.io/gc.ref.content.l.1': d('2'),
    });
  });
});

describe('configGcLabels', () => {
  const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  it.each([
    ['one layer: the diff ID', [d('1')], d('1')],
    ['two layers: the top chain ID', [d('1'), d('2')], sha(`${d('1')} ${d('2')}`)],
  ])('%s', (_name, diffIds, top) => {
    expect(configGcLabels(config(diffIds), 'overlayfs')).toEqual({
      'containerd.io/gc.ref.snapshot.overlayfs': top,
    });
  });

  it('is empty without layers', () => {
    expect(configGcLabels(config([]), 'overlayfs')).toEqual({});
  });

  it('rejects an empty snapshotter name', () => {
    expect(() => configGcLabels(config([d('1')]), '')).toThrow('snapshotter name must not be empty');
  });
});

describe('uncompressedLabel', () => {
  it('records the diff ID', () => {
    expect(uncompressedLabel(d('1'))).toEqual({ 'containerd.io/uncompressed': d('1') });
  });

  it('rejects a non-digest', () => {
    expect(() => uncompressedLabel('x')).toThrow('invalid diff ID "x"');
  });
});

describe('distributionSourceLabel', () => {
  // reference, existing labels, expected labels
  const cases: [string, Record<string, string>, Record<string, string>][] = [
    ['busybox', {}, { 'containerd.io/distribution.source.docker.io': 'library/busybox' }],
    ['127.0.0.1:5000/test/busybox:1', {}, { 'containerd.io/distribution.source.127.0.0.1': 'test/busybox' }],
    ['[::1]:5000/a', {}, { 'containerd.io/distribution.source.::1': 'a' }],
    [
      'localhost:5000/b',
      { 'containerd.io/distribution.source.localhost': 'c,a' },
      { 'containerd.io/distribution.source.localhost': 'a,b,c' },
    ],
    [
      'localhost:5000/a',
      { 'containerd.io/distribution.source.localhost': 'a' },
      { 'containerd.io/distribution.source.localhost': 'a' },
    ],
  ];
  it.each(cases)('%s with %j', (ref, existing, want) => {
    expect(distributionSourceLabel(normalizeReference(ref), existing)).toEqual(want);
  });
});
