/**
 * What commit, export and import share: the gRPC clients, a lease that keeps
 * everything they write alive until the image is recorded (and expires by
 * itself if the CLI dies), blobs written and — on failure — deleted again,
 * containers resolved by name or ID, and recording + unpacking a new image with
 * a rollback when the unpack fails.
 */
import { randomBytes } from 'node:crypto';
import { ContainersClient, type Container } from '@berth/proto/containers/v1';
import { RuntimeClient } from '@berth/proto/berth/runtime/v1';
import { DiffClient } from '@berth/proto/diff/v1';
import { ImagesClient, type Image } from '@berth/proto/images/v1';
import { LeasesClient } from '@berth/proto/leases/v1';
import { SnapshotsClient } from '@berth/proto/snapshots/v1';
import { TasksClient } from '@berth/proto/tasks/v1';
import { TransferClient } from '@berth/proto/berth/images/v1';
import { unary, type CallOpts } from '@berth/grpc';
import { createContentProxy, setBlobLabels, type Info } from '@berth/content';
import { isAlreadyExists, isNotFound } from '@berth/errdefs';
import type { Descriptor } from '@berth/image';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import type { Blob, ImageBlobs } from './build-image.js';
import { imageName } from './pure.js';

/** The snapshotter berth's images are unpacked into (berth-images' SNAPSHOTTER). */
export const SNAPSHOTTER = 'overlayfs';
const GC_EXPIRE = 'containerd.io/gc.expire';
/** A lease outlives a command only if the CLI is killed; then it expires after this long. */
const LEASE_TTL_MS = 60 * 60 * 1000;

export const randomSuffix = () => randomBytes(6).toString('hex');

/** The clients of one command, all on ctx.address, closed when it ends. */
export class Engine {
  readonly ns: string;
  readonly content: ReturnType<typeof createContentProxy>;
  readonly images: ImagesClient;
  readonly transfer: TransferClient;
  readonly snapshots: SnapshotsClient;
  readonly diff: DiffClient;
  readonly leases: LeasesClient;
  readonly containers: ContainersClient;
  readonly tasks: TasksClient;
  readonly runtime: RuntimeClient;
  /** The lease every write of this command is made under, once acquired. */
  lease: string | undefined;
  /** Blobs this command created (not ones that were there already): deleted on failure. */
  readonly created: string[] = [];

  constructor(readonly ctx: Context) {
    this.ns = ctx.namespace;
    this.content = createContentProxy(ctx.address, 'berth');
    ctx.defer(() => this.content.close());
    this.images = openClient(ctx, ImagesClient);
    this.transfer = openClient(ctx, TransferClient);
    this.snapshots = openClient(ctx, SnapshotsClient);
    this.diff = openClient(ctx, DiffClient);
    this.leases = openClient(ctx, LeasesClient);
    this.containers = openClient(ctx, ContainersClient);
    this.tasks = openClient(ctx, TasksClient);
    this.runtime = openClient(ctx, RuntimeClient);
  }

  /** Call options: namespace, --timeout, and the lease when one is held. */
  opts(): CallOpts {
    return { ...this.ctx.callOpts(), ...(this.lease ? { lease: this.lease } : {}) };
  }

  /** Runs `fn` holding a fresh lease, which is deleted afterwards however `fn` ends. */
  async withLease<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const id = `berth-${what}-${randomSuffix()}`;
    const labels = { [GC_EXPIRE]: new Date(Date.now() + LEASE_TTL_MS).toISOString() };
    await unary(this.leases, this.leases.create, { id, labels }, this.ctx.callOpts());
    this.lease = id;
    try {
      return await fn();
    } finally {
      this.lease = undefined;
      await unary(this.leases, this.leases.delete, { id, sync: false }, this.ctx.callOpts()).catch(
        () => undefined,
      );
    }
  }

  /** Stores `blob` with its labels (merged into an existing blob's); remembers it if it is new. */
  async putBlob(blob: Blob): Promise<void> {
    const { digest, size } = blob.descriptor;
    const ref = `berth-blob-${digest.slice(7)}-${randomSuffix()}`;
    let w;
    try {
      w = await this.content.writer(this.ns, { ref, total: size, expected: digest }, this.lease);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return setBlobLabels(this.content, this.ns, digest, blob.labels);
    }
    try {
      await w.write(0, blob.bytes);
      await w.commit(size, digest, blob.labels);
      this.created.push(digest);
    } catch (err) {
      await w.close().catch(() => undefined);
      if (!isAlreadyExists(err)) {
        await this.content.abort(this.ns, ref).catch(() => undefined);
        throw err;
      }
      await setBlobLabels(this.content, this.ns, digest, blob.labels);
    }
  }

  /** Remembers `digest` as made by this command when its record is no older than `since`. */
  async noteCreated(digest: string, since: Date): Promise<Info> {
    const info = await this.content.info(this.ns, digest);
    if (info.createdAt.getTime() >= since.getTime() - 1) this.created.push(digest);
    return info;
  }

  /** Deletes the blobs this command created (best effort: used while failing). */
  async discardCreated(): Promise<void> {
    for (const d of this.created.splice(0).reverse())
      await this.content.delete(this.ns, d).catch(() => undefined);
  }

  /** Resolves a container by ID, name or ID prefix and returns its record. */
  async container(ref: string): Promise<Container> {
    const { id } = await unary(this.runtime, this.runtime.resolve, { ref }, this.opts());
    const { container } = await unary(this.containers, this.containers.get, { id }, this.opts());
    if (!container) throw new Error(`no record for container ${id}`);
    return container;
  }

  /**
   * Stores an image's config and manifest, records it as `repository` (the dangling name
   * when there is none) and unpacks it; returns the config digest (the image ID).
   */
  async storeImage(repository: string | undefined, blobs: ImageBlobs): Promise<string> {
    await this.putBlob(blobs.config);
    await this.putBlob(blobs.manifest);
    await this.recordAndUnpack(
      imageName(repository, blobs.manifest.descriptor.digest),
      blobs.manifest.descriptor,
    );
    return blobs.config.descriptor.digest;
  }

  /**
   * Points `name` at `target`, then unpacks it (Transfer.Unpack) so it can be run. If the
   * unpack fails, the record is put back as it was (removed, or its old target restored).
   */
  async recordAndUnpack(name: string, target: Descriptor): Promise<void> {
    const t = { mediaType: target.mediaType, digest: target.digest, size: target.size, annotations: {} };
    const image: Image = { name, labels: {}, target: t, createdAt: undefined, updatedAt: undefined };
    let previous: Image | undefined;
    try {
      await unary(this.images, this.images.create, { image }, this.opts());
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      previous = (await unary(this.images, this.images.get, { name }, this.opts())).image;
      await unary(this.images, this.images.update, { image, updateMask: ['target'] }, this.opts());
    }
    try {
      await unary(this.transfer, this.transfer.unpack, { reference: name, platform: undefined }, this.opts());
    } catch (err) {
      if (previous)
        await unary(
          this.images,
          this.images.update,
          { image: previous, updateMask: ['target'] },
          this.opts(),
        ).catch(() => undefined);
      else
        await unary(this.images, this.images.delete, { name, sync: false }, this.opts()).catch(
          () => undefined,
        );
      throw err;
    }
  }

  /** Removes snapshot `key`, ignoring NotFound. */
  async removeSnapshot(key: string): Promise<void> {
    try {
      await unary(this.snapshots, this.snapshots.remove, { snapshotter: SNAPSHOTTER, key }, this.opts());
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
