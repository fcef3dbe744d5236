import { isNotFound } from '@berth/errdefs';
import { describe, expect, it } from 'vitest';
import type { Descriptor, Index } from './manifest.js';
import { MediaType } from './media-types.js';
import { parsePlatform } from './platform.js';
import { selectManifest } from './select-manifest.js';

const INDEX = `sha256:${'9'.repeat(64)}`;

/** An index entry for `platform` ("-" for none), told apart by `tag` in its digest. */
function entry(platform: string, tag: string, mediaType: string = MediaType.OciManifest): Descriptor {
  const [os = '', architecture = '', variant] = platform.split('/');
  return {
    mediaType,
    digest: `sha256:${tag.repeat(64)}`,
    size: 1,
    ...(platform !== '-' && { platform: { os, architecture, ...(variant !== undefined && { variant }) } }),
  };
}
const index = (...manifests: Descriptor[]): Index => ({
  schemaVersion: 2,
  mediaType: MediaType.OciIndex,
  manifests,
});

const multi = index(
  entry('linux/amd64', '1'),
  entry('linux/arm/v6', '2'),
  entry('linux/arm/v7', '3'),
  entry('linux/arm64/v8', '4'),
  entry('linux/ppc64le', '5'),
  entry('unknown/unknown', '6'),
  entry('linux/amd64/v3', '7'),
);

describe('selectManifest', () => {
  // index, wanted platform, tag of the expected entry
  const cases: [string, Index, string, string][] = [
    ['amd64', multi, 'linux/amd64', '1'],
    ['x86_64 alias', multi, 'linux/x86_64', '1'],
    ['exact amd64 variant beats the baseline', multi, 'linux/amd64/v3', '7'],
    ['closest older amd64 variant', multi, 'linux/amd64/v4', '7'],
    ['arm64 without variant matches v8', multi, 'linux/arm64', '4'],
    ['aarch64 alias', multi, 'linux/aarch64/v8', '4'],
    ['arm/v7 exact over v6', multi, 'linux/arm/v7', '3'],
    ['arm means arm/v7', multi, 'linux/arm', '3'],
    ['arm/v6 exact', multi, 'linux/arm/v6', '2'],
    ['arm/v8 takes closest older v7', multi, 'linux/arm/v8', '3'],
    ['first of equals', index(entry('linux/amd64', 'a'), entry('linux/amd64', 'b')), 'linux/amd64', 'a'],
    ['platformless manifest as last resort', index(entry('-', 'a')), 'linux/s390x', 'a'],
    [
      'platform match beats platformless',
      index(entry('-', 'a'), entry('linux/amd64', 'b')),
      'linux/amd64',
      'b',
    ],
    [
      'Docker manifest entries count',
      index(entry('linux/amd64', 'd', MediaType.DockerManifest)),
      'linux/amd64',
      'd',
    ],
  ];
  it.each(cases)('%s', (_name, idx, want, tag) => {
    expect(selectManifest(idx, parsePlatform(want), INDEX).digest).toBe(`sha256:${tag.repeat(64)}`);
  });

  it('reports the wanted and available platforms when nothing matches', () => {
    const idx = index(entry('linux/amd64', '1'), entry('linux/ppc64le', '2'), entry('unknown/unknown', '3'));
    let err: unknown;
    try {
      selectManifest(idx, parsePlatform('linux/arm64/v8'), INDEX);
    } catch (e) {
      err = e;
    }
    expect(isNotFound(err)).toBe(true);
    expect((err as Error).message).toBe(
      `no manifest for linux/arm64 in index ${INDEX} (available: linux/amd64, linux/ppc64le)`,
    );
  });

  it.each([
    ['a newer variant', index(entry('linux/arm/v7', '1')), 'linux/arm/v6', 'available: linux/arm/v7'],
    [
      'a nested index',
      index(entry('linux/amd64', '1', MediaType.OciIndex)),
      'linux/amd64',
      'available: linux/amd64',
    ],
    ['an empty index', index(), 'linux/amd64', 'available: none'],
  ])('does not select %s', (_name, idx, want, message) => {
    expect(() => selectManifest(idx, parsePlatform(want), INDEX)).toThrow(message);
  });
});
