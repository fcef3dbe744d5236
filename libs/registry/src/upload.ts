/**
 * Blob uploads (distribution spec "pushing blobs"):
 *
 * 1. `HEAD /v2/<repo>/blobs/<digest>`: 200 means nothing to do.
 * 2. `POST /v2/<repo>/blobs/uploads/` (with `?mount=<digest>&from=<other>` for a
 *    cross-repository mount): 201 means mounted, 202 gives an upload Location.
 * 3. Monolithic: `PUT <location>&digest=<digest>` with every byte. Chunked: a `PATCH <location>`
 *    per chunk with `Content-Range: <start>-<end>`, each answer giving the next Location, then
 *    `PUT <location>&digest=<digest>` with no body. The registry verifies the digest at the PUT.
 */
import type { Readable } from 'node:stream';
import { dataLoss, invalidArgument } from '@berth/errdefs';
import { parseDigest } from './digest.js';
import { ByteCounter } from './progress.js';
import { pullScope, pushScope, subjectOf } from './scopes.js';
import type { RegistryRequest, Session } from './session.js';
import { header, type ExchangeResponse } from './transport.js';
import type { BlobOpener, PushBlobOptions, PushBlobResult } from './types.js';

/** Implements {@link RegistryClient.pushBlob}. @internal */
export async function pushBlob(
  session: Session,
  host: string,
  repo: string,
  digest: string,
  size: number,
  open: BlobOpener,
  opts: PushBlobOptions = {},
): Promise<PushBlobResult> {
  parseDigest(digest);
  if (opts.chunkSize !== undefined && !(opts.chunkSize > 0))
    throw invalidArgument(`chunk size ${opts.chunkSize}`);
  const base = {
    host,
    subject: subjectOf(host, repo, digest),
    scopes: [pushScope(repo)],
    signal: opts.signal,
  };
  const head = await session.send({
    ...base,
    method: 'HEAD',
    path: `/v2/${repo}/blobs/${digest}`,
    ok: [200, 404],
  });
  head.discard();
  if (head.status === 200) return 'exists';

  const from = opts.mountFrom && opts.mountFrom !== repo ? opts.mountFrom : undefined;
  const start = await session.send({
    ...base,
    method: 'POST',
    path: `/v2/${repo}/blobs/uploads/${from ? `?mount=${digest}&from=${encodeURIComponent(from)}` : ''}`,
    scopes: from ? [pushScope(repo), pullScope(from)] : base.scopes,
    body: Buffer.alloc(0),
    ok: from ? [201, 202] : [202],
  });
  start.discard();
  if (start.status === 201) return 'mounted';
  const location = locationOf(start);
  const progress = (n: number) => opts.onProgress?.(n, size);
  if (opts.chunkSize === undefined) {
    const put = await session.send({
      ...base,
      method: 'PUT',
      path: withDigest(location, digest),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: () => counted(open(0), progress),
      ok: [201, 204],
    });
    put.discard();
    return 'uploaded';
  }
  const last = await uploadChunks(session, base, location, open(0), opts.chunkSize, size, progress);
  const put = await session.send({
    ...base,
    method: 'PUT',
    path: withDigest(last, digest),
    body: Buffer.alloc(0),
    ok: [201, 204],
  });
  put.discard();
  return 'uploaded';
}

type Base = Pick<RegistryRequest, 'host' | 'subject' | 'scopes' | 'signal'>;

/** PATCHes `src` in chunks of `chunkSize`; returns the Location for the closing PUT. */
async function uploadChunks(
  session: Session,
  base: Base,
  location: string,
  src: Readable,
  chunkSize: number,
  size: number,
  progress: (n: number) => void,
): Promise<string> {
  let offset = 0;
  for await (const chunk of chunksOf(src, chunkSize)) {
    const res = await session.send({
      ...base,
      method: 'PATCH',
      path: location,
      headers: {
        'content-type': 'application/octet-stream',
        'content-range': `${offset}-${offset + chunk.length - 1}`,
      },
      body: chunk,
      ok: [202],
    });
    res.discard();
    location = locationOf(res);
    offset += chunk.length;
    progress(offset);
  }
  if (offset !== size) throw dataLoss(`upload of ${base.subject}: read ${offset} bytes, expected ${size}`);
  return location;
}

/** Regroups a stream's chunks into buffers of exactly `size` bytes (the last may be shorter). */
async function* chunksOf(src: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let have = 0;
  for await (const data of src as AsyncIterable<Buffer>) {
    let rest = data;
    while (have + rest.length >= size) {
      const take = size - have;
      parts.push(rest.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      have = 0;
      rest = rest.subarray(take);
    }
    if (rest.length) {
      parts.push(rest);
      have += rest.length;
    }
  }
  if (have) yield Buffer.concat(parts);
}

function locationOf(res: ExchangeResponse): string {
  const loc = header(res.headers, 'location');
  if (!loc) throw dataLoss(`${res.url.href}: upload answer without a Location header`);
  return loc;
}

function withDigest(location: string, digest: string): string {
  return `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}

/** Pipes `src` through a progress counter, passing its errors on (pipe() alone would drop them). */
function counted(src: Readable, progress: (n: number) => void): Readable {
  const counter = new ByteCounter(0, progress);
  src.once('error', (err) => counter.destroy(err));
  return src.pipe(counter);
}
