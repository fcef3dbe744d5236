/**
 * The WWW-Authenticate challenge flow of the distribution spec (docker's token auth):
 *
 * 1. A request without credentials gets `401` with `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`
 *    or `Basic realm="…"`. The challenge is remembered per registry host.
 * 2. Basic: later requests carry `Authorization: Basic base64(user:pass)`.
 *    Bearer: a token is fetched from the realm (`GET realm?service=…&scope=…`, with basic
 *    credentials when the user has some, anonymous otherwise), cached per host and scope set
 *    until `expires_in` runs out, and sent as `Authorization: Bearer <token>`.
 */
import { unauthenticated } from '@berth/errdefs';
import { parseJson } from './errors.js';

/** A user name and password (or identity token as password) for one registry. */
export interface Credentials {
  username: string;
  password: string;
}

/** A parsed WWW-Authenticate challenge. */
export interface Challenge {
  /** Lower-case scheme: `bearer` or `basic` (others are kept but not answered). */
  scheme: string;
  /** Parameters with lower-case names: realm, service, scope, error. */
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate header into its challenges. Handles quoted values with commas and
 * escapes, unquoted tokens, and several challenges in one header.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  const token = /[\w!#$%&'*+.^`|~/-]+/y;
  let i = 0;
  const skip = () => {
    while (i < header.length && /[\s,]/.test(header[i] ?? '')) i++;
  };
  const read = (): string | undefined => {
    token.lastIndex = i;
    const m = token.exec(header);
    if (!m) return undefined;
    i = token.lastIndex;
    return m[0];
  };
  const quoted = (): string => {
    let v = '';
    for (i++; i < header.length && header[i] !== '"'; i++)
      v += header[i] === '\\' ? (header[++i] ?? '') : header[i];
    i++;
    return v;
  };
  let current: Challenge | undefined;
  for (skip(); i < header.length; skip()) {
    const name = read();
    if (name === undefined) break;
    while (header[i] === ' ') i++;
    if (header[i] !== '=') {
      current = { scheme: name.toLowerCase(), params: {} };
      out.push(current);
      continue;
    }
    for (i++; header[i] === ' ';) i++;
    const value = header[i] === '"' ? quoted() : (read() ?? '');
    if (current) current.params[name.toLowerCase()] = value;
  }
  return out;
}

/** Formats the basic Authorization header value for `creds`. */
export function basicAuth(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
}

/** Fetches a URL for the token flow; injected so that tests and the session share retries and agents. */
export type TokenFetcher = (
  url: URL,
  headers: Record<string, string>,
) => Promise<{ body: string; contentType?: string }>;

interface TokenAnswer {
  token?: string;
  access_token?: string;
  expires_in?: number;
  issued_at?: string;
}

/** Answers challenges for one client: remembers them per host and caches bearer tokens per scope set. */
export interface Authorizer {
  /** Records the challenge from a 401 answer of `host`; returns false when it cannot be answered. */
  onChallenge(host: string, wwwAuthenticate: string | undefined): boolean;
  /** Returns the Authorization header value for a request to `host` needing `scopes`, or undefined (anonymous). */
  authorization(host: string, scopes: string[], creds: Credentials | undefined): Promise<string | undefined>;
  /** Forgets the cached token for `host` and `scopes` (after it was refused). */
  invalidate(host: string, scopes: string[]): void;
}

/** Tokens are refreshed this long before they expire, so that a request in flight does not outlive one. */
const EXPIRY_MARGIN_MS = 10_000;

/** Creates an {@link Authorizer} fetching tokens through `fetchToken`. */
export function createAuthorizer(fetchToken: TokenFetcher, now: () => number = Date.now): Authorizer {
  const challenges = new Map<string, Challenge>();
  const tokens = new Map<string, { value: string; expiresAt: number }>();
  const key = (host: string, scopes: string[], user = '') =>
    `${host} ${user} ${[...new Set(scopes)].sort().join(' ')}`;

  async function bearer(host: string, ch: Challenge, scopes: string[], creds?: Credentials) {
    const k = key(host, scopes, creds?.username);
    const hit = tokens.get(k);
    if (hit && hit.expiresAt > now()) return hit.value;
    const realm = ch.params['realm'];
    if (!realm) throw unauthenticated(`${host}: bearer challenge without a realm`);
    const url = new URL(realm);
    if (ch.params['service']) url.searchParams.set('service', ch.params['service']);
    for (const s of [...new Set(scopes)]) url.searchParams.append('scope', s);
    const headers: Record<string, string> = creds ? { authorization: basicAuth(creds) } : {};
    const { body, contentType } = await fetchToken(url, headers);
    const t = parseJson<TokenAnswer>(`GET ${url.href}`, contentType, body);
    const value = t.token ?? t.access_token;
    if (!value) throw unauthenticated(`GET ${url.href}: token response without a token`);
    const issued = t.issued_at ? Date.parse(t.issued_at) : NaN;
    const start = Number.isFinite(issued) ? Math.min(issued, now()) : now();
    // The spec's default lifetime is 60 s when expires_in is absent.
    const lifetime = (t.expires_in && t.expires_in > 0 ? t.expires_in : 60) * 1000;
    tokens.set(k, { value, expiresAt: start + lifetime - EXPIRY_MARGIN_MS });
    return value;
  }

  return {
    onChallenge(host, wwwAuthenticate) {
      const all = parseChallenges(wwwAuthenticate ?? '');
      const ch = all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
      if (!ch) return false;
      challenges.set(host, ch);
      return true;
    },
    async authorization(host, scopes, creds) {
      const ch = challenges.get(host);
      if (!ch) return undefined;
      if (ch.scheme === 'basic') return creds ? basicAuth(creds) : undefined;
      // NOTE: the challenge's own scope belongs to the request that got it; each request asks
      // for the scopes it needs instead (pull, or pull,push plus pull on a mount source).
      return `Bearer ${await bearer(host, ch, scopes, creds)}`;
    },
    invalidate(host, scopes) {
      const prefix = `${host} `;
      for (const k of tokens.keys())
        if (k.startsWith(prefix) && scopes.every((s) => k.includes(s))) tokens.delete(k);
    },
  };
}
