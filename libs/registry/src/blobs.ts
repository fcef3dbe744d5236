/**
 * Blob downloads: a Range request from the caller's offset (resuming an interrupted pull),
 * redirects to blob storage followed without Authorization, and a byte counter for progress.
 * Nothing is verified here; the caller hashes what it stores (its ingest knows the offset).
 */
import { dataLoss } from '@berth/errdefs';
import { parseDigest } from './digest.js';
import { networkError } from './errors.js';
import { ByteCounter } from './progress.js';
import { pullScope, subjectOf } from './scopes.js';
import type { Session } from './session.js';
import { header } from './transport.js';
import type { BlobStream, FetchBlobOptions } from './types.js';

/** Implements {@link RegistryClient.fetchBlob}. @internal */
export async function fetchBlob(
  session: Session,
  host: string,
  repo: string,
  digest: string,
  opts: FetchBlobOptions = {},
): Promise<BlobStream> {
  parseDigest(digest);
  const offset = opts.offset ?? 0;
  const res = await session.send({
    host,
    method: 'GET',
    path: `/v2/${repo}/blobs/${digest}`,
    headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
    scopes: [pullScope(repo)],
    subject: subjectOf(host, repo, digest),
    notFound: 'blob unknown',
    ok: [200, 206],
    read: true,
    followRedirects: true,
    signal: opts.signal,
  });
  let size = Number(header(res.headers, 'content-length'));
  let skip = 0;
  if (res.status === 206) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header(res.headers, 'content-range') ?? '');
    if (!m || Number(m[1]) !== offset) {
      res.discard();
      throw dataLoss(`GET ${res.url.href}: asked for bytes from ${offset}, got range ${m?.[0] ?? 'none'}`);
    }
    size = m[3] === '*' ? offset + size : Number(m[3]);
  } else {
    // The server ignored Range: drop the bytes the caller already has.
    skip = offset;
  }
  const onProgress = opts.onProgress;
  const counter = new ByteCounter(skip, (n) => onProgress?.(n, size));
  res.body.once('error', (err) => counter.destroy(networkError(err, `GET ${res.url.href}`)));
  res.body.pipe(counter);
  return { stream: counter, size: Number.isFinite(size) ? size : -1, offset };
}
