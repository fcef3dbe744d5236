/**
 * Mount descriptions for overlay snapshots, in the shapes containerd's overlay
 * snapshotter returns (clients such as ctr depend on them):
 * - no parent: a bind of the snapshot's own fs (rw for active, ro for a view);
 * - a view of exactly one parent: a read-only bind of that parent's fs;
 * - otherwise overlay with lowerdirs nearest-parent first; views have no upper/work.
 * Lower layers are named through their short links (<root>/l/<id>), as Docker's
 * overlay2 does, so that deep chains stay within the mount option page once the
 * mounter switches into <root>/l and uses relative names (see @berth/mount).
 */
import type { Mount } from '@berth/snapshots';

export interface Layout {
  fs(id: number): string;
  work(id: number): string;
  link(id: number): string;
}

export function overlayMounts(
  layout: Layout,
  kind: 'active' | 'view',
  id: number,
  parentIds: number[],
): Mount[] {
  const ro = kind === 'view';
  if (parentIds.length === 0)
    return [{ type: 'bind', source: layout.fs(id), options: [ro ? 'ro' : 'rw', 'rbind'] }];
  if (ro && parentIds.length === 1)
    return [{ type: 'bind', source: layout.fs(parentIds[0]!), options: ['ro', 'rbind'] }];
  const lowerdir = `lowerdir=${parentIds.map((p) => layout.link(p)).join(':')}`;
  const options = ro
    ? ['index=off', lowerdir]
    : ['index=off', `workdir=${layout.work(id)}`, `upperdir=${layout.fs(id)}`, lowerdir];
  return [{ type: 'overlay', source: 'overlay', options }];
}
