import { isInvalidArgument } from '@berth/errdefs';
import { describe, expect, it } from 'vitest';
import {
  MediaType,
  baseMediaType,
  isConfig,
  isIndex,
  isLayer,
  isManifest,
  isSchema1,
  layerCompression,
  type LayerCompression,
} from './media-types.js';

type Kind = 'manifest' | 'index' | 'config' | 'layer' | 'schema1' | 'other';

describe('media type predicates', () => {
  const cases: [string, Kind, LayerCompression?][] = [
    [MediaType.DockerManifest, 'manifest'],
    [MediaType.OciManifest, 'manifest'],
    [`${MediaType.OciManifest}; charset=utf-8`, 'manifest'],
    [MediaType.DockerManifestList, 'index'],
    [MediaType.OciIndex, 'index'],
    [MediaType.DockerConfig, 'config'],
    [MediaType.OciConfig, 'config'],
    [MediaType.DockerLayer, 'layer', 'none'],
    [MediaType.DockerLayerGzip, 'layer', 'gzip'],
    [MediaType.DockerLayerZstd, 'layer', 'zstd'],
    [MediaType.DockerForeignLayerGzip, 'layer', 'gzip'],
    [MediaType.OciLayer, 'layer', 'none'],
    [MediaType.OciLayerGzip, 'layer', 'gzip'],
    [MediaType.OciLayerZstd, 'layer', 'zstd'],
    [MediaType.OciLayerNondistributable, 'layer', 'none'],
    [MediaType.OciLayerNondistributableGzip, 'layer', 'gzip'],
    [MediaType.OciLayerNondistributableZstd, 'layer', 'zstd'],
    [MediaType.DockerSchema1Manifest, 'schema1'],
    [MediaType.DockerSchema1SignedManifest, 'schema1'],
    ['application/json', 'other'],
    ['application/vnd.in-toto+json', 'other'],
  ];

  it.each(cases)('%s is a %s', (mediaType, kind, compression) => {
    expect({
      manifest: isManifest(mediaType),
      index: isIndex(mediaType),
      config: isConfig(mediaType),
      layer: isLayer(mediaType),
      schema1: isSchema1(mediaType),
    }).toEqual({
      manifest: kind === 'manifest',
      index: kind === 'index',
      config: kind === 'config',
      layer: kind === 'layer',
      schema1: kind === 'schema1',
    });
    if (compression !== undefined) expect(layerCompression(mediaType)).toBe(compression);
  });

  it('layerCompression rejects a non-layer media type', () => {
    let err: unknown;
    try {
      layerCompression(MediaType.OciManifest);
    } catch (e) {
      err = e;
    }
    expect(isInvalidArgument(err)).toBe(true);
    expect((err as Error).message).toContain('is not a layer media type');
  });

  it('baseMediaType drops parameters and case', () => {
    expect(baseMediaType(' Application/JSON ; charset=utf-8')).toBe('application/json');
  });
});
