/**
 * The snapshotter contract, after containerd's snapshots.Snapshotter.
 *
 * A layer is built by preparing an active snapshot on top of a committed parent,
 * writing into its mounts, and committing it under a name:
 *
 *   const mounts = await s.prepare(ns, 'extract-1', 'sha256:parentChainId');
 *   // mount, apply the layer tar, unmount
 *   await s.commit(ns, 'sha256:chainId', 'extract-1');
 *
 * A container's rootfs is an active snapshot prepared on the image's top layer;
 * a view is a read-only snapshot for inspection. Keys and names share one space
 * per namespace. Remove refuses a snapshot that still has children.
 */
import type { Labels } from '@berth/labels';
import type { Info, Mount, Usage } from './types.js';

export interface Snapshotter {
  /** Info for a key or name; NotFound when absent. */
  stat(ns: string, key: string): Promise<Info>;
  /** Updates labels by field mask; NotFound when absent. */
  update(ns: string, info: Pick<Info, 'name' | 'labels'>, paths?: string[]): Promise<Info>;
  /** Disk usage of the snapshot's own layer. */
  usage(ns: string, key: string): Promise<Usage>;
  /** Mounts of an active snapshot or view. FailedPrecondition for committed ones. */
  mounts(ns: string, key: string): Promise<Mount[]>;
  /** Creates an active snapshot; AlreadyExists for a used key; NotFound/FailedPrecondition for a bad parent. */
  prepare(ns: string, key: string, parent?: string, labels?: Labels): Promise<Mount[]>;
  /** Creates a read-only view of `parent`. */
  view(ns: string, key: string, parent?: string, labels?: Labels): Promise<Mount[]>;
  /** Turns the active snapshot `key` into the committed snapshot `name`. */
  commit(ns: string, name: string, key: string, labels?: Labels): Promise<void>;
  /** Removes a snapshot; FailedPrecondition while it has children. */
  remove(ns: string, key: string): Promise<void>;
  /** Lists snapshots matching any filter (containerd syntax: name, parent, kind, labels.*). */
  list(ns: string, filters?: string[]): AsyncIterable<Info>;
  /** Removes on-disk leftovers that no snapshot owns (after crashes). */
  cleanup(): Promise<void>;
}
