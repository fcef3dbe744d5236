/**
 * createRegistryClient: manifests, tags and the wiring of blobs and uploads over one session.
 * Endpoint choice, auth, retries and error translation live in ./session.ts.
 */
import { dataLoss, isBerthError } from '@berth/errdefs';
import { fetchBlob } from './blobs.js';
import { isDigest, parseDigest, sha256, verifyBytes } from './digest.js';
import { notJson, parseJson } from './errors.js';
import { createHostResolver } from './hosts.js';
import { DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED, MANIFEST_ACCEPT, isManifestType } from './media-types.js';
import { defaultRetryPolicy } from './retry.js';
import { pullScope, pushScope, subjectOf } from './scopes.js';
import { createSession, type Session } from './session.js';
import { header, readBytes, readText } from './transport.js';
import type { RegistryClient, RegistryClientOptions, ResolvedManifest } from './types.js';
import { pushBlob } from './upload.js';

/** Manifests larger than this are refused, as containerd does. */
const MAX_MANIFEST = 4 << 20;

/** Creates a {@link RegistryClient}; nothing is contacted until a method is called. */
export function createRegistryClient(opts: RegistryClientOptions = {}): RegistryClient {
  const session = createSession({
    hosts: createHostResolver(opts.hosts),
    credentials: opts.credentials,
    retry: {
      ...defaultRetryPolicy,
      maxAttempts: Math.max(1, opts.maxAttempts ?? defaultRetryPolicy.maxAttempts),
      baseDelayMs: opts.retryBaseDelayMs ?? defaultRetryPolicy.baseDelayMs,
    },
    timeoutMs: opts.timeoutMs ?? 30_000,
    userAgent: opts.userAgent ?? 'berth/0.1',
  });
  return {
    resolve: (host, repo, ref, o) => resolve(session, host, repo, ref, o?.signal),
    fetchManifest: (host, repo, digest, o) => fetchManifest(session, host, repo, digest, o?.signal),
    fetchBlob: (host, repo, digest, o) => fetchBlob(session, host, repo, digest, o),
    blobExists: async (host, repo, digest, o) => {
      parseDigest(digest);
      const res = await session.send({
        host,
        method: 'HEAD',
        path: `/v2/${repo}/blobs/${digest}`,
        scopes: [pullScope(repo)],
        subject: subjectOf(host, repo, digest),
        ok: [200, 404],
        read: true,
        followRedirects: true,
        signal: o?.signal,
      });
      res.discard();
      return res.status === 200;
    },
    pushBlob: (host, repo, digest, size, open, o) => pushBlob(session, host, repo, digest, size, open, o),
    pushManifest: (host, repo, tag, bytes, mediaType, o) =>
      pushManifest(session, host, repo, tag, bytes, mediaType, o?.signal),
    listTags: (host, repo, o) => listTags(session, host, repo, o?.signal),
    ping: async (host, o) => {
      const res = await session.send({
        host,
        method: 'GET',
        path: '/v2/',
        scopes: [],
        subject: host,
        ok: [200],
        signal: o?.signal,
      });
      res.discard();
    },
    close: () => session.close(),
  };
}

async function resolve(
  session: Session,
  host: string,
  repo: string,
  ref: string,
  signal?: AbortSignal,
): Promise<ResolvedManifest> {
  if (isDigest(ref)) parseDigest(ref);
  const req = {
    host,
    path: `/v2/${repo}/manifests/${ref}`,
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [pullScope(repo)],
    subject: subjectOf(host, repo, ref),
    notFound: 'manifest unknown',
    ok: [200],
    read: true,
    signal,
  };
  try {
    const head = await session.send({ ...req, method: 'HEAD' });
    head.discard();
    const digest = isDigest(ref) ? ref : header(head.headers, 'docker-content-digest');
    const mediaType = header(head.headers, 'content-type')?.split(';')[0]?.trim();
    const size = Number(header(head.headers, 'content-length'));
    if (digest && mediaType && isManifestType(mediaType) && Number.isSafeInteger(size)) {
      return { digest, mediaType, size };
    }
  } catch (err) {
    // Some registries refuse HEAD (405) or answer it oddly; GET decides, except for
    // answers GET would repeat.
    if (
      !isBerthError(err) ||
      ['NotFound', 'Unauthenticated', 'PermissionDenied', 'Unavailable'].includes(err.kind)
    ) {
      throw err;
    }
  }
  const res = await session.send({ ...req, method: 'GET' });
  const bytes = await readBytes(res, MAX_MANIFEST);
  const what = `GET ${res.url.href}`;
  const contentType = header(res.headers, 'content-type');
  const mediaType = manifestMediaType(what, contentType, bytes);
  const schema1 = mediaType === DOCKER_SCHEMA1 || mediaType === DOCKER_SCHEMA1_SIGNED;
  let digest = sha256(bytes);
  if (isDigest(ref)) {
    if (!schema1) verifyBytes(bytes, ref, what);
    digest = ref;
  } else if (schema1) {
    // NOTE: a signed schema1 digest covers the payload without signatures; trust the registry's.
    digest = header(res.headers, 'docker-content-digest') ?? digest;
  }
  return { digest, mediaType, size: bytes.length };
}

/** Returns the media type of a manifest body: Content-Type if it is a manifest type, else the JSON's mediaType. */
function manifestMediaType(what: string, contentType: string | undefined, bytes: Buffer): string {
  const ct = contentType?.split(';')[0]?.trim() ?? '';
  if (isManifestType(ct)) return ct;
  const doc = parseJson<{ mediaType?: unknown; schemaVersion?: unknown }>(
    what,
    contentType,
    bytes.toString('utf8'),
  );
  if (typeof doc !== 'object' || doc === null) throw notJson(what, contentType, bytes.toString('utf8'));
  if (typeof doc.mediaType === 'string' && isManifestType(doc.mediaType)) return doc.mediaType;
  if (doc.schemaVersion === 1) return DOCKER_SCHEMA1;
  throw dataLoss(`${what}: not a manifest (content type ${ct || 'none'})`);
}

async function fetchManifest(
  session: Session,
  host: string,
  repo: string,
  digest: string,
  signal?: AbortSignal,
) {
  parseDigest(digest);
  const res = await session.send({
    host,
    method: 'GET',
    path: `/v2/${repo}/manifests/${digest}`,
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [pullScope(repo)],
    subject: subjectOf(host, repo, digest),
    notFound: 'manifest unknown',
    ok: [200],
    read: true,
    signal,
  });
  const bytes = await readBytes(res, MAX_MANIFEST);
  const contentType = header(res.headers, 'content-type');
  // An HTML page (a proxy's login or error page) says more as itself than as a digest mismatch.
  if (contentType?.startsWith('text/html'))
    throw notJson(`GET ${res.url.href}`, contentType, bytes.toString('utf8'));
  verifyBytes(bytes, digest, `GET ${res.url.href}`);
  return bytes;
}

async function pushManifest(
  session: Session,
  host: string,
  repo: string,
  tag: string,
  bytes: Buffer,
  mediaType: string,
  signal?: AbortSignal,
): Promise<string> {
  const digest = sha256(bytes);
  if (isDigest(tag)) verifyBytes(bytes, tag, `manifest for ${subjectOf(host, repo, tag)}`);
  const res = await session.send({
    host,
    method: 'PUT',
    path: `/v2/${repo}/manifests/${tag}`,
    headers: { 'content-type': mediaType },
    body: bytes,
    scopes: [pushScope(repo)],
    subject: subjectOf(host, repo, tag),
    ok: [200, 201, 202],
    signal,
  });
  res.discard();
  const theirs = header(res.headers, 'docker-content-digest');
  if (theirs && theirs !== digest && !isDigest(tag)) {
    throw dataLoss(`PUT ${res.url.href}: registry stored digest ${theirs}, expected ${digest}`);
  }
  return isDigest(tag) ? tag : digest;
}

async function listTags(
  session: Session,
  host: string,
  repo: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const tags: string[] = [];
  let path: string | undefined = `/v2/${repo}/tags/list?n=1000`;
  for (let page = 0; path && page < 1000; page++) {
    const res = await session.send({
      host,
      method: 'GET',
      path,
      scopes: [pullScope(repo)],
      subject: `${host}/${repo}`,
      notFound: 'repository unknown',
      ok: [200],
      read: true,
      signal,
    });
    const body = await readText(res, 16 << 20);
    const doc = parseJson<{ tags?: unknown }>(
      `GET ${res.url.href}`,
      header(res.headers, 'content-type'),
      body,
    );
    if (typeof doc !== 'object' || doc === null)
      throw notJson(`GET ${res.url.href}`, header(res.headers, 'content-type'), body);
    if (Array.isArray(doc.tags)) tags.push(...doc.tags.filter((t): t is string => typeof t === 'string'));
    // Link: </v2/repo/tags/list?last=x&n=1000>; rel="next"
    const link = header(res.headers, 'link');
    path = link && /rel="?next"?/.test(link) ? /<([^>]+)>/.exec(link)?.[1] : undefined;
  }
  return tags;
}
