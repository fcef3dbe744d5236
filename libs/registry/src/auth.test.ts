import { describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import { createAuthorizer, parseChallenges, type TokenFetcher } from './auth.js';

describe('parseChallenges', () => {
  it('parses a bearer challenge with quoted parameters', () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/busybox:pull,push',
        },
      },
    ]);
  });

  it('parses basic, unquoted values, escapes and several challenges', () => {
    expect(parseChallenges('Basic realm="a \\"b\\", c"')).toEqual([
      { scheme: 'basic', params: { realm: 'a "b", c' } },
    ]);
    expect(parseChallenges('Newauth realm=apps, type=1, Basic realm="simple"')).toEqual([
      { scheme: 'newauth', params: { realm: 'apps', type: '1' } },
      { scheme: 'basic', params: { realm: 'simple' } },
    ]);
    expect(parseChallenges('')).toEqual([]);
  });
});

describe('createAuthorizer', () => {
  const challenge = 'Bearer realm="http://auth.test/token",service="reg"';

  it('is anonymous until challenged, then sends basic credentials', async () => {
    const a = createAuthorizer(() => Promise.reject(new Error('no token fetch expected')));
    const creds = { username: 'u', password: 'p' };
    expect(await a.authorization('h', [], creds)).toBeUndefined();
    expect(a.onChallenge('h', 'Basic realm="r"')).toBe(true);
    expect(await a.authorization('h', [], creds)).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(await a.authorization('h', [], undefined)).toBeUndefined();
    expect(a.onChallenge('h', 'Digest realm="r"')).toBe(false);
  });

  it('caches bearer tokens per scope until they expire', async () => {
    let now = 1_000_000;
    const urls: string[] = [];
    const fetchToken: TokenFetcher = async (url, headers) => {
      urls.push(url.href);
      expect(headers['authorization']).toBeUndefined();
      return {
        body: JSON.stringify({ token: `t${urls.length}`, expires_in: 60 }),
        contentType: 'application/json',
      };
    };
    const a = createAuthorizer(fetchToken, () => now);
    a.onChallenge('h', challenge);
    expect(await a.authorization('h', ['repository:x:pull'], undefined)).toBe('Bearer t1');
    expect(await a.authorization('h', ['repository:x:pull'], undefined)).toBe('Bearer t1');
    expect(await a.authorization('h', ['repository:y:pull'], undefined)).toBe('Bearer t2');
    expect(urls[0]).toBe('http://auth.test/token?service=reg&scope=repository%3Ax%3Apull');
    now += 55_000;
    expect(await a.authorization('h', ['repository:x:pull'], undefined)).toBe('Bearer t3');
  });

  it('refuses a token answer that is not JSON or has no token', async () => {
    const html: TokenFetcher = async () => ({ body: '<html>login</html>', contentType: 'text/html' });
    const a = createAuthorizer(html);
    a.onChallenge('h', challenge);
    await expect(a.authorization('h', [], undefined)).rejects.toThrow(/expected JSON, got text\/html/);
    const empty = createAuthorizer(async () => ({ body: '{}' }));
    empty.onChallenge('h', challenge);
    const err = await empty.authorization('h', [], undefined).catch((e: unknown) => e);
    expect(kindOf(err)).toBe('Unauthenticated');
  });
});
