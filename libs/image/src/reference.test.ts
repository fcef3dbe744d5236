import { isInvalidArgument } from '@berth/errdefs';
import { describe, expect, it } from 'vitest';
import {
  familiarName,
  formatReference,
  normalizeReference,
  parseReference,
  repository,
  withDigest,
  withTag,
} from './reference.js';

const D = `sha256:${'a'.repeat(64)}`;
const HEX = 'f'.repeat(64);

describe('normalizeReference', () => {
  // input → canonical string, domain, path
  const valid: [string, string, string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest', 'docker.io', 'library/busybox'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'docker.io', 'library/busybox'],
    ['user/repo', 'docker.io/user/repo:latest', 'docker.io', 'user/repo'],
    ['user/repo:v1', 'docker.io/user/repo:v1', 'docker.io', 'user/repo'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest', 'docker.io', 'library/busybox'],
    ['docker.io/library/busybox', 'docker.io/library/busybox:latest', 'docker.io', 'library/busybox'],
    ['index.docker.io/busybox', 'docker.io/library/busybox:latest', 'docker.io', 'library/busybox'],
    ['index.docker.io/user/repo:t', 'docker.io/user/repo:t', 'docker.io', 'user/repo'],
    ['localhost/x', 'localhost/x:latest', 'localhost', 'x'],
    ['localhost:5000/x', 'localhost:5000/x:latest', 'localhost:5000', 'x'],
    ['127.0.0.1:5000/test/busybox:1', '127.0.0.1:5000/test/busybox:1', '127.0.0.1:5000', 'test/busybox'],
    [`host.example/a/b@${D}`, `host.example/a/b@${D}`, 'host.example', 'a/b'],
    [`busybox:1@${D}`, `docker.io/library/busybox:1@${D}`, 'docker.io', 'library/busybox'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`, 'docker.io', 'library/busybox'],
    ['[::1]:5000/foo:bar', '[::1]:5000/foo:bar', '[::1]:5000', 'foo'],
    ['[2001:db8::1]/foo', '[2001:db8::1]/foo:latest', '[2001:db8::1]', 'foo'],
    ['example:5000/a', 'example:5000/a:latest', 'example:5000', 'a'],
    ['Registry/repo', 'Registry/repo:latest', 'Registry', 'repo'],
    ['a.b-c/d__e/f-g.h_i', 'a.b-c/d__e/f-g.h_i:latest', 'a.b-c', 'd__e/f-g.h_i'],
    ['a/b---c', 'docker.io/a/b---c:latest', 'docker.io', 'a/b---c'],
    ['localhost', 'docker.io/library/localhost:latest', 'docker.io', 'library/localhost'],
    ['localhost:5000', 'docker.io/library/localhost:5000', 'docker.io', 'library/localhost'],
    ['foo:A_b.c-D', 'docker.io/library/foo:A_b.c-D', 'docker.io', 'library/foo'],
    [`foo:${'t'.repeat(128)}`, `docker.io/library/foo:${'t'.repeat(128)}`, 'docker.io', 'library/foo'],
    [
      `example.com/${'a'.repeat(243)}`,
      `example.com/${'a'.repeat(243)}:latest`,
      'example.com',
      'a'.repeat(243),
    ],
    ['ghcr.io/org/team/app:1.0', 'ghcr.io/org/team/app:1.0', 'ghcr.io', 'org/team/app'],
    [
      `f${'e'.repeat(63)}x`,
      `docker.io/library/f${'e'.repeat(63)}x:latest`,
      'docker.io',
      `library/f${'e'.repeat(63)}x`,
    ],
  ];
  it.each(valid)('%s → %s', (input, canonical, domain, path) => {
    const ref = normalizeReference(input);
    expect(formatReference(ref)).toBe(canonical);
    expect(ref.domain).toBe(domain);
    expect(ref.path).toBe(path);
  });

  // input → distinctive substring of the message
  const invalid: [string, string][] = [
    ['', 'empty string'],
    [' busybox', 'must not contain whitespace'],
    ['busy box', 'must not contain whitespace'],
    ['busybox\t', 'must not contain whitespace'],
    ['Busybox', 'must be lowercase'],
    ['user/Repo', 'must be lowercase'],
    ['localhost:5000/Test/x', 'must be lowercase'],
    ['busybox:', '":" without a tag'],
    ['localhost:5000/x:', '":" without a tag'],
    ['busybox@', '"@" without a digest'],
    ['busybox:-bad', 'invalid tag "-bad"'],
    ['busybox:.bad', 'invalid tag ".bad"'],
    ['busybox:a+b', 'invalid tag "a+b"'],
    [`busybox:${'t'.repeat(129)}`, 'tag must not be more than 128 characters (got 129)'],
    ['busybox@sha256:abc', 'expected 64 hex digits after "sha256:", got 3'],
    [`busybox@sha256:${'A'.repeat(64)}`, 'expected lowercase hex digits'],
    [`busybox@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm "md5"'],
    ['busybox@latest', 'expected "algorithm:hex"'],
    [`busybox@${D}@${D}`, 'invalid digest'],
    [HEX, 'is an image ID, not a repository name'],
    [`${'a'.repeat(256)}`, 'must not be more than 255 characters'],
    [`example.com/${'a'.repeat(244)}`, 'must not be more than 255 characters (got 256)'],
    ['a//b', 'has an empty path component'],
    ['a/b/', 'has an empty path component'],
    ['localhost:5000/', 'has an empty path component'],
    ['docker.io/', 'has an empty path component'],
    [':tag', 'missing repository name'],
    [`@${D}`, 'missing repository name'],
    ['-foo', 'invalid path component "-foo"'],
    ['foo_', 'invalid path component "foo_"'],
    ['a/b___c', 'invalid path component "b___c"'],
    ['a/b..c', 'invalid path component "b..c"'],
    ['a/.b', 'invalid path component ".b"'],
    ['localhost:abc/x', 'invalid port "abc" in domain "localhost:abc"'],
    ['localhost:/x', 'invalid port "" in domain "localhost:"'],
    ['-host.com/x', 'invalid domain "-host.com"'],
    ['host_name.com/x', 'invalid domain "host_name.com"'],
    ['[::1/x', 'invalid domain "[::1"'],
  ];
  it.each(invalid)('rejects %j: %s', (input, message) => {
    let err: unknown;
    try {
      normalizeReference(input);
    } catch (e) {
      err = e;
    }
    expect(isInvalidArgument(err), `${input} should throw InvalidArgument`).toBe(true);
    expect((err as Error).message).toContain(message);
  });

  it('quotes the input in the message', () => {
    expect(() => normalizeReference('Busybox')).toThrow('invalid reference "Busybox": ');
  });
});

describe('parseReference', () => {
  it('adds no default tag', () => {
    expect(parseReference('docker.io/busybox')).toEqual({ domain: 'docker.io', path: 'library/busybox' });
  });

  it('keeps a tag and a digest together', () => {
    expect(parseReference(`busybox:1@${D}`)).toEqual({
      domain: 'docker.io',
      path: 'library/busybox',
      tag: '1',
      digest: D,
    });
  });
});

describe('familiarName', () => {
  const cases: [string, string][] = [
    ['docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox', 'busybox:latest'],
    ['docker.io/user/repo:v1', 'user/repo:v1'],
    ['docker.io/library/a/b:1', 'library/a/b:1'],
    [`busybox@${D}`, `busybox@${D}`],
    ['127.0.0.1:5000/test/busybox:1', '127.0.0.1:5000/test/busybox:1'],
    ['localhost/library/x', 'localhost/library/x:latest'],
  ];
  it.each(cases)('%s → %s', (input, familiar) => {
    expect(familiarName(normalizeReference(input))).toBe(familiar);
  });
});

describe('repository, withTag, withDigest', () => {
  const ref = normalizeReference('127.0.0.1:5000/test/busybox:1');

  it('repository drops tag and digest', () => {
    expect(repository(withDigest(ref, D))).toBe('127.0.0.1:5000/test/busybox');
  });

  it('withTag replaces the tag and keeps the digest', () => {
    expect(formatReference(withTag(withDigest(ref, D), 'v2'))).toBe(`127.0.0.1:5000/test/busybox:v2@${D}`);
  });

  it.each([
    ['', 'tag must not be empty'],
    ['a b', 'invalid tag "a b"'],
    ['x'.repeat(129), 'more than 128 characters'],
  ])('withTag rejects %j', (tag, message) => {
    expect(() => withTag(ref, tag)).toThrow(message);
  });

  it('withDigest rejects an invalid digest', () => {
    expect(() => withDigest(ref, 'sha256:zz')).toThrow('invalid digest "sha256:zz"');
  });

  it('does not change its input', () => {
    withTag(ref, 'other');
    expect(ref.tag).toBe('1');
  });
});
