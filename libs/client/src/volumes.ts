/**
 * docker's volume flags on the client side — only what docker's client does itself: relative
 * bind sources made absolute, every string checked (so a malformed one fails before anything
 * is created) and passed on as typed in the io.berth.volumes label; berth-runtime resolves
 * them at the first start. Plus `rm -v`: the anonymous volumes a container leaves behind.
 */
import { isFailedPrecondition, isNotFound } from '@berth/errdefs';
import { unary, type CallOpts } from '@berth/grpc';
import { absolutizeBind, absolutizeMount } from '@berth/oci-spec';
import type { VolumesClient } from '@berth/proto/berth/volumes/v1';

/** `-v/--volume`, `--mount` and `--volumes-from`, as typed. */
export interface VolumeFlags {
  binds?: readonly string[];
  mounts?: readonly string[];
  volumesFrom?: readonly string[];
}

/** The flags with `./relative` bind sources made absolute against `cwd` (docker 23+'s client). */
export function volumeFlags(f: VolumeFlags, cwd: string = process.cwd()): VolumeFlags {
  return {
    binds: (f.binds ?? []).map((b) => absolutizeBind(b, cwd)),
    mounts: (f.mounts ?? []).map((m) => absolutizeMount(m, cwd)),
    volumesFrom: [...(f.volumesFrom ?? [])],
  };
}

/** The anonymous volumes container `id` refers to (for `rm -v`, read before removing it). */
export async function anonymousVolumesOf(v: VolumesClient, opts: CallOpts, id: string): Promise<string[]> {
  const { volumes } = await unary(v, v.list, { filters: [] }, opts);
  return volumes.filter((x) => x.anonymous && x.containers.includes(id)).map((x) => x.name);
}

/**
 * Removes volumes, as docker's `rm -v` does: one that is gone, or still used by another
 * container (`--volumes-from`), is left alone.
 */
export async function removeVolumes(
  v: VolumesClient,
  opts: CallOpts,
  names: readonly string[],
): Promise<void> {
  for (const name of names) {
    try {
      await unary(v, v.delete, { name, force: false }, opts);
    } catch (err) {
      if (!isNotFound(err) && !isFailedPrecondition(err)) throw err;
    }
  }
}
