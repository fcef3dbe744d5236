import { isInvalidArgument } from '@berth/errdefs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  defaultPlatform,
  formatPlatform,
  matchPlatform,
  normalizePlatform,
  parsePlatform,
  type Platform,
} from './platform.js';

const p = (s: string): Platform => {
  const [os = '', architecture = '', variant] = s.split('/');
  return { os, architecture, ...(variant !== undefined && { variant }) };
};

describe('parsePlatform', () => {
  const valid: [string, string][] = [
    ['linux/amd64', 'linux/amd64'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/x86-64', 'linux/amd64'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/amd64/v3', 'linux/amd64/v3'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm64/v9', 'linux/arm64/v9'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/7', 'linux/arm/v7'],
    ['linux/arm/v6', 'linux/arm/v6'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/armel', 'linux/arm/v6'],
    ['linux/i386', 'linux/386'],
    ['Linux/AMD64', 'linux/amd64'],
    ['linux/ppc64le', 'linux/ppc64le'],
    ['windows/amd64', 'windows/amd64'],
  ];
  it.each(valid)('%s → %s', (input, want) => {
    expect(formatPlatform(parsePlatform(input))).toBe(want);
  });

  it.each(['', 'linux', 'linux/', '/amd64', 'linux/arm/v7/x', 'linux/amd 64'])('rejects %j', (input) => {
    let err: unknown;
    try {
      parsePlatform(input);
    } catch (e) {
      err = e;
    }
    expect(isInvalidArgument(err)).toBe(true);
    expect((err as Error).message).toContain('expected os/architecture[/variant]');
  });
});

describe('matchPlatform', () => {
  // want, have, match
  const cases: [string, string, boolean][] = [
    ['linux/amd64', 'linux/amd64', true],
    ['linux/amd64', 'linux/x86_64', true],
    ['linux/x86-64', 'linux/amd64', true],
    ['linux/amd64', 'linux/arm64', false],
    ['linux/amd64', 'windows/amd64', false],
    ['linux/amd64/v3', 'linux/amd64', true],
    ['linux/amd64/v3', 'linux/amd64/v2', true],
    ['linux/amd64', 'linux/amd64/v3', false],
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/arm64/v8', 'linux/aarch64', true],
    ['linux/arm64', 'linux/arm64/v9', false],
    ['linux/arm64/v9', 'linux/arm64', true],
    ['linux/arm', 'linux/arm/v7', true],
    ['linux/arm/v7', 'linux/arm', true],
    ['linux/arm/v7', 'linux/arm/v6', true],
    ['linux/arm/v6', 'linux/arm/v7', false],
    ['linux/arm/v7', 'linux/arm64', false],
  ];
  it.each(cases)('want %s, have %s → %s', (want, have, match) => {
    expect(matchPlatform(p(want), p(have))).toBe(match);
  });
});

describe('normalizePlatform', () => {
  it('keeps unknown architectures and variants as given (lowercased)', () => {
    expect(normalizePlatform(p('Linux/RISCV64/RVA22'))).toEqual(p('linux/riscv64/rva22'));
  });
});

describe('defaultPlatform', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const cases: [NodeJS.Architecture, string][] = [
    ['x64', 'linux/amd64'],
    ['arm64', 'linux/arm64/v8'],
    ['arm', 'linux/arm/v7'],
    ['ppc64', 'linux/ppc64le'],
    ['s390x', 'linux/s390x'],
  ];
  it.each(cases)('maps process.arch %s to %s', (arch, want) => {
    vi.stubGlobal('process', { ...process, arch });
    expect(formatPlatform(defaultPlatform())).toBe(want);
  });
});
