/**
 * Transfer.Pull: what containerd's client does for `ctr images pull`, done in
 * the service. Resolve the reference at its registry; fetch the index (if any),
 * the platform's manifest, its config and layers into the content store under
 * containerd's ingest refs (`index-`, `manifest-`, `config-`, `layer-<digest>`)
 * with the expected digest, which the content service verifies at commit;
 * label the blobs for GC and cross-repository mounts; record the image; unpack.
 *
 * - A blob already in the namespace is skipped ("exists").
 * - An interrupted ingest is resumed from its offset with a Range request; if the
 *   resumed bytes do not verify, the ingest is dropped and fetched once more from 0.
 * - Pulls running at once in this process share each blob's fetch (keyed by
 *   namespace and digest); the fetch is aborted when every pull waiting on it has gone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import type { Progress, PullRequest } from '@berth/proto/berth/images/v1';
import {
  dataLoss,
  isAlreadyExists,
  isFailedPrecondition,
  isNotFound,
  isUnavailable,
  notImplemented,
  found,
} from '@berth/errdefs';
import {
  distributionSourceLabel,
  formatReference,
  indexGcLabels,
  isIndex,
  isSchema1,
  manifestGcLabels,
  normalizeReference,
  parseIndex,
  parseManifest,
  selectManifest,
  type Reference,
} from '@berth/image';
import { WRITE_CHUNK, setBlobLabels, type ContentStore, type Writer } from '@berth/content';
import type { RegistryClient } from '@berth/registry';
import type { CallContext } from '@berth/grpc';
import type { TransferDeps } from './deps.js';
import type { Descriptor } from './store.js';
import { platformOf } from './inspect.js';
import { readBlob, resolveImage } from './resolve.js';
import { unpack } from './unpack.js';
import { recordImage } from './images-events.js';
import { registryClient } from './registry.js';
import { progress, streamWhile, throttled, type Emit } from './progress.js';

/** Layers (and the config) fetched at once per pull, as docker does. */
const CONCURRENCY = 3;
/** WRITE frames in flight to the content service. */
const WINDOW = 4;

type BlobKind = 'index' | 'manifest' | 'config' | 'layer';

interface Remote {
  client: RegistryClient;
  ref: Reference;
  ns: string;
  signal: AbortSignal;
}

/** Where a blob's bytes come from: a stream starting at `offset` of the whole blob. */
type Source = (offset: number, signal: AbortSignal) => Promise<Readable | Buffer>;

/** A fetch in flight, shared by every pull of this process that needs the blob. */
interface InFlight {
  promise: Promise<void>;
  listeners: Set<Emit>;
  abort: AbortController;
}

const inflight = new Map<string, InFlight>();

export function pull(deps: TransferDeps, req: PullRequest, ctx: CallContext): AsyncGenerator<Progress> {
  return streamWhile((emit) => pullImage(deps, req, ctx, emit), ctx.signal);
}

async function pullImage(deps: TransferDeps, req: PullRequest, ctx: CallContext, emit: Emit): Promise<void> {
  const ref = normalizeReference(req.reference);
  const name = formatReference(ref);
  const platform = platformOf(req.platform);
  const client = registryClient(deps, ref.domain, req.auth);
  const r: Remote = { client, ref, ns: ctx.ns, signal: ctx.signal };
  try {
    emit(progress(name, 'resolving'));
    const root = await client.resolve(ref.domain, ref.path, ref.digest ?? ref.tag ?? 'latest', {
      signal: ctx.signal,
    });
    if (isSchema1(root.mediaType))
      throw notImplemented(
        `${name}: ${root.mediaType} (Docker image manifest v2 schema 1) is not supported; ` +
          'push the image again with a current docker or skopeo, which write schema 2 or OCI manifests',
      );
    const target: Descriptor = {
      mediaType: root.mediaType,
      digest: root.digest,
      size: root.size,
      annotations: {},
    };
    if (isIndex(root.mediaType)) {
      const indexJson = await fetchManifestBlob(deps, r, 'index', target, emit);
      const index = parseIndex(indexJson, root.mediaType, root.digest);
      const chosen = selectManifest(index, platform, root.digest);
      await pullManifest(deps, r, chosen, emit);
      // Only the manifest pulled is referenced: the others are not here to keep.
      const labels = Object.fromEntries(
        Object.entries(indexGcLabels(index)).filter(([, d]) => d === chosen.digest),
      );
      await setBlobLabels(deps.content, r.ns, root.digest, labels);
    } else {
      await pullManifest(deps, r, target, emit);
    }

    const { result } = await recordImage(deps, r.ns, name, target);
    if (!req.skipUnpack) {
      const img = await resolveImage(deps.content, r.ns, target, platform);
      const sizes = new Map(img.manifest.layers.map((l) => [l.digest, l.size]));
      await unpack(deps, r.ns, img, (digest, status) => {
        if (status !== 'exists') emit(progress(`layer-${digest}`, status, 0, sizes.get(digest) ?? 0));
      });
    }
    emit({
      ref: name,
      status: result === 'unchanged' ? 'exists' : 'done',
      offset: 0,
      total: 0,
      image: target,
      name,
    });
  } finally {
    client.close();
  }
}

/** Fetches a manifest, then its config and layers; labels the manifest for GC. */
async function pullManifest(
  deps: TransferDeps,
  r: Remote,
  desc: { mediaType: string; digest: string; size: number },
  emit: Emit,
): Promise<void> {
  const json = await fetchManifestBlob(deps, r, 'manifest', desc, emit);
  const manifest = parseManifest(json, desc.mediaType, desc.digest);
  const blobs: [BlobKind, { digest: string; size: number }][] = [
    ['config', manifest.config],
    ...manifest.layers.map((l): [BlobKind, typeof l] => ['layer', l]),
  ];
  for (const [kind, d] of blobs) emit(progress(`${kind}-${d.digest}`, 'waiting', 0, d.size));
  await forEachLimit(blobs, CONCURRENCY, ([kind, d]) =>
    ensureBlob(deps, r, kind, d, emit, async (offset, signal) => {
      const blob = await r.client.fetchBlob(r.ref.domain, r.ref.path, d.digest, { offset, signal });
      if (blob.size >= 0 && blob.size !== d.size) {
        blob.stream.destroy();
        throw dataLoss(
          `${r.ref.domain}/${r.ref.path}@${d.digest}: registry sends ${blob.size} bytes, the manifest says ${d.size}`,
        );
      }
      return blob.stream;
    }),
  );
  await setBlobLabels(deps.content, r.ns, desc.digest, manifestGcLabels(manifest));
}

/** Makes sure the manifest or index `desc` is in the content store and returns its bytes. */
async function fetchManifestBlob(
  deps: TransferDeps,
  r: Remote,
  kind: 'index' | 'manifest',
  desc: { digest: string; size: number },
  emit: Emit,
): Promise<Buffer> {
  let fetched: Buffer | undefined;
  await ensureBlob(deps, r, kind, desc, emit, async (_offset, signal) => {
    fetched = await r.client.fetchManifest(r.ref.domain, r.ref.path, desc.digest, { signal });
    return fetched;
  });
  return fetched ?? (await readBlob(deps.content, r.ns, desc.digest));
}

/**
 * Makes sure blob `desc` is committed in the namespace, joining a fetch of it already in
 * flight; adds this repository to its distribution-source label.
 */
async function ensureBlob(
  deps: TransferDeps,
  r: Remote,
  kind: BlobKind,
  desc: { digest: string; size: number },
  emit: Emit,
  source: Source,
): Promise<void> {
  const key = `${r.ns}\0${desc.digest}`;
  const ingestRef = `${kind}-${desc.digest}`;
  const mine = throttled(emit);
  let f = inflight.get(key);
  const joined = f !== undefined;
  if (!f) {
    const listeners = new Set<Emit>();
    const abort = new AbortController();
    const notify: Emit = (p) => listeners.forEach((l) => l(p));
    const entry: InFlight = {
      listeners,
      abort,
      promise: fetchInto(deps, r, ingestRef, desc, notify, source, abort.signal).finally(() =>
        inflight.delete(key),
      ),
    };
    inflight.set(key, entry);
    f = entry;
  } else mine(progress(ingestRef, 'waiting', 0, desc.size));
  const entry = f;
  entry.listeners.add(mine);
  const onAbort = () => {
    entry.listeners.delete(mine);
    if (entry.listeners.size === 0) entry.abort.abort(r.signal.reason);
  };
  r.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await entry.promise;
  } finally {
    r.signal.removeEventListener('abort', onAbort);
    entry.listeners.delete(mine);
  }
  // The fetch committed the blob with its own repository's label; others add theirs.
  if (joined || kind === 'index' || kind === 'manifest' || (await sourceMissing(deps, r, desc.digest)))
    await addSource(deps.content, r, desc.digest);
}

async function sourceMissing(deps: TransferDeps, r: Remote, digest: string): Promise<boolean> {
  const info = await deps.content.info(r.ns, digest);
  const [[k, v]] = Object.entries(distributionSourceLabel(r.ref)) as [[string, string]];
  return !(info.labels[k] ?? '').split(',').includes(v);
}

/** Adds the pulled repository to the blob's `containerd.io/distribution.source.<host>` label. */
async function addSource(content: ContentStore, r: Remote, digest: string): Promise<void> {
  const info = await content.info(r.ns, digest);
  await setBlobLabels(content, r.ns, digest, distributionSourceLabel(r.ref, info.labels));
}

/** Downloads a blob into the content store, resuming an interrupted ingest of it. */
async function fetchInto(
  deps: TransferDeps,
  r: Remote,
  ingestRef: string,
  desc: { digest: string; size: number },
  notify: Emit,
  source: Source,
  signal: AbortSignal,
): Promise<void> {
  const say = (status: string, offset = 0) => notify(progress(ingestRef, status, offset, desc.size));
  const subject = `${r.ref.domain}/${r.ref.path}@${desc.digest}`;
  for (let attempt = 0; ; attempt++) {
    if (await found(deps.content.info(r.ns, desc.digest))) return say('exists', desc.size);
    const w = await openWriter(deps.content, r.ns, ingestRef, desc);
    if (!w) return say('exists', desc.size);
    let start = 0;
    try {
      start = w.status().offset;
      say('downloading', start);
      if (start < desc.size) {
        const src = await source(start, signal);
        const frames = Buffer.isBuffer(src) ? [src.subarray(start)] : src;
        await pump(w, frames, start, (n) => say('downloading', n));
      }
      say('verifying', desc.size);
      await w.commit(desc.size, desc.digest, distributionSourceLabel(r.ref));
      return say('done', desc.size);
    } catch (err) {
      if (isAlreadyExists(err)) return say('done', desc.size);
      await w.close().catch(() => undefined);
      if (!isFailedPrecondition(err)) throw err;
      // The bytes do not verify: they can never commit under this ref, so drop them. A resumed
      // ingest may hold bad bytes from before; one fresh attempt decides.
      await abortIngest(deps.content, r.ns, ingestRef);
      if (start === 0 || attempt > 0) throw dataLoss(`${subject}: ${(err as Error).message}`, err);
    }
  }
}

/** Opens the ingest for a blob (undefined when it is already committed); waits out a concurrent writer elsewhere. */
async function openWriter(
  content: ContentStore,
  ns: string,
  ref: string,
  desc: { digest: string; size: number },
): Promise<Writer | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      const w = await content.writer(ns, { ref, total: desc.size, expected: desc.digest });
      const st = w.status();
      if (
        (st.total && st.total !== desc.size) ||
        st.offset > desc.size ||
        (st.expected && st.expected !== desc.digest)
      ) {
        // An ingest under this ref from another attempt that disagrees with the manifest.
        await w.close();
        await abortIngest(content, ns, ref);
        continue;
      }
      return w;
    } catch (err) {
      if (isAlreadyExists(err)) return undefined;
      // Another writer holds the ref (a pull in another process): wait for it.
      if (isUnavailable(err) && attempt < 100) {
        await sleep(100);
        continue;
      }
      throw err;
    }
  }
}

async function abortIngest(content: ContentStore, ns: string, ref: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    try {
      return await content.abort(ns, ref);
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isUnavailable(err)) throw err;
      await sleep(50); // the failed writer's stream is still releasing the ref
    }
  }
}

/** Writes `input` from `start` in WRITE_CHUNK frames, WINDOW frames in flight; returns the end offset. */
async function pump(
  w: Writer,
  input: AsyncIterable<Buffer> | Iterable<Buffer>,
  start: number,
  onProgress: (offset: number) => void,
): Promise<number> {
  const pending: Promise<void>[] = [];
  let offset = start;
  const send = async (frame: Buffer) => {
    const end = offset + frame.length;
    const sent = w.write(offset, frame).then(() => onProgress(end));
    sent.catch(() => undefined);
    pending.push(sent);
    offset = end;
    if (pending.length >= WINDOW) await pending.shift();
  };
  let parts: Buffer[] = [];
  let len = 0;
  for await (const chunk of input) {
    parts.push(chunk);
    len += chunk.length;
    while (len >= WRITE_CHUNK) {
      const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, len);
      await send(all.subarray(0, WRITE_CHUNK));
      const rest = all.subarray(WRITE_CHUNK);
      parts = rest.length ? [rest] : [];
      len = rest.length;
    }
  }
  if (len) await send(parts.length === 1 ? parts[0]! : Buffer.concat(parts, len));
  await Promise.all(pending);
  return offset;
}

/** Runs `fn` over `items`, at most `limit` at once; fails with the first error after all settle. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed)
      await fn(items[next++]!).catch((err: unknown) => {
        failed = true;
        throw err;
      });
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const first = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (first) throw first.reason;
}
