/**
 * Sends one logical registry request: picks the endpoint (mirrors, https, http fallback for
 * insecure and loopback hosts), answers auth challenges, follows redirects when asked,
 * retries 5xx/429 and socket failures with backoff, and turns failures into BerthErrors.
 * Every other module talks to registries through {@link Session.send}.
 */
import type { BerthError } from '@berth/errdefs';
import { createAuthorizer, type Authorizer, type Credentials } from './auth.js';
import { httpError, isRetryableNetworkError, isTlsError, networkError } from './errors.js';
import type { Endpoint, HostResolver } from './hosts.js';
import { waitBeforeRetry, type RetryPolicy } from './retry.js';
import { exchange, header, readText, type Body, type ExchangeResponse } from './transport.js';

/** Looks up the credentials for a registry host (`127.0.0.1:5000`, `docker.io`); undefined means anonymous. */
export type CredentialSource = (host: string) => Credentials | undefined | Promise<Credentials | undefined>;

/** How a {@link Session} behaves. */
export interface SessionOptions {
  hosts: HostResolver;
  credentials?: CredentialSource;
  retry: RetryPolicy;
  /** Per-request socket idle timeout in ms. */
  timeoutMs: number;
  userAgent: string;
}

/** One logical request to a registry. */
export interface RegistryRequest {
  /** Registry host as the user names it: `127.0.0.1:5000`, `docker.io`. */
  host: string;
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** `/v2/…` with query, or an absolute URL the registry returned (upload Location). */
  path: string;
  headers?: Record<string, string>;
  body?: Body;
  /** Token scopes: `repository:test/busybox:pull`. */
  scopes: string[];
  /** What the request is about, for error messages: `127.0.0.1:5000/test/busybox:1`. */
  subject: string;
  /** Message for a 404 without a body (HEAD): `manifest unknown`. */
  notFound?: string;
  /** Statuses that count as success. */
  ok: number[];
  /** A read: may be served by a docker.io mirror. */
  read?: boolean;
  /** Follow 3xx to other hosts (blob storage), without sending Authorization there. */
  followRedirects?: boolean;
  signal?: AbortSignal;
}

/** Sends registry requests for one client. */
export interface Session {
  /** Returns the successful response (body unread), or throws a BerthError. */
  send(req: RegistryRequest): Promise<ExchangeResponse>;
  /** Fetches a token-realm URL with retries; used by the authorizer. */
  getText(url: URL, headers: Record<string, string>): Promise<{ body: string; contentType?: string }>;
  close(): void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const retryable = (status: number) => status >= 500 || status === 429;

/** Creates a {@link Session}. */
export function createSession(opts: SessionOptions): Session {
  const plainHttp = new Set<string>(); // hosts whose https attempt failed in the TLS layer
  const authorizer: Authorizer = createAuthorizer((url, headers) => session.getText(url, headers));
  const credsFor = async (host: string) => (opts.credentials ? await opts.credentials(host) : undefined);

  /** Repeats `once` on retryable failures; returns the last response or throws a BerthError. */
  async function retrying(
    what: () => string,
    signal: AbortSignal | undefined,
    once: () => Promise<ExchangeResponse>,
  ): Promise<ExchangeResponse> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= opts.retry.maxAttempts;
      let res: ExchangeResponse;
      try {
        res = await once();
      } catch (err) {
        if (last || !isRetryableNetworkError(err) || signal?.aborted) throw networkError(err, what());
        await waitBeforeRetry(opts.retry, attempt, undefined, signal);
        continue;
      }
      if (last || !retryable(res.status)) return res;
      res.discard();
      await waitBeforeRetry(opts.retry, attempt, header(res.headers, 'retry-after'), signal);
    }
  }

  /** One exchange with the endpoint, switching to plain http on a TLS failure where allowed. */
  async function attempt(ep: { current: Endpoint }, req: RegistryRequest, url: () => URL) {
    const headers: Record<string, string> = { 'user-agent': opts.userAgent, ...req.headers };
    const auth = await authorizer.authorization(
      ep.current.base.host,
      req.scopes,
      await credsFor(ep.current.mirror ? ep.current.base.host : req.host),
    );
    if (auth) headers['authorization'] = auth;
    const send = () =>
      exchange({
        method: req.method,
        url: url(),
        headers,
        body: req.body,
        agent: ep.current.agent,
        timeoutMs: opts.timeoutMs,
        signal: req.signal,
      });
    let res: ExchangeResponse;
    try {
      res = await send();
    } catch (err) {
      // Docker's rule: an insecure (or loopback) registry that does not speak TLS is retried over http.
      if (!ep.current.httpFallback || !isTlsError(err)) throw err;
      plainHttp.add(req.host);
      ep.current = opts.hosts.httpEndpoint(req.host);
      res = await send();
    }
    return req.followRedirects ? follow(res, headers, req) : res;
  }

  /** Follows redirects; Authorization goes only to the registry's own origin. */
  async function follow(res: ExchangeResponse, headers: Record<string, string>, req: RegistryRequest) {
    const origin = res.url.origin;
    for (let hops = 0; REDIRECTS.has(res.status) && hops < MAX_REDIRECTS; hops++) {
      const location = header(res.headers, 'location');
      if (!location) return res;
      res.discard();
      const url = new URL(location, res.url);
      const h = { ...headers };
      if (url.origin !== origin) delete h['authorization'];
      res = await exchange({
        method: req.method,
        url,
        headers: h,
        agent: opts.hosts.agentFor(url),
        timeoutMs: opts.timeoutMs,
        signal: req.signal,
      });
    }
    return res;
  }

  async function failure(res: ExchangeResponse, req: RegistryRequest): Promise<BerthError> {
    const body = req.method === 'HEAD' ? '' : await readText(res, 64 << 10).catch(() => '');
    return httpError(res.status, res.statusText, body, {
      subject: req.subject,
      request: `${req.method} ${res.url.href}`,
      fallback: req.notFound,
    });
  }

  async function sendTo(endpoint: Endpoint, req: RegistryRequest): Promise<ExchangeResponse> {
    const ep = {
      current: plainHttp.has(req.host) && !endpoint.mirror ? opts.hosts.httpEndpoint(req.host) : endpoint,
    };
    const url = () => {
      const u = new URL(req.path, ep.current.base);
      // An upload Location names the registry's origin; keep the scheme we settled on.
      if (/^https?:/.test(req.path) && u.host === ep.current.base.host) u.protocol = ep.current.base.protocol;
      return u;
    };
    for (let challenged = false; ; challenged = true) {
      const res = await retrying(
        () => `${req.method} ${url().href}`,
        req.signal,
        () => attempt(ep, req, url),
      );
      if (req.ok.includes(res.status)) return res;
      const err = await failure(res, req);
      if (res.status !== 401 || challenged) throw err;
      const host = ep.current.base.host;
      authorizer.invalidate(host, req.scopes);
      if (!authorizer.onChallenge(host, header(res.headers, 'www-authenticate'))) throw err;
      const creds = await credsFor(ep.current.mirror ? host : req.host);
      // Anonymous and the registry wants basic credentials: asking again cannot help.
      if (!(await authorizer.authorization(host, req.scopes, creds))) throw err;
    }
  }

  const session: Session = {
    async send(req) {
      const endpoints = opts.hosts.endpoints(req.host, req.read === true);
      for (let i = 0; ; i++) {
        const ep = endpoints[i] as Endpoint;
        try {
          return await sendTo(ep, req);
        } catch (err) {
          // A failing mirror is skipped, as docker does; the upstream registry decides.
          if (!ep.mirror || i + 1 >= endpoints.length) throw err;
        }
      }
    },
    async getText(url, headers) {
      const what = () => `GET ${url.href}`;
      const res = await retrying(what, undefined, () =>
        exchange({
          method: 'GET',
          url,
          headers: { 'user-agent': opts.userAgent, ...headers },
          agent: opts.hosts.agentFor(url),
          timeoutMs: opts.timeoutMs,
        }),
      );
      const body = await readText(res, 1 << 20);
      if (res.status !== 200) {
        throw httpError(res.status, res.statusText, body, {
          subject: `token from ${url.origin}`,
          request: what(),
        });
      }
      return { body, contentType: header(res.headers, 'content-type') };
    },
    close: () => opts.hosts.close(),
  };
  return session;
}
