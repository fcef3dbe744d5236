/**
 * The edges an image's own blobs make, read from their bytes: index →
 * manifests, manifest → config and layers, config → the chain IDs of its
 * layers. Blobs written by berth and ctr carry the same references as gc.ref
 * labels; this keeps images whose blobs carry none (older records, hand-made
 * images) whole, as `berth image prune` always did.
 */
import type { ContentStore } from '@berth/content';
import { isNotFound } from '@berth/errdefs';
import { chainIds, isIndex, isManifest, parseConfig, parseIndex, parseManifest } from '@berth/image';
import type { Logger } from '@berth/log';
import { readBlob } from '../resolve.js';
import type { Ref } from './labels.js';

interface Desc {
  mediaType: string;
  digest: string;
}

/** Edges from every blob reachable from `targets` through the image structure; only blobs in `have` are read. */
export async function imageEdges(
  content: ContentStore,
  ns: string,
  targets: readonly Desc[],
  have: ReadonlySet<string>,
  log: Logger,
): Promise<Map<string, Ref[]>> {
  const edges = new Map<string, Ref[]>();
  const read = async (digest: string): Promise<Buffer | undefined> => {
    try {
      return await readBlob(content, ns, digest);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const walk = async (d: Desc): Promise<void> => {
    if (edges.has(d.digest) || !have.has(d.digest)) return;
    edges.set(d.digest, []);
    if (!isIndex(d.mediaType) && !isManifest(d.mediaType)) return;
    const bytes = await read(d.digest);
    if (!bytes) return;
    try {
      if (isIndex(d.mediaType)) {
        const idx = parseIndex(bytes, d.mediaType, d.digest);
        edges.set(
          d.digest,
          idx.manifests.map((m) => ({ kind: 'content', id: m.digest })),
        );
        for (const m of idx.manifests) await walk(m);
        return;
      }
      const m = parseManifest(bytes, d.mediaType, d.digest);
      edges.set(d.digest, [
        { kind: 'content', id: m.config.digest },
        ...m.layers.map((l): Ref => ({ kind: 'content', id: l.digest })),
      ]);
      if (edges.has(m.config.digest) || !have.has(m.config.digest)) return;
      const cfg = await read(m.config.digest);
      edges.set(
        m.config.digest,
        cfg
          ? chainIds(parseConfig(cfg, m.config.digest).rootfs.diff_ids).map((id): Ref => ({
              kind: 'snapshot',
              id,
            }))
          : [],
      );
    } catch (err) {
      if (isNotFound(err)) return;
      // A blob that does not parse references nothing beyond its labels.
      log.debug({ ns, digest: d.digest, err }, 'gc: image blob not walked');
    }
  };
  for (const t of targets) await walk(t);
  return edges;
}
