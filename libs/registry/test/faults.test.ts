// The client against small fake registries on 127.0.0.1: retries on 503 and none on 400,
// one-line errors for HTML, connection refused, redirects to storage without Authorization,
// and the bearer token flow with its cache.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import { freePort } from '@berth/testkit';
import { createRegistryClient, type RegistryClientOptions } from '../src/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Starts a fake registry and returns its host (`127.0.0.1:<port>`) and the requests it saw. */
async function fake(handler: Handler): Promise<{ host: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const srv = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { host: `127.0.0.1:${(srv.address() as AddressInfo).port}`, seen };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const client = (opts: RegistryClientOptions = {}) => createRegistryClient({ retryBaseDelayMs: 5, ...opts });
const tagsPath = '/v2/test/x/tags/list';

describe('registry client against fake servers', () => {
  it('retries a 503 until the registry answers', async () => {
    let n = 0;
    const srv = await fake((req, res) =>
      ++n <= 2
        ? json(res, 503, { errors: [{ code: 'UNAVAILABLE', message: 'busy' }] })
        : json(res, 200, { tags: ['a'] }),
    );
    expect(await client().listTags(srv.host, 'test/x')).toEqual(['a']);
    expect(srv.seen.map((r) => r.url?.split('?')[0])).toEqual([tagsPath, tagsPath, tagsPath]);
  });

  it('gives up after maxAttempts with Unavailable', async () => {
    const srv = await fake((_req, res) => json(res, 503, {}));
    const err = await client({ maxAttempts: 3 })
      .listTags(srv.host, 'test/x')
      .catch((e: unknown) => e);
    expect(kindOf(err)).toBe('Unavailable');
    expect(srv.seen).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    const srv = await fake((_req, res) =>
      json(res, 400, { errors: [{ code: 'NAME_INVALID', message: 'invalid repository name' }] }),
    );
    const err = await client()
      .listTags(srv.host, 'test/x')
      .catch((e: unknown) => e);
    expect(kindOf(err)).toBe('InvalidArgument');
    expect((err as Error).message).toBe(`invalid repository name: ${srv.host}/test/x`);
    expect(srv.seen).toHaveLength(1);
  });

  it('turns an HTML page where JSON belongs into a one-line error naming the URL', async () => {
    const html =
      '<!DOCTYPE html>\n<html>\n  <head><title>Login</title></head>\n  <body>please sign in</body>\n</html>\n';
    const srv = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
    });
    for (const op of [
      () => client().listTags(srv.host, 'test/x'),
      () => client().resolve(srv.host, 'test/x', 'latest'),
    ]) {
      const err = await op().catch((e: unknown) => e);
      expect(kindOf(err)).toBe('DataLoss');
      const message = (err as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(
        new RegExp(`^GET http://${srv.host}/v2/test/x/.*: expected JSON, got text/html`),
      );
    }
  });

  it('reports a registry that is not listening as Unavailable', async () => {
    const port = await freePort();
    const err = await client({ maxAttempts: 2 })
      .listTags(`127.0.0.1:${port}`, 'test/x')
      .catch((e: unknown) => e);
    expect(kindOf(err)).toBe('Unavailable');
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
  });

  it('follows a blob redirect to storage without sending Authorization there', async () => {
    const storage = await fake((_req, res) => {
      res.writeHead(200, { 'content-length': '5' });
      res.end('hello');
    });
    const digest = `sha256:${'a'.repeat(64)}`;
    const registry = await fake((req, res) => {
      if (!req.headers.authorization) return json(res, 401, {}, { 'www-authenticate': 'Basic realm="fake"' });
      res.writeHead(307, { location: `http://${storage.host}/blob?sig=1` });
      res.end();
    });
    const c = client({ credentials: () => ({ username: 'u', password: 'p' }) });
    const blob = await c.fetchBlob(registry.host, 'test/x', digest);
    const parts: Buffer[] = [];
    for await (const chunk of blob.stream as AsyncIterable<Buffer>) parts.push(chunk);
    expect(Buffer.concat(parts).toString()).toBe('hello');
    expect(registry.seen.at(-1)?.headers.authorization).toMatch(/^Basic /);
    expect(storage.seen).toHaveLength(1);
    expect(storage.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('fetches a bearer token with basic credentials once and reuses it', async () => {
    let host = '';
    let tokens = 0;
    const srv = await fake((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        if (req.headers.authorization !== `Basic ${Buffer.from('u:p').toString('base64')}`) {
          return json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
        }
        expect(url.searchParams.get('service')).toBe('fake');
        expect(url.searchParams.getAll('scope')).toEqual(['repository:test/x:pull']);
        tokens++;
        return json(res, 200, { access_token: 'tok', expires_in: 300 });
      }
      if (req.headers.authorization !== 'Bearer tok') {
        const challenge = `Bearer realm="http://${host}/token",service="fake",scope="repository:test/x:pull"`;
        return json(
          res,
          401,
          { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
          {
            'www-authenticate': challenge,
          },
        );
      }
      json(res, 200, { tags: ['t'] });
    });
    host = srv.host;
    const c = client({ credentials: () => ({ username: 'u', password: 'p' }) });
    expect(await c.listTags(srv.host, 'test/x')).toEqual(['t']);
    expect(await c.listTags(srv.host, 'test/x')).toEqual(['t']);
    expect(tokens).toBe(1);
    const bad = client({ credentials: () => ({ username: 'u', password: 'wrong' }) });
    const err = await bad.listTags(srv.host, 'test/x').catch((e: unknown) => e);
    expect(kindOf(err)).toBe('Unauthenticated');
    expect((err as Error).message).toContain('bad credentials');
  });

  it('reads docker.io through the mirrors in order, skipping a failing one', async () => {
    const broken = await fake((_req, res) => json(res, 503, {}));
    const good = await fake((_req, res) => json(res, 200, { tags: ['latest'] }));
    const c = client({
      maxAttempts: 2,
      hosts: { registryMirrors: [`http://${broken.host}`, `http://${good.host}`] },
    });
    expect(await c.listTags('docker.io', 'library/busybox')).toEqual(['latest']);
    expect(broken.seen).toHaveLength(2);
    expect(good.seen[0]?.url).toBe('/v2/library/busybox/tags/list?n=1000');
  });

  it('times out a request that gets no answer', async () => {
    const srv = await fake(() => undefined);
    const err = await client({ maxAttempts: 2, timeoutMs: 200 })
      .listTags(srv.host, 'test/x')
      .catch((e: unknown) => e);
    expect(kindOf(err)).toBe('DeadlineExceeded');
    expect((err as Error).message).toContain('no answer for 200 ms');
    expect(srv.seen).toHaveLength(2);
  });
});
