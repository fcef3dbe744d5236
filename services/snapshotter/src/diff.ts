/**
 * containerd.services.diff.v1.Diff: Apply unpacks a layer blob from the content
 * store into a snapshot's mounts; Diff turns the difference between two mounts
 * into a layer blob in the content store.
 *
 * Apply never mounts: berth's snapshotter hands out either one bind mount (a
 * layer without parent: extract into its directory, whiteouts just delete) or
 * one overlay mount (extract straight into its upperdir, whiteouts become
 * overlay whiteouts), the same shortcut containerd takes on Linux. Mounts that
 * do not point into this snapshotter's own directories are refused, so a client
 * cannot make the service write anywhere else on the host.
 */
import { createHash, randomBytes } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform, pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ApplyRequest, ApplyResponse, DiffRequest, DiffResponse } from '@berth/proto/diff/v1';
import { failedPrecondition, invalidArgument, isAlreadyExists, notImplemented } from '@berth/errdefs';
import { openBlob, parseDigest, WRITE_CHUNK, type ContentStore, type Locator } from '@berth/content';
import type { CallContext } from '@berth/grpc';
import { mountFromProto, type Mount } from '@berth/snapshots';
import { applyLayer, writeLayerFromDiff, writeLayerFromUpper } from '@berth/tar';
import { withTempMount } from '@berth/mount';

export const MEDIA_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const MEDIA_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const UNCOMPRESSED_LABEL = 'containerd.io/uncompressed';

// Layer media types Apply accepts; compression is sniffed from the bytes either way.
const LAYER_TYPES = new Set([
  '',
  MEDIA_TAR,
  MEDIA_TAR_GZIP,
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
]);

const option = (m: Mount, name: string) =>
  m.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);

export class DiffServer {
  constructor(
    private readonly content: ContentStore & Locator,
    /** The snapshotter's root: mounts must point inside <root>/snapshots or <root>/l. */
    private readonly root: string,
  ) {}

  async apply(req: ApplyRequest, ctx: CallContext): Promise<ApplyResponse> {
    const desc = req.diff;
    if (!desc) throw invalidArgument('apply: diff descriptor is required');
    parseDigest(desc.digest);
    if (!LAYER_TYPES.has(desc.mediaType))
      throw notImplemented(`apply: unsupported layer media type ${desc.mediaType}`);
    const target = await this.applyTarget(req.mounts.map(mountFromProto));
    const input = await openBlob(this.content, ctx.ns, desc.digest);
    const r = await applyLayer(input, target.dir, {
      whiteouts: target.whiteouts,
      signal: ctx.signal,
      log: ctx.log,
    });
    return { applied: { mediaType: MEDIA_TAR, digest: r.diffId, size: r.size, annotations: {} } };
  }

  async diff(req: DiffRequest, ctx: CallContext): Promise<DiffResponse> {
    const mediaType = req.mediaType || MEDIA_TAR_GZIP;
    if (mediaType !== MEDIA_TAR && mediaType !== MEDIA_TAR_GZIP)
      throw notImplemented(
        `diff: unsupported media type ${mediaType} (supported: ${MEDIA_TAR}, ${MEDIA_TAR_GZIP})`,
      );
    const left = req.left.map(mountFromProto);
    const right = req.right.map(mountFromProto);
    const upper = await this.upperOf(left, right);
    const write = (tar: Readable) => this.store(ctx, tar, mediaType, req.ref, req.labels);
    const desc = upper
      ? await write(writeLayerFromUpper(upper))
      : await this.ours(left, right).then(() =>
          withTempMount(left, (l) => withTempMount(right, (r) => write(writeLayerFromDiff(l, r)))),
        );
    return { diff: { ...desc, annotations: {} } };
  }

  /** Streams a tar into the content store, compressing as asked, labelled with its diffID. */
  private async store(
    ctx: CallContext,
    tar: Readable,
    mediaType: string,
    ref: string,
    labels: Record<string, string>,
  ) {
    const diffHash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        diffHash.update(chunk);
        cb(null, chunk);
      },
    });
    const w = await this.content.writer(
      ctx.ns,
      { ref: ref || `diff-${Date.now()}-${randomBytes(4).toString('hex')}` },
      ctx.lease,
    );
    try {
      // Callback-style pipeline: returns the last stream, and an error anywhere destroys all of them,
      // so it surfaces in the loop below.
      const out: Readable =
        mediaType === MEDIA_TAR_GZIP
          ? pipeline(tar, hashing, createGzip({ level: 6 }), () => undefined)
          : pipeline(tar, hashing, () => undefined);
      // Starting at 0 also restarts a stale ingest left under a caller-chosen ref.
      let offset = 0;
      let pending: Buffer = Buffer.alloc(0);
      const blobHash = createHash('sha256');
      for await (const chunk of out as AsyncIterable<Buffer>) {
        blobHash.update(chunk);
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        while (pending.length >= WRITE_CHUNK) {
          await w.write(offset, pending.subarray(0, WRITE_CHUNK));
          offset += WRITE_CHUNK;
          pending = pending.subarray(WRITE_CHUNK);
        }
      }
      if (pending.length) {
        await w.write(offset, pending);
        offset += pending.length;
      }
      const diffId = `sha256:${diffHash.digest('hex')}`;
      const digest = `sha256:${blobHash.digest('hex')}`;
      try {
        await w.commit(offset, digest, { ...labels, [UNCOMPRESSED_LABEL]: diffId });
      } catch (err) {
        // The same layer diffed again: the blob is there (the store merged the labels), as containerd's differ allows.
        if (!isAlreadyExists(err)) throw err;
        await w.close().catch(() => undefined);
      }
      return { mediaType, digest, size: offset };
    } catch (err) {
      await w.close();
      throw err;
    }
  }

  /** Where Apply writes, and how whiteouts are represented there. */
  private async applyTarget(mounts: Mount[]): Promise<{ dir: string; whiteouts: 'overlay' | 'remove' }> {
    const [m] = mounts;
    if (mounts.length !== 1 || !m)
      throw invalidArgument(
        `apply: expected exactly one mount from berth's snapshotter, got ${mounts.length}`,
      );
    if (m.type === 'overlay') {
      const upper = option(m, 'upperdir');
      if (!upper)
        throw failedPrecondition(
          'apply: the overlay mount is read-only (no upperdir): prepare an active snapshot',
        );
      return { dir: await this.inside(upper), whiteouts: 'overlay' };
    }
    if (m.type === 'bind') {
      if (m.options.includes('ro'))
        throw failedPrecondition('apply: the bind mount is read-only: prepare an active snapshot');
      return { dir: await this.inside(m.source), whiteouts: 'remove' };
    }
    throw invalidArgument(`apply: mount type ${m.type} is not one berth's snapshotter hands out`);
  }

  /** The overlay upper dir when `right` is `left` plus one upper layer, so the upper is the diff. */
  private async upperOf(left: Mount[], right: Mount[]): Promise<string | undefined> {
    const [r] = right;
    if (right.length !== 1 || r?.type !== 'overlay') return undefined;
    const upper = option(r, 'upperdir');
    const lowers = option(r, 'lowerdir')?.split(':') ?? [];
    if (!upper) return undefined;
    const [l] = left;
    const leftLowers =
      left.length === 0
        ? []
        : left.length === 1 && l?.type === 'bind'
          ? [l.source]
          : left.length === 1 && l?.type === 'overlay' && !option(l, 'upperdir')
            ? (option(l, 'lowerdir')?.split(':') ?? [])
            : undefined;
    if (!leftLowers) return undefined;
    const real = (ps: string[]) => Promise.all(ps.map((p) => realpath(p)));
    const [a, b] = await Promise.all([real(leftLowers), real(lowers)]);
    return a.length === b.length && a.every((p, i) => p === b[i]) ? this.inside(upper) : undefined;
  }

  /** Requires every path the mounts name to be this snapshotter's, as Apply does. */
  private async ours(...sides: Mount[][]): Promise<void> {
    for (const m of sides.flat()) {
      if (m.type === 'bind') await this.inside(m.source);
      else if (m.type === 'overlay')
        for (const key of ['lowerdir', 'upperdir', 'workdir'])
          for (const p of option(m, key)?.split(':') ?? []) await this.inside(p);
      else throw invalidArgument(`diff: mount type ${m.type} is not one berth's snapshotter hands out`);
    }
  }

  /** Resolves `p` and requires it to lie inside this snapshotter's directories. */
  private async inside(p: string): Promise<string> {
    const real = await realpath(p).catch(() => {
      throw invalidArgument(`mount path ${p} does not exist`);
    });
    const base = await realpath(join(this.root, 'snapshots'));
    if (!real.startsWith(base + sep))
      throw invalidArgument(`mount path ${p} is not a snapshot of this snapshotter`);
    return real;
  }
}
