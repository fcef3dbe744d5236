/**
 * Docker image references, from the distribution/reference grammar:
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path-component { "/" path-component }
 *   domain    := host [ ":" port ]        host := dns-name | "[" ipv6 "]"
 *   path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag       := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
 *
 * plus docker's normalization: a first component is a domain only if it is `localhost` or
 * contains "." or ":" (or has uppercase letters); otherwise the domain is docker.io, and
 * single-component docker.io names get the `library/` prefix. Names are at most 255 characters.
 */
import { invalidArgument } from '@berth/errdefs';
import { digestProblem } from './digest.js';

/** A parsed, normalized image reference. `domain/path` is the repository. */
export interface Reference {
  /** Registry host, with port if any: `docker.io`, `localhost:5000`, `[::1]:5000`. */
  readonly domain: string;
  /** Repository path inside the registry: `library/busybox`, `test/busybox`. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
const NAME_MAX = 255;
const TAG_MAX = 128;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN_RE = new RegExp(`^${HOST}(?::[0-9]+)?$`);
const HOST_RE = new RegExp(`^${HOST}$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^\w[\w.-]*$/;
const IMAGE_ID_RE = /^[a-f0-9]{64}$/;

/**
 * Parses `s` into a normalized reference, keeping the tag and digest exactly as given
 * (no default tag; see {@link normalizeReference}). `index.docker.io` becomes `docker.io`,
 * and `busybox` / `docker.io/busybox` become `docker.io/library/busybox`.
 * @throws InvalidArgument `invalid reference "<s>": <what is wrong>`.
 */
export function parseReference(s: string): Reference {
  const fail = (problem: string) => invalidArgument(`invalid reference ${JSON.stringify(s)}: ${problem}`);
  if (s === '') throw invalidArgument('invalid reference: empty string');
  if (/\s/.test(s)) throw fail('must not contain whitespace');
  if (IMAGE_ID_RE.test(s)) throw fail('a 64-character hex string is an image ID, not a repository name');

  let name = s;
  let digest: string | undefined;
  const at = s.indexOf('@');
  if (at >= 0) {
    digest = s.slice(at + 1);
    name = s.slice(0, at);
    if (digest === '') throw fail('"@" without a digest');
    const problem = digestProblem(digest);
    if (problem !== undefined) throw fail(`invalid digest ${JSON.stringify(digest)}: ${problem}`);
  }
  let tag: string | undefined;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (tag === '') throw fail('":" without a tag');
    const problem = tagProblem(tag);
    if (problem !== undefined) throw fail(problem);
  }
  if (name === '') throw fail('missing repository name');

  const { domain, path } = splitDomain(name);
  const problem = domainProblem(domain) ?? pathProblem(path);
  if (problem !== undefined) throw fail(problem);
  const full = `${domain}/${path}`;
  if (full.length > NAME_MAX) {
    throw fail(`repository name must not be more than ${NAME_MAX} characters (got ${full.length})`);
  }
  return { domain, path, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/**
 * Parses `s` like {@link parseReference} and adds the tag `latest` when it has neither a
 * tag nor a digest: `busybox` → `docker.io/library/busybox:latest`. A tag and a digest
 * given together are both kept. Use this for image names typed by users.
 * @throws InvalidArgument as parseReference.
 */
export function normalizeReference(s: string): Reference {
  const ref = parseReference(s);
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** Returns the canonical string form: `domain/path[:tag][@digest]`. */
export function formatReference(ref: Reference): string {
  return repository(ref) + suffix(ref);
}

/** Returns the repository, `domain/path`, without tag or digest. */
export function repository(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/**
 * Returns the short form docker shows (`berth images`): docker.io and, for single-component
 * official images, `library/` are dropped: `docker.io/library/busybox:latest` → `busybox:latest`,
 * `docker.io/user/repo` → `user/repo`. Other registries keep their domain.
 */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return formatReference(ref);
  const official = ref.path.startsWith(OFFICIAL_PREFIX) ? ref.path.slice(OFFICIAL_PREFIX.length) : '';
  return (official !== '' && !official.includes('/') ? official : ref.path) + suffix(ref);
}

/**
 * Returns `ref` with its tag set to `tag` (the digest, if any, is kept).
 * @throws InvalidArgument when `tag` is not a valid tag.
 */
export function withTag(ref: Reference, tag: string): Reference {
  const problem = tag === '' ? 'tag must not be empty' : tagProblem(tag);
  if (problem !== undefined) throw invalidArgument(problem);
  return { ...ref, tag };
}

/**
 * Returns `ref` with its digest set to `digest` (the tag, if any, is kept).
 * @throws InvalidArgument when `digest` is not a valid digest.
 */
export function withDigest(ref: Reference, digest: string): Reference {
  const problem = digestProblem(digest);
  if (problem !== undefined) throw invalidArgument(`invalid digest ${JSON.stringify(digest)}: ${problem}`);
  return { ...ref, digest };
}

/**
 * Returns the host part of a reference's domain, without port or IPv6 brackets, as Go's
 * `url.Hostname()` gives it: `127.0.0.1:5000` → `127.0.0.1`, `[::1]:5000` → `::1`.
 * @internal
 */
export function hostname(domain: string): string {
  const m = /^\[([^\]]*)\]/.exec(domain);
  if (m) return m[1] ?? '';
  const colon = domain.indexOf(':');
  return colon < 0 ? domain : domain.slice(0, colon);
}

function suffix(ref: Reference): string {
  return (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { domain: DEFAULT_DOMAIN, path: OFFICIAL_PREFIX + name };
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let path: string;
  if (first === LEGACY_DEFAULT_DOMAIN) [domain, path] = [DEFAULT_DOMAIN, rest];
  else if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) {
    [domain, path] = [first, rest];
  } else [domain, path] = [DEFAULT_DOMAIN, name];
  if (domain === DEFAULT_DOMAIN && !path.includes('/') && path !== '') path = OFFICIAL_PREFIX + path;
  return { domain, path };
}

function domainProblem(domain: string): string | undefined {
  if (DOMAIN_RE.test(domain)) return undefined;
  const m = /^(.*):([^:\]]*)$/.exec(domain);
  if (m && HOST_RE.test(m[1] ?? ''))
    return `invalid port ${JSON.stringify(m[2])} in domain ${JSON.stringify(domain)}`;
  return `invalid domain ${JSON.stringify(domain)}`;
}

function pathProblem(path: string): string | undefined {
  if (path.toLowerCase() !== path) return `repository name ${JSON.stringify(path)} must be lowercase`;
  for (const component of path.split('/')) {
    if (component === '') return `repository name ${JSON.stringify(path)} has an empty path component`;
    if (!PATH_COMPONENT_RE.test(component)) {
      return (
        `invalid path component ${JSON.stringify(component)}: use lowercase letters and digits, ` +
        'separated by ".", "_", "__" or dashes, starting and ending with a letter or digit'
      );
    }
  }
  return undefined;
}

function tagProblem(tag: string): string | undefined {
  if (tag.length > TAG_MAX) return `tag must not be more than ${TAG_MAX} characters (got ${tag.length})`;
  if (!TAG_RE.test(tag)) {
    return `invalid tag ${JSON.stringify(tag)}: use letters, digits, "_", "." and "-", not starting with "." or "-"`;
  }
  return undefined;
}
