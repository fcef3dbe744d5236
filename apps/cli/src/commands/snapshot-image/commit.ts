/**
 * `berth commit [-a AUTHOR] [-m MESSAGE] [-c CHANGE]… [--no-pause] CONTAINER [REPOSITORY[:TAG]]`:
 * a new image from a container's changes, as docker commit.
 *
 * 1. The container's record names its snapshot, whose parent is the top chain ID of
 *    the image it was made from; that image is found (by the container's image name,
 *    else by any image with that chain) for its manifest and config.
 * 2. Diff.Diff(left = a temporary view of the parent, right = the container's mounts)
 *    writes the new gzip layer (the overlay upper dir, whiteouts included) and labels
 *    it with its diffID. A running container is paused meanwhile (unless --no-pause).
 * 3. The config (base + diffID + history entry + `-c` changes) and the manifest (the
 *    base's format, with containerd's GC labels) are stored; the image is recorded
 *    and unpacked so it can be run. Prints `sha256:<config digest>`, the image ID.
 *
 * All of it happens under one lease, so a GC pass in between keeps the blobs; on any
 * failure the blobs this command created are deleted and the record is left as it was.
 * Without REPOSITORY the image is recorded as `moby-dangling@<manifest digest>`.
 *
 * Deviation from docker: the new image's run defaults are the base image's plus the
 * `-c` changes; the container's own command and `-e` variables are not carried over
 * (berth records containers as OCI specs, where an entrypoint and a command are no
 * longer told apart).
 */
import { unary } from '@berth/grpc';
import { failedPrecondition, isInvalidArgument, isNotFound } from '@berth/errdefs';
import { chainIds, MediaType, UNCOMPRESSED_LABEL, type ImageConfig, type Manifest } from '@berth/image';
import { Status } from '@berth/proto/types';
import type { Container } from '@berth/proto/containers/v1';
import type { Mount } from '@berth/proto/types';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { applyChanges, parseChanges } from './changes.js';
import { commitConfig, formatOf, imageBlobs, layerMediaType } from './build-image.js';
import { Engine, SNAPSHOTTER, randomSuffix } from './engine.js';
import { checkImageName } from './pure.js';

interface CommitOptions {
  author?: string;
  message?: string;
  change?: string[];
  pause?: boolean;
}

/** The image a container was made from, as Transfer.Inspect describes it. */
interface Base {
  name: string;
  manifest: Manifest;
  config: ImageConfig;
}

export async function run(
  ctx: Context,
  [ref, repository]: [string, string | undefined],
  opts: CommitOptions,
): Promise<void> {
  const changes = asUsage(() => parseChanges(opts.change ?? []));
  asUsage(() => checkImageName(repository));
  const e = new Engine(ctx);
  const container = await e.container(ref);
  const snapshotter = container.snapshotter || SNAPSHOTTER;
  const key = container.snapshotKey;
  if (!key) throw failedPrecondition(`container ${container.id} has no snapshot to commit`);
  const { info } = await unary(e.snapshots, e.snapshots.stat, { snapshotter, key }, e.opts());
  const parent = info?.parent ?? '';
  const base = await findBase(e, container, parent);
  const runConfig = asUsage(() => applyChanges(base.config.config, changes));
  const format = formatOf(base.manifest.mediaType);

  const configDigest = await e.withLease('commit', async () => {
    try {
      const started = new Date();
      const layer = await pausedWhile(e, container.id, opts.pause !== false, () =>
        diffContainer(
          e,
          snapshotter,
          key,
          parent,
          `berth-commit-${container.id.slice(0, 12)}-${randomSuffix()}`,
        ),
      );
      const layerInfo = await e.noteCreated(layer.digest, started);
      const diffId = layerInfo.labels[UNCOMPRESSED_LABEL];
      if (!diffId) throw failedPrecondition(`the diff of ${container.id} has no ${UNCOMPRESSED_LABEL} label`);
      const descriptor = {
        mediaType: layerMediaType(format, 'gzip'),
        digest: layer.digest,
        size: layer.size,
      };
      const config = commitConfig(
        base.config,
        { descriptor, diffId },
        {
          created: new Date(),
          createdBy: commandOf(container),
          config: runConfig,
          ...(opts.author ? { author: opts.author } : {}),
          ...(opts.message ? { comment: opts.message } : {}),
        },
      );
      return await e.storeImage(
        repository,
        imageBlobs(format, config, [...base.manifest.layers, descriptor]),
      );
    } catch (err) {
      await e.discardCreated();
      throw err;
    }
  });
  ctx.stdout.write(`${configDigest}\n`);
}

/** The changes of snapshot `key` against its parent, as a new gzip layer blob. */
async function diffContainer(e: Engine, snapshotter: string, key: string, parent: string, ref: string) {
  const right = (await unary(e.snapshots, e.snapshots.mounts, { snapshotter, key }, e.opts())).mounts;
  const view = `berth-commit-view-${randomSuffix()}`;
  let left: Mount[] = [];
  if (parent !== '')
    left = (
      await unary(e.snapshots, e.snapshots.view, { snapshotter, key: view, parent, labels: {} }, e.opts())
    ).mounts;
  try {
    const { diff } = await unary(
      e.diff,
      e.diff.diff,
      { left, right, mediaType: MediaType.OciLayerGzip, ref, labels: {} },
      e.opts(),
    );
    if (!diff) throw failedPrecondition('the diff service returned no layer');
    return diff;
  } finally {
    if (parent !== '')
      await unary(e.snapshots, e.snapshots.remove, { snapshotter, key: view }, e.opts()).catch(
        () => undefined,
      );
  }
}

/** Runs `fn` with the container's task paused when it is running and `pause` is set. */
async function pausedWhile<T>(e: Engine, id: string, pause: boolean, fn: () => Promise<T>): Promise<T> {
  if (!pause) return fn();
  let running = false;
  try {
    const { process } = await unary(e.tasks, e.tasks.get, { containerId: id, execId: '' }, e.opts());
    running = process?.status === Status.RUNNING;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!running) return fn();
  await unary(e.tasks, e.tasks.pause, { containerId: id }, e.opts());
  try {
    return await fn();
  } finally {
    await unary(e.tasks, e.tasks.resume, { containerId: id }, e.opts());
  }
}

/** docker's "created by" of a commit: the container's command. */
function commandOf(c: Container): string {
  try {
    const spec = JSON.parse(Buffer.from(c.spec?.value ?? []).toString('utf8') || '{}') as {
      process?: { args?: string[] };
    };
    return (spec.process?.args ?? []).join(' ');
  } catch {
    return '';
  }
}

/**
 * The image whose layers the container's snapshot is on: the container's image when its
 * top chain ID is the snapshot's parent, else any image with that chain (the name may have
 * moved to another image since). FailedPrecondition when none has it any more.
 */
async function findBase(e: Engine, c: Container, parent: string): Promise<Base> {
  const matches = (b: Base) => (chainIds(b.config.rootfs.diff_ids).at(-1) ?? '') === parent;
  if (c.image) {
    const b = await inspect(e, c.image).catch((err: unknown) => {
      if (isNotFound(err) || isInvalidArgument(err)) return undefined;
      throw err;
    });
    if (b && matches(b)) return b;
  }
  const { images } = await unary(e.images, e.images.list, { filters: [] }, e.opts());
  for (const img of images) {
    const b = await inspect(e, img.name).catch(() => undefined);
    if (b && matches(b)) return b;
  }
  throw failedPrecondition(
    `cannot commit ${c.id}: no image has the layers it was created from (image ${c.image || 'unknown'}, ` +
      `snapshot parent ${parent || 'none'})`,
  );
}

async function inspect(e: Engine, reference: string): Promise<Base> {
  const r = await unary(e.transfer, e.transfer.inspect, { reference, platform: undefined }, e.opts());
  const manifest = JSON.parse(r.manifestJson.toString('utf8')) as Manifest;
  const mediaType = manifest.mediaType || r.manifest?.mediaType || MediaType.OciManifest;
  return {
    name: r.name,
    manifest: { ...manifest, mediaType },
    config: JSON.parse(r.configJson.toString('utf8')) as ImageConfig,
  };
}
