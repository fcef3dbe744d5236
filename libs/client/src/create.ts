/**
 * `docker create` as a library: resolve (and maybe pull) the image, prepare the
 * container's snapshot on its top layer, attach it to its networks (berth-network),
 * build the OCI spec from the run options, the attachment and the image config, and
 * record the container with berth's labels. Nothing is left behind when any step fails.
 */
import { hostname } from 'node:os';
import { isAlreadyExists, isNotFound } from '@berth/errdefs';
import { unary } from '@berth/grpc';
import { buildSpec, linuxResources, type ResourceHost, type RunOptions } from '@berth/oci-spec';
import type { Mount, Platform } from '@berth/proto/types';
import { RUNTIME_NAME, SNAPSHOTTER, SPEC_TYPE_URL, type Clients } from './clients.js';
import { generateId, generateName } from './ids.js';
import { resolveImage, type PullHooks, type PullPolicy } from './image.js';
import { containerLabels, type LabelledFlags } from './labels.js';
import {
  attachNetwork,
  detachNetwork,
  modeLabel,
  planNetwork,
  type Attached,
  type NetworkOptions,
} from './network.js';
import { probeResourceHost } from './resource-host.js';
import { readSnapshotFile } from './rootfs-files.js';

export interface CreateOptions extends PullHooks, LabelledFlags {
  /** The image as the user typed it (`busybox`, `127.0.0.1:5000/x:1`). */
  image: string;
  /** The docker name; generated (`adjective_surname`) when absent. */
  name?: string;
  options: RunOptions;
  /**
   * Networking (`--network`, `-p`, `--dns`…), given by berth-network. Absent: the default
   * mode (`options.networkMode`, else `bridge`) with nothing published.
   */
  network?: NetworkOptions;
  pull?: PullPolicy;
  platform?: Platform;
  /** docker's warnings (`Published ports are discarded when using host network mode`). */
  onWarning?(message: string): void;
  /** The host facts the resource flags are checked against; default: probed here. */
  resourceHost?: ResourceHost;
}

export interface Created {
  id: string;
  name: string;
}

const NAME_RETRIES = 3;

/**
 * Creates a container (docker semantics) and returns its id and name. Its networking comes
 * first (Networks.Attach: namespace, addresses, published ports, /etc files), then the spec
 * joins that namespace and mounts those files; if anything after the attach fails, the
 * attachment is released (Networks.Detach) and the snapshot removed.
 *
 * @throws InvalidArgument for bad options (before anything is created), NotFound for a missing
 *   image that may not be pulled, AlreadyExists (docker's Conflict message) for a taken name,
 *   AlreadyExists `Bind for 0.0.0.0:8080 failed: port is already allocated` for a taken port,
 *   Unavailable (suggesting `--network none`) when berth-network is not there.
 */
export async function createContainer(c: Clients, o: CreateOptions): Promise<Created> {
  const img = await resolveImage(c, o.image, o);
  const id = generateId();
  const netOpts: NetworkOptions = {
    ...o.network,
    defaultMode: o.network?.defaultMode || o.options.networkMode,
  };
  const plan = planNetwork(netOpts, img.config, o.options.hostname);
  for (const w of plan.warnings) o.onWarning?.(w);
  const shared = plan.kind === 'container' ? await sharedContainer(c, plan.target) : undefined;
  const labelsFor = (name: string, portsText = '') =>
    containerLabels({
      name,
      image: o.image,
      options: o.options,
      imageConfig: img.config,
      labels: o.labels,
      runtime: o.runtime,
      logOpts: o.logOpts,
      autoRemove: o.autoRemove,
      restart: o.restart,
      health: o.health,
      volumes: o.volumes,
      network: modeLabel(plan, shared?.id),
      ports: portsText,
    });
  const readOnly = o.options.readOnly === true || o.options.readonlyRootfs === true;
  const optionsWith = (net: Attached): RunOptions => ({
    ...o.options,
    hostname: o.options.hostname || shared?.hostname || undefined,
    networkMode: plan.kind === 'host' ? 'host' : 'none',
    netnsPath: net.netns || undefined,
    // A file the user mounts over /etc/hosts (or resolv.conf, hostname) wins, as in docker.
    mounts: [
      ...(o.options.mounts ?? []),
      ...net.mounts.filter((m) => !o.options.mounts?.some((u) => u.destination === m.destination)),
    ],
  });
  const resourceHost = o.resourceHost ?? probeResourceHost();
  const ctx = { id, namespace: c.opts.ns, hostHostname: hostname(), resourceHost };
  // Fail on bad options before preparing anything: the user and groups need the image's files,
  // everything else can be checked now.
  labelsFor(o.name ?? 'x');
  const placeholder: Attached = { netns: '', mounts: [], ports: [], portsText: '', attached: false };
  buildSpec({ ...optionsWith(placeholder), user: '', groupAdd: undefined }, img.config, ctx);
  for (const w of linuxResources(o.options, resourceHost).warnings) o.onWarning?.(w);

  const { mounts } = await unary(
    c.snapshots,
    c.snapshots.prepare,
    { snapshotter: SNAPSHOTTER, key: id, parent: img.chainId, labels: {} },
    c.opts,
  );
  try {
    const [passwd, group] = await imageUserFiles(mounts);
    for (let attempt = 0; ; attempt++) {
      const name = o.name ?? generateName(attempt);
      const net = await attachNetwork(c, {
        id,
        name,
        plan,
        targetId: shared?.id,
        hostname: o.options.hostname,
        domainname: netOpts.domainname,
        options: netOpts,
        readOnly,
      });
      try {
        const spec = buildSpec(optionsWith(net), img.config, { ...ctx, passwd, group });
        await unary(
          c.containers,
          c.containers.create,
          {
            container: {
              id,
              labels: labelsFor(name, net.portsText),
              image: img.name,
              runtime: { name: RUNTIME_NAME, options: undefined },
              spec: { typeUrl: SPEC_TYPE_URL, value: Buffer.from(JSON.stringify(spec)) },
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
        if (net.attached) await detachNetwork(c, id).catch(() => undefined);
        // A generated name that is taken: pick another, as docker does.
        if (o.name !== undefined || !isAlreadyExists(err) || attempt >= NAME_RETRIES) throw err;
      }
    }
  } catch (err) {
    await removeSnapshot(c, id).catch(() => undefined);
    throw err;
  }
}

/**
 * `--network container:X`: X's id, and its hostname, which the container takes as docker's do
 * (they share X's /etc/hostname too).
 */
async function sharedContainer(c: Clients, ref: string): Promise<{ id: string; hostname: string }> {
  const { id } = await unary(c.runtime, c.runtime.resolve, { ref }, c.opts);
  const { container } = await unary(c.containers, c.containers.get, { id }, c.opts);
  let hostname = '';
  try {
    const spec = JSON.parse(Buffer.from(container?.spec?.value ?? []).toString('utf8')) as {
      hostname?: string;
    };
    hostname = spec.hostname ?? '';
  } catch {
    // A container whose spec is not JSON (another client's): keep the default hostname.
  }
  return { id, hostname };
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
