/**
 * Transfer.Push: uploads a local image to a registry. Blobs first (config and
 * layers of every manifest present locally), each skipped when the repository
 * has it, mounted across repositories when its `containerd.io/distribution.source.<host>`
 * label names another repository on the same registry, uploaded otherwise; then
 * the manifests by digest and the root (manifest or index) under the tag.
 */
import { Readable } from 'node:stream';
import type { Progress, PushRequest } from '@berth/proto/berth/images/v1';
import { found, invalidArgument } from '@berth/errdefs';
import {
  distributionSourceLabel,
  formatReference,
  isIndex,
  normalizeReference,
  parseIndex,
  parseManifest,
  type Descriptor,
  type Reference,
} from '@berth/image';
import type { CallContext } from '@berth/grpc';
import type { TransferDeps } from './deps.js';
import { findImage } from './inspect.js';
import { readBlob } from './resolve.js';
import { registryClient } from './registry.js';
import { progress, streamWhile, throttled, type Emit } from './progress.js';

const CONCURRENCY = 3;

export function push(deps: TransferDeps, req: PushRequest, ctx: CallContext): AsyncGenerator<Progress> {
  return streamWhile((emit) => pushImage(deps, req, ctx, emit), ctx.signal);
}

async function pushImage(deps: TransferDeps, req: PushRequest, ctx: CallContext, emit: Emit): Promise<void> {
  const img = await findImage(deps, ctx.ns, req.reference);
  const dest = normalizeReference(req.destination || req.reference);
  const tag = dest.digest ?? dest.tag ?? 'latest';
  const name = formatReference(dest);
  const client = registryClient(deps, dest.domain, req.auth);
  const signal = ctx.signal;
  try {
    // The manifests to push: the target, or every platform manifest of an index we have.
    const manifests: Descriptor[] = [];
    const rootJson = await readBlob(deps.content, ctx.ns, img.target.digest);
    if (isIndex(img.target.mediaType)) {
      const index = parseIndex(rootJson, img.target.mediaType, img.target.digest);
      for (const m of index.manifests)
        if (await found(deps.content.info(ctx.ns, m.digest))) manifests.push(m);
      if (!manifests.length)
        throw invalidArgument(`${img.name}: none of the index's manifests is in the content store`);
    } else manifests.push(img.target);

    const blobs = new Map<string, Descriptor>();
    const configs = new Set<string>();
    const manifestJson = new Map<string, Buffer>();
    for (const m of manifests) {
      const json = m === img.target ? rootJson : await readBlob(deps.content, ctx.ns, m.digest);
      manifestJson.set(m.digest, json);
      const manifest = parseManifest(json, m.mediaType, m.digest);
      configs.add(manifest.config.digest);
      for (const b of [manifest.config, ...manifest.layers]) blobs.set(b.digest, b);
    }
    const blobRef = (b: Descriptor) => `${configs.has(b.digest) ? 'config' : 'layer'}-${b.digest}`;
    for (const b of blobs.values()) emit(progress(blobRef(b), 'waiting', 0, b.size));

    const items = [...blobs.values()];
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < items.length && !failed) {
        const b = items[next++]!;
        await pushBlob(deps, client, ctx.ns, dest, b, blobRef(b), emit, signal).catch((err: unknown) => {
          failed = true;
          throw err;
        });
      }
    };
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker),
    );
    const first = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (first) throw first.reason;

    const isIdx = isIndex(img.target.mediaType);
    for (const m of manifests) {
      const ref = `manifest-${m.digest}`;
      emit(progress(ref, 'uploading', 0, m.size));
      // Under an index, platform manifests go by digest; a lone manifest goes under the tag.
      await client.pushManifest(
        dest.domain,
        dest.path,
        isIdx ? m.digest : tag,
        manifestJson.get(m.digest)!,
        m.mediaType,
        {
          signal,
        },
      );
      emit(progress(ref, 'done', m.size, m.size));
    }
    if (isIdx) {
      const ref = `index-${img.target.digest}`;
      emit(progress(ref, 'uploading', 0, img.target.size));
      await client.pushManifest(dest.domain, dest.path, tag, rootJson, img.target.mediaType, { signal });
      emit(progress(ref, 'done', img.target.size, img.target.size));
    }
    emit({
      ref: name,
      status: 'done',
      offset: 0,
      total: 0,
      image: { ...img.target, annotations: { ...img.target.annotations } },
      name,
    });
  } finally {
    client.close();
  }
}

/** The repository on `dest`'s registry this blob came from, other than `dest`'s, if its labels say. */
function mountSource(labels: Record<string, string>, dest: Reference): string | undefined {
  const key = Object.keys(distributionSourceLabel(dest))[0] ?? '';
  const repos = (labels[key] ?? '').split(',').filter(Boolean);
  return repos.find((r) => r !== dest.path);
}

async function pushBlob(
  deps: TransferDeps,
  client: ReturnType<typeof registryClient>,
  ns: string,
  dest: Reference,
  b: Descriptor,
  ref: string,
  emit: Emit,
  signal: AbortSignal,
): Promise<void> {
  const say = throttled(emit);
  const info = await deps.content.info(ns, b.digest);
  const mountFrom = mountSource(info.labels, dest);
  const open = (offset: number) => Readable.from(deps.content.read(ns, b.digest, offset));
  const result = await client.pushBlob(dest.domain, dest.path, b.digest, b.size, open, {
    signal,
    ...(mountFrom ? { mountFrom } : {}),
    onProgress: (n) => say(progress(ref, 'uploading', n, b.size)),
  });
  say(progress(ref, result === 'uploaded' ? 'done' : result, b.size, b.size));
  // Record that the repository now has the blob, for later mounts and pulls.
  const labels = distributionSourceLabel(dest, info.labels);
  const changed = Object.entries(labels).filter(([k, v]) => info.labels[k] !== v);
  if (changed.length)
    await deps.content.update(
      ns,
      { digest: b.digest, labels },
      changed.map(([k]) => `labels.${k}`),
    );
}
