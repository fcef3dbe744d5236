import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MediaType, type ImageConfig } from '@berth/image';
import { commitConfig, formatOf, imageBlobs, importConfig, layerMediaType } from './build-image.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

const base: ImageConfig & Record<string, unknown> = {
  architecture: 'amd64',
  os: 'linux',
  author: 'someone else',
  container: 'abc',
  config: { Cmd: ['sh'], Env: ['PATH=/bin'] },
  rootfs: { type: 'layers', diff_ids: [d('1')] },
  history: [{ created_by: 'base' }],
  custom: { kept: true },
};

describe('commitConfig', () => {
  const created = new Date('2024-05-01T10:00:00Z');
  const layer = {
    descriptor: { mediaType: MediaType.DockerLayerGzip, digest: d('b'), size: 10 },
    diffId: d('2'),
  };

  it('appends the diffID and a history entry, sets the new run config, keeps unknown fields', () => {
    const c = commitConfig(base, layer, {
      created,
      createdBy: 'sh -c echo hi',
      author: 'me',
      comment: 'msg',
      config: { Cmd: ['cat', '/new.txt'] },
    });
    expect(c.rootfs).toEqual({ type: 'layers', diff_ids: [d('1'), d('2')] });
    expect(c.history).toEqual([
      { created_by: 'base' },
      { created: '2024-05-01T10:00:00.000Z', created_by: 'sh -c echo hi', author: 'me', comment: 'msg' },
    ]);
    expect(c).toMatchObject({
      created: '2024-05-01T10:00:00.000Z',
      author: 'me',
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['cat', '/new.txt'] },
      custom: { kept: true },
    });
    expect(c).not.toHaveProperty('container');
    // The base is untouched.
    expect(base.rootfs.diff_ids).toHaveLength(1);
  });

  it("drops the base's author when none is given and pads a missing history", () => {
    const c = commitConfig({ ...base, history: undefined }, layer, { created, createdBy: 'x', config: {} });
    expect(c).not.toHaveProperty('author');
    expect(c.history).toEqual([{}, { created: '2024-05-01T10:00:00.000Z', created_by: 'x' }]);
  });
});

describe('importConfig', () => {
  it('describes one layer for the platform', () => {
    const layer = {
      descriptor: { mediaType: MediaType.OciLayerGzip, digest: d('b'), size: 10 },
      diffId: d('2'),
    };
    const c = importConfig(layer, {
      created: new Date(0),
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
      comment: 'Imported from -',
      config: { Env: ['A=1'] },
    });
    expect(c).toEqual({
      created: '1970-01-01T00:00:00.000Z',
      architecture: 'arm',
      os: 'linux',
      variant: 'v7',
      config: { Env: ['A=1'] },
      rootfs: { type: 'layers', diff_ids: [d('2')] },
      history: [{ created: '1970-01-01T00:00:00.000Z', comment: 'Imported from -' }],
    });
  });
});

describe('imageBlobs', () => {
  const layers = [
    {
      mediaType: MediaType.DockerLayer,
      digest: d('a'),
      size: 5,
      platform: { os: 'linux', architecture: 'amd64' },
    },
    { mediaType: MediaType.DockerLayerGzip, digest: d('b'), size: 6 },
  ];
  const config = { rootfs: { type: 'layers', diff_ids: [d('1'), d('2')] }, os: 'linux' };

  it('makes a Docker schema 2 manifest with the GC labels containerd sets', () => {
    const { config: cfg, manifest } = imageBlobs('docker', config, layers);
    expect(cfg.descriptor).toEqual({
      mediaType: MediaType.DockerConfig,
      digest: sha(cfg.bytes),
      size: cfg.bytes.length,
    });
    expect(JSON.parse(cfg.bytes.toString())).toEqual(config);
    const m = JSON.parse(manifest.bytes.toString()) as Record<string, unknown>;
    expect(m).toEqual({
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: cfg.descriptor,
      layers: [
        { mediaType: MediaType.DockerLayer, digest: d('a'), size: 5 },
        { mediaType: MediaType.DockerLayerGzip, digest: d('b'), size: 6 },
      ],
    });
    expect(manifest.descriptor.digest).toBe(sha(manifest.bytes));
    expect(manifest.labels).toEqual({
      'containerd.io/gc.ref.content.config': cfg.descriptor.digest,
      'containerd.io/gc.ref.content.l.0': d('a'),
      'containerd.io/gc.ref.content.l.1': d('b'),
    });
  });

  it('makes an OCI manifest for OCI images', () => {
    const { config: cfg, manifest } = imageBlobs('oci', config, layers.slice(1));
    expect(cfg.descriptor.mediaType).toBe(MediaType.OciConfig);
    expect(manifest.descriptor.mediaType).toBe(MediaType.OciManifest);
  });

  it('picks layer media types by format and compression', () => {
    expect(formatOf(MediaType.DockerManifest)).toBe('docker');
    expect(formatOf(MediaType.OciManifest)).toBe('oci');
    expect(layerMediaType('docker', 'gzip')).toBe(MediaType.DockerLayerGzip);
    expect(layerMediaType('oci', 'gzip')).toBe(MediaType.OciLayerGzip);
    expect(layerMediaType('oci', 'zstd')).toBe(MediaType.OciLayerZstd);
    expect(layerMediaType('docker', 'none')).toBe(MediaType.DockerLayer);
  });
});
