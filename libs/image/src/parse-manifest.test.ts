import { createHash } from 'node:crypto';
import { isFailedPrecondition, isInvalidArgument, isNotImplemented, kindOf } from '@berth/errdefs';
import { describe, expect, it } from 'vitest';
import { MediaType } from './media-types.js';
import { detectMediaType, parseConfig, parseIndex, parseManifest } from './parse-manifest.js';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const digestOf = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const d = (c: string) => `sha256:${c.repeat(64)}`;
const desc = (mediaType: string, c: string, size = 10) => ({ mediaType, digest: d(c), size });

const ociManifest = {
  schemaVersion: 2,
  mediaType: MediaType.OciManifest,
  config: desc(MediaType.OciConfig, 'c'),
  layers: [desc(MediaType.OciLayerGzip, '1'), desc(MediaType.OciLayerZstd, '2')],
};
const dockerManifest = {
  ...ociManifest,
  mediaType: MediaType.DockerManifest,
  config: desc(MediaType.DockerConfig, 'c'),
};
const ociIndex = {
  schemaVersion: 2,
  manifests: [{ ...desc(MediaType.OciManifest, 'a'), platform: { os: 'linux', architecture: 'amd64' } }],
};
const schema1 = { schemaVersion: 1, name: 'x', tag: 'latest', fsLayers: [] };

/** Runs `f` and returns what it threw. */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('parseManifest', () => {
  // name, JSON, transport media type, resolved media type
  const valid: [string, unknown, string | undefined, string][] = [
    ['OCI as served', ociManifest, MediaType.OciManifest, MediaType.OciManifest],
    ['Docker schema2 as served', dockerManifest, MediaType.DockerManifest, MediaType.DockerManifest],
    ['served with parameters', ociManifest, `${MediaType.OciManifest}; charset=utf-8`, MediaType.OciManifest],
    ['no transport type: from mediaType field', dockerManifest, undefined, MediaType.DockerManifest],
    ['application/json: from mediaType field', dockerManifest, 'application/json', MediaType.DockerManifest],
    [
      'text/plain, no field: OCI from shape',
      { ...ociManifest, mediaType: undefined },
      'text/plain',
      MediaType.OciManifest,
    ],
    [
      'empty layers (artifact-like)',
      { ...ociManifest, layers: [] },
      MediaType.OciManifest,
      MediaType.OciManifest,
    ],
    [
      'annotations, urls and subject',
      {
        ...ociManifest,
        annotations: { a: 'b' },
        subject: desc(MediaType.OciManifest, 'e'),
        layers: [{ ...desc(MediaType.DockerForeignLayerGzip, '3'), urls: ['https://x'] }],
      },
      MediaType.OciManifest,
      MediaType.OciManifest,
    ],
  ];
  it.each(valid)('%s', (_name, json, transport, want) => {
    const bytes = enc(json);
    const m = parseManifest(bytes, transport, digestOf(bytes));
    expect(m.mediaType).toBe(want);
    expect(m.config.digest).toBe(d('c'));
  });

  // name, bytes, transport type, kind, message substring
  const invalid: [string, Uint8Array | unknown, string | undefined, string, string][] = [
    [
      'schema1 by media type',
      schema1,
      MediaType.DockerSchema1Manifest,
      'NotImplemented',
      'schema1 manifests are deprecated and not supported: re-push the image with a current client',
    ],
    [
      'schema1 signed by media type',
      schema1,
      MediaType.DockerSchema1SignedManifest,
      'NotImplemented',
      'schema1 manifests are deprecated',
    ],
    [
      'schema1 detected from JSON',
      schema1,
      'application/json',
      'NotImplemented',
      'schema1 manifests are deprecated',
    ],
    ['schema1 detected from JSON with no type', schema1, undefined, 'NotImplemented', 'schema1'],
    [
      'an index',
      ociIndex,
      MediaType.OciIndex,
      'InvalidArgument',
      'is an index (application/vnd.oci.image.index.v1+json), not a manifest',
    ],
    [
      'an unknown media type',
      { ...ociManifest, mediaType: undefined },
      'application/vnd.example+json',
      'NotImplemented',
      'unsupported manifest media type application/vnd.example+json',
    ],
    ['not JSON', enc('<html>nope</html>'), MediaType.OciManifest, 'InvalidArgument', 'is not a JSON object'],
    ['a JSON array', [1], MediaType.OciManifest, 'InvalidArgument', 'is not a JSON object'],
    [
      'served type differs from field',
      dockerManifest,
      MediaType.OciManifest,
      'InvalidArgument',
      'declares media type application/vnd.docker.distribution.manifest.v2+json but was served as application/vnd.oci.image.manifest.v1+json',
    ],
    [
      'schemaVersion 3',
      { ...ociManifest, schemaVersion: 3 },
      MediaType.OciManifest,
      'InvalidArgument',
      'schemaVersion: must be 2, got 3',
    ],
    [
      'schemaVersion missing',
      { ...ociManifest, schemaVersion: undefined },
      MediaType.OciManifest,
      'InvalidArgument',
      'schemaVersion: must be 2, got nothing',
    ],
    [
      'config missing',
      { ...ociManifest, config: undefined },
      MediaType.OciManifest,
      'InvalidArgument',
      'config: must be an object',
    ],
    [
      'layers not an array',
      { ...ociManifest, layers: {} },
      MediaType.OciManifest,
      'InvalidArgument',
      'layers: must be an array',
    ],
    [
      'layer without mediaType',
      { ...ociManifest, layers: [{ digest: d('1'), size: 1 }] },
      MediaType.OciManifest,
      'InvalidArgument',
      'layers[0].mediaType: must be a string',
    ],
    [
      'layer with a bad digest',
      { ...ociManifest, layers: [{ ...desc(MediaType.OciLayer, '1'), digest: 'sha256:xyz' }] },
      MediaType.OciManifest,
      'InvalidArgument',
      'layers[0].digest: invalid digest "sha256:xyz"',
    ],
    [
      'negative size',
      { ...ociManifest, config: { ...desc(MediaType.OciConfig, 'c'), size: -1 } },
      MediaType.OciManifest,
      'InvalidArgument',
      'config.size: must be a non-negative integer',
    ],
    [
      'fractional size',
      { ...ociManifest, config: { ...desc(MediaType.OciConfig, 'c'), size: 1.5 } },
      MediaType.OciManifest,
      'InvalidArgument',
      'config.size: must be a non-negative integer',
    ],
    [
      'annotations not strings',
      { ...ociManifest, annotations: { a: 1 } },
      MediaType.OciManifest,
      'InvalidArgument',
      'annotations["a"]: must be a string',
    ],
    [
      'no type and unknown shape',
      { schemaVersion: 2 },
      'application/json',
      'InvalidArgument',
      'cannot tell its media type',
    ],
  ];
  it.each(invalid)('rejects %s', (_name, json, transport, kind, message) => {
    const bytes = json instanceof Uint8Array ? json : enc(json);
    const err = thrown(() => parseManifest(bytes, transport, digestOf(bytes)));
    expect(kindOf(err)).toBe(kind);
    expect(err.message).toContain(message);
  });

  it('names the manifest digest in shape errors', () => {
    const bytes = enc({ ...ociManifest, layers: 1 });
    expect(thrown(() => parseManifest(bytes, MediaType.OciManifest, digestOf(bytes))).message).toBe(
      `manifest ${digestOf(bytes)}: layers: must be an array`,
    );
  });

  it('rejects bytes that do not hash to the digest, with FailedPrecondition', () => {
    const bytes = enc(ociManifest);
    const err = thrown(() => parseManifest(bytes, MediaType.OciManifest, d('0')));
    expect(isFailedPrecondition(err)).toBe(true);
    expect(err.message).toContain(
      `manifest ${d('0')} does not match its content (content is ${digestOf(bytes)})`,
    );
  });

  it('checks the digest before the JSON', () => {
    expect(
      isFailedPrecondition(thrown(() => parseManifest(enc('<html>'), MediaType.OciManifest, d('0')))),
    ).toBe(true);
  });

  it('verifies sha512 digests too', () => {
    const bytes = enc(ociManifest);
    const sha512 = `sha512:${createHash('sha512').update(bytes).digest('hex')}`;
    expect(parseManifest(bytes, MediaType.OciManifest, sha512).layers).toHaveLength(2);
  });

  it('rejects an invalid expected digest with InvalidArgument', () => {
    const err = thrown(() => parseManifest(enc(ociManifest), MediaType.OciManifest, 'latest'));
    expect(isInvalidArgument(err)).toBe(true);
    expect(err.message).toContain('invalid manifest digest "latest"');
  });
});

describe('parseIndex', () => {
  it.each([
    ['OCI index, no field, from shape', ociIndex, undefined, MediaType.OciIndex],
    [
      'Docker list as served',
      { ...ociIndex, mediaType: MediaType.DockerManifestList },
      MediaType.DockerManifestList,
      MediaType.DockerManifestList,
    ],
    ['OCI index as served', ociIndex, MediaType.OciIndex, MediaType.OciIndex],
  ])('%s', (_name, json, transport, want) => {
    const bytes = enc(json);
    const index = parseIndex(bytes, transport, digestOf(bytes));
    expect(index.mediaType).toBe(want);
    expect(index.manifests[0]?.platform).toEqual({ os: 'linux', architecture: 'amd64' });
  });

  it.each([
    [
      'a manifest',
      ociManifest,
      MediaType.OciManifest,
      'InvalidArgument',
      'is a manifest (application/vnd.oci.image.manifest.v1+json), not an index',
    ],
    [
      'manifests missing',
      { schemaVersion: 2, mediaType: MediaType.OciIndex },
      undefined,
      'InvalidArgument',
      'manifests: must be an array',
    ],
    [
      'platform without architecture',
      { ...ociIndex, manifests: [{ ...desc(MediaType.OciManifest, 'a'), platform: { os: 'linux' } }] },
      MediaType.OciIndex,
      'InvalidArgument',
      'manifests[0].platform.architecture: must be a string',
    ],
  ])('rejects %s', (_name, json, transport, kind, message) => {
    const bytes = enc(json);
    const err = thrown(() => parseIndex(bytes, transport, digestOf(bytes)));
    expect(kindOf(err)).toBe(kind);
    expect(err.message).toContain(message);
  });

  it('says "index" when the digest does not match', () => {
    expect(thrown(() => parseIndex(enc(ociIndex), MediaType.OciIndex, d('0'))).message).toContain(
      `index ${d('0')} does not match its content`,
    );
  });
});

describe('detectMediaType', () => {
  it.each([
    ['specific transport type wins', ociManifest, MediaType.OciManifest, MediaType.OciManifest],
    ['generic: from field', dockerManifest, 'text/plain; charset=utf-8', MediaType.DockerManifest],
    ['generic: index from shape', ociIndex, 'application/octet-stream', MediaType.OciIndex],
    [
      'missing: manifest from shape',
      { ...ociManifest, mediaType: undefined },
      undefined,
      MediaType.OciManifest,
    ],
  ])('%s', (_name, json, transport, want) => {
    expect(detectMediaType(enc(json), transport)).toBe(want);
  });

  it.each([
    [schema1, undefined, 'schema1 manifests are deprecated'],
    [{}, MediaType.DockerSchema1SignedManifest, 'schema1 manifests are deprecated'],
  ])('rejects schema1 (%#)', (json, transport, message) => {
    const err = thrown(() => detectMediaType(enc(json), transport));
    expect(isNotImplemented(err)).toBe(true);
    expect(err.message).toContain(message);
  });

  it('rejects HTML', () => {
    expect(isInvalidArgument(thrown(() => detectMediaType(enc('<html>'), 'text/html')))).toBe(true);
  });
});

describe('parseConfig', () => {
  const config = {
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: {
      Env: ['PATH=/bin'],
      Cmd: ['sh'],
      Entrypoint: null,
      WorkingDir: '/',
      User: '1000',
      ExposedPorts: { '80/tcp': {} },
      Volumes: null,
      Labels: { a: 'b' },
      StopSignal: 'SIGTERM',
    },
    rootfs: { type: 'layers', diff_ids: [d('1'), d('2')] },
    history: [{ created_by: '/bin/sh -c #(nop) ADD file' }, { created_by: 'CMD ["sh"]', empty_layer: true }],
  };

  it('parses a config and keeps unknown fields', () => {
    const bytes = enc({ ...config, extra: 1 });
    const c = parseConfig(bytes, digestOf(bytes));
    expect(c.rootfs.diff_ids).toEqual([d('1'), d('2')]);
    expect(c.config?.Cmd).toEqual(['sh']);
    expect((c as unknown as { extra: number }).extra).toBe(1);
  });

  it.each([
    ['no config section', { ...config, config: undefined }],
    ['null config section', { ...config, config: null }],
    ['no history', { ...config, history: undefined }],
  ])('accepts %s', (_name, json) => {
    const bytes = enc(json);
    expect(parseConfig(bytes, digestOf(bytes)).os).toBe('linux');
  });

  it.each([
    ['rootfs missing', { ...config, rootfs: undefined }, 'rootfs: must be an object'],
    ['rootfs type', { ...config, rootfs: { type: 'zfs', diff_ids: [] } }, 'rootfs.type: must be "layers"'],
    [
      'bad diff ID',
      { ...config, rootfs: { type: 'layers', diff_ids: ['x'] } },
      'rootfs.diff_ids[0]: invalid digest "x": expected "algorithm:hex", e.g. "sha256:<64 hex digits>"',
    ],
    ['os missing', { ...config, os: undefined }, 'os: must be a string'],
    ['Env not strings', { ...config, config: { Env: [1] } }, 'config.Env[0]: must be a string'],
    ['Cmd a string', { ...config, config: { Cmd: 'sh' } }, 'config.Cmd: must be an array'],
    [
      'Labels not strings',
      { ...config, config: { Labels: { a: true } } },
      'config.Labels["a"]: must be a string',
    ],
    [
      'empty_layer not boolean',
      { ...config, history: [{ empty_layer: 'yes' }] },
      'history[0].empty_layer: must be a boolean',
    ],
  ])('rejects %s', (_name, json, message) => {
    const bytes = enc(json);
    const err = thrown(() => parseConfig(bytes, digestOf(bytes)));
    expect(isInvalidArgument(err)).toBe(true);
    expect(err.message).toBe(`config ${digestOf(bytes)}: ${message}`);
  });

  it('rejects content that does not match the digest', () => {
    const err = thrown(() => parseConfig(enc(config), d('0')));
    expect(isFailedPrecondition(err)).toBe(true);
    expect(err.message).toContain(`config ${d('0')} does not match its content`);
  });
});
