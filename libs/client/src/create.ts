/**
 * `docker create` as a library: resolve (and maybe pull) the image, prepare the
 * container's snapshot on its top layer, build the OCI spec from the run options
 * and the image config, and record the container with berth's labels. Nothing
 * is left behind when any step fails.
 */
import { hostname } from 'node:os';
import { isAlreadyExists, isNotFound } from '@berth/errdefs';
import { unary } from '@berth/grpc';
import { buildSpec, type RunOptions } from '@berth/oci-spec';
import type { Mount, Platform } from '@berth/proto/types';
import { RUNTIME_NAME, SNAPSHOTTER, SPEC_TYPE_URL, type Clients } from './clients.js';
import { generateId, generateName } from './ids.js';
import { resolveImage, type PullHooks, type PullPolicy } from './image.js';
import { containerLabels, type LogOptions, type RuntimeName } from './labels.js';
import { readSnapshotFile } from './rootfs-files.js';

export interface CreateOptions extends PullHooks {
  /** The image as the user typed it (`busybox`, `127.0.0.1:5000/x:1`). */
  image: string;
  /** The docker name; generated (`adjective_surname`) when absent. */
  name?: string;
  options: RunOptions;
  /** User labels (`--label`). */
  labels?: Readonly<Record<string, string>>;
  runtime?: RuntimeName;
  logOpts?: LogOptions;
  /** `--rm`: recorded as a label; the caller removes the container after it exits. */
  autoRemove?: boolean;
  pull?: PullPolicy;
  platform?: Platform;
}

export interface Created {
  id: string;
  name: string;
}

const NAME_RETRIES = 3;

/**
 * Creates a container (docker semantics) and returns its id and name.
 *
 * @throws InvalidArgument for bad options (before anything is created), NotFound for a missing
 *   image that may not be pulled, AlreadyExists (docker's Conflict message) for a taken name.
 */
export async function createContainer(c: Clients, o: CreateOptions): Promise<Created> {
  const img = await resolveImage(c, o.image, o);
  const id = generateId();
  const labelsFor = (name: string) =>
    containerLabels({
      name,
      image: o.image,
      options: o.options,
      imageConfig: img.config,
      labels: o.labels,
      runtime: o.runtime,
      logOpts: o.logOpts,
      autoRemove: o.autoRemove,
    });
  const ctx = { id, namespace: c.opts.ns, hostHostname: hostname() };
  // Fail on bad options before preparing anything: the user and groups need the image's files,
  // everything else can be checked now.
  labelsFor(o.name ?? 'x');
  buildSpec({ ...o.options, user: '', groupAdd: undefined }, img.config, ctx);

  const { mounts } = await unary(
    c.snapshots,
    c.snapshots.prepare,
    { snapshotter: SNAPSHOTTER, key: id, parent: img.chainId, labels: {} },
    c.opts,
  );
  try {
    const [passwd, group] = await imageUserFiles(mounts);
    const spec = buildSpec(o.options, img.config, { ...ctx, passwd, group });
    const value = Buffer.from(JSON.stringify(spec));
    for (let attempt = 0; ; attempt++) {
      const name = o.name ?? generateName(attempt);
      try {
        await unary(
          c.containers,
          c.containers.create,
          {
            container: {
              id,
              labels: labelsFor(name),
              image: img.name,
              runtime: { name: RUNTIME_NAME, options: undefined },
              spec: { typeUrl: SPEC_TYPE_URL, value },
              snapshotter: SNAPSHOTTER,
              snapshotKey: id,
              createdAt: undefined,
              updatedAt: undefined,
              extensions: {},
            },
          },
          c.opts,
        );
        return { id, name };
      } catch (err) {
        // A generated name that is taken: pick another, as docker does.
        if (o.name !== undefined || !isAlreadyExists(err) || attempt >= NAME_RETRIES) throw err;
      }
    }
  } catch (err) {
    await removeSnapshot(c, id).catch(() => undefined);
    throw err;
  }
}

/** /etc/passwd and /etc/group of the prepared snapshot (undefined when absent). */
export async function imageUserFiles(mounts: readonly Mount[]): Promise<[string?, string?]> {
  return Promise.all([readSnapshotFile(mounts, '/etc/passwd'), readSnapshotFile(mounts, '/etc/group')]);
}

/** Removes a container's snapshot; one that is already gone is fine. */
export async function removeSnapshot(c: Clients, key: string): Promise<void> {
  try {
    await unary(c.snapshots, c.snapshots.remove, { snapshotter: SNAPSHOTTER, key }, c.opts);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
