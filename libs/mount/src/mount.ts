/**
 * Mounting containerd Mount descriptions on the host (the diff service's temp
 * mounts, the runtime's rootfs, volumes with local-driver options). `bind` and
 * `overlay` are what berth's snapshotter returns; any other type is mounted as
 * mount(8) would: known option words become flags, the rest filesystem data.
 */
import { mkdtemp, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as c, mount, umount2 } from '@berth/native';
import { notImplemented, invalidArgument } from '@berth/errdefs';
import type { Mount } from '@berth/snapshots';
import { compactLowerdirs, parseOptions } from './options.js';

const PAGE = 4096;

function mountOne(m: Mount, target: string): void {
  const o = parseOptions(m.options, c);
  if (m.type === 'bind') {
    mount(m.source, target, null, o.flags | c.MS_BIND, null);
    // A read-only bind needs a second, remounting call: the first ignores MS_RDONLY.
    if (o.readonly)
      mount(null, target, null, c.MS_REMOUNT | c.MS_BIND | c.MS_RDONLY | (o.flags & c.MS_REC), null);
  } else if (m.type === 'overlay') {
    const { data, cwd } = compactLowerdirs(o.data, PAGE - 1);
    if (data.join(',').length >= PAGE)
      throw invalidArgument(`overlay options exceed one page even when compacted`);
    const prev = process.cwd();
    // NOTE: relative lowerdirs resolve against the cwd at mount(2) time. chdir is process-wide,
    // but mount() is synchronous, so no other code runs between the two chdirs.
    if (cwd) process.chdir(cwd);
    try {
      mount('overlay', target, 'overlay', o.flags, data.join(','));
    } finally {
      if (cwd) process.chdir(prev);
    }
  } else if (/^[a-z0-9._-]+$/.test(m.type) && m.type !== 'none') {
    // Any other filesystem (tmpfs, and what a volume's local-driver options name), as mount(8).
    mount(m.source, target, m.type, o.flags, o.data.length ? o.data.join(',') : null);
  } else throw notImplemented(`mount type ${JSON.stringify(m.type)} is not supported`);
  if (o.propagation) mount(null, target, null, o.propagation, null);
}

/** Mounts `mounts` in order on `target`. */
export function mountAll(mounts: readonly Mount[], target: string): void {
  for (const m of mounts) mountOne(m, target);
}

/** Unmounts `target`, lazily if it is busy. */
export function unmount(target: string): void {
  try {
    umount2(target, 0);
  } catch {
    umount2(target, c.MNT_DETACH);
  }
}

/**
 * Mounts on a fresh temp dir, runs `fn`, and always unmounts and removes the dir.
 * No mounts at all (the empty side of a diff) gives an empty directory.
 */
export async function withTempMount<T>(
  mounts: readonly Mount[],
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-mount-'));
  try {
    if (mounts.length === 0) return await fn(dir);
    mountAll(mounts, dir);
    try {
      return await fn(dir);
    } finally {
      unmount(dir);
    }
  } finally {
    await rmdir(dir).catch(() => undefined);
  }
}
