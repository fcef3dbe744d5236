/**
 * `berth image prune`: removes what no image in the namespace needs. Every
 * image record is walked (index → every platform's manifest present → config
 * and layers), giving the content digests and the snapshot chain IDs in use.
 * Committed snapshots outside that set go (children first, never one under a
 * snapshot that stays), then content blobs outside it — keeping blobs with
 * containerd.io/gc.root, those their labels refer to (gc.ref.content.*), and
 * any an ingest in progress is writing.
 */
import { humanSize } from '@berth/cli-kit';
import { isNotFound } from '@berth/errdefs';
import {
  chainIds,
  isIndex,
  isManifest,
  parseConfig,
  parseIndex,
  parseManifest,
  type Descriptor,
} from '@berth/image';
import type { Context } from '../../context.js';
import { openContent } from '../content/store.js';
import { GC_ROOT, openSnapshots } from '../snapshots/client.js';
import { listImages, openImageClients } from './lib.js';

const REF_CONTENT = 'containerd.io/gc.ref.content';
const REF_SNAPSHOT = 'containerd.io/gc.ref.snapshot.';

export async function run(ctx: Context): Promise<void> {
  const ns = ctx.namespace;
  const content = openContent(ctx);
  const snapshots = openSnapshots(ctx);
  const keepBlobs = new Set<string>();
  const keepSnaps = new Set<string>();

  const read = async (digest: string): Promise<Buffer | undefined> => {
    const parts: Uint8Array[] = [];
    try {
      for await (const p of content.read(ns, digest)) parts.push(p);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    return Buffer.concat(parts);
  };
  const walk = async (d: Pick<Descriptor, 'mediaType' | 'digest'>): Promise<void> => {
    if (keepBlobs.has(d.digest)) return;
    keepBlobs.add(d.digest);
    if (!isIndex(d.mediaType) && !isManifest(d.mediaType)) return;
    const bytes = await read(d.digest);
    if (!bytes) return;
    if (isIndex(d.mediaType)) {
      for (const m of parseIndex(bytes, d.mediaType, d.digest).manifests) await walk(m);
      return;
    }
    const m = parseManifest(bytes, d.mediaType, d.digest);
    for (const l of m.layers) keepBlobs.add(l.digest);
    keepBlobs.add(m.config.digest);
    const cfg = await read(m.config.digest);
    if (cfg) for (const id of chainIds(parseConfig(cfg, m.config.digest).rootfs.diff_ids)) keepSnaps.add(id);
  };
  for (const img of await listImages(ctx, openImageClients(ctx))) if (img.target) await walk(img.target);

  let reclaimed = 0;
  // Content: what the images use, roots, what kept blobs' labels refer to, ingests in flight.
  const blobs: { digest: string; size: number; labels: Record<string, string> }[] = [];
  for await (const info of content.list(ns)) blobs.push(info);
  for (const st of await content.listStatuses(ns)) if (st.expected) keepBlobs.add(st.expected);
  for (const b of blobs) if (GC_ROOT in b.labels) keepBlobs.add(b.digest);
  const labelsOf = new Map(blobs.map((b) => [b.digest, b.labels]));
  const queue = [...keepBlobs];
  for (let d = queue.pop(); d !== undefined; d = queue.pop())
    for (const [k, v] of Object.entries(labelsOf.get(d) ?? {}))
      if (k.startsWith(REF_CONTENT) && !keepBlobs.has(v)) {
        keepBlobs.add(v);
        queue.push(v);
      }
  // Snapshots that kept blobs point at (a config's gc.ref.snapshot.<snapshotter> label) stay too.
  for (const d of keepBlobs)
    for (const [k, v] of Object.entries(labelsOf.get(d) ?? {}))
      if (k.startsWith(REF_SNAPSHOT)) keepSnaps.add(v);

  // Snapshots: committed ones no image needs, unless something that stays builds on them.
  const snaps = await snapshots.list();
  const byName = new Map(snaps.map((s) => [s.name, s]));
  const stays = (s: { name: string; kind: string; labels: Record<string, string> }) =>
    s.kind !== 'Committed' || keepSnaps.has(s.name) || GC_ROOT in s.labels;
  const needed = new Set<string>();
  for (const s of snaps)
    if (stays(s)) for (let p = s.parent; p && !needed.has(p); p = byName.get(p)?.parent ?? '') needed.add(p);
  const depth = (name: string) => {
    let n = 0;
    for (let p = byName.get(name)?.parent; p; p = byName.get(p)?.parent) n++;
    return n;
  };
  const doomed = snaps
    .filter((s) => !stays(s) && !needed.has(s.name))
    .sort((a, b) => depth(b.name) - depth(a.name));
  for (const s of doomed) {
    const usage = await snapshots.usage(s.name).catch(() => ({ size: 0 }));
    await snapshots.remove(s.name);
    reclaimed += Number(usage.size);
    ctx.stdout.write(`Deleted: snapshot ${s.name}\n`);
  }

  for (const b of blobs) {
    if (keepBlobs.has(b.digest)) continue;
    await content.delete(ns, b.digest).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    reclaimed += b.size;
    ctx.stdout.write(`Deleted: ${b.digest}\n`);
  }
  ctx.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
}
