/**
 * `berth rm [-f] [-v] CONTAINER...`: removes containers with their snapshots; a running one only
 * with -f (killed first); with -v their anonymous volumes too (those no other container uses).
 * Each failure is reported and the rest still go; exit 1 if any failed.
 */
import { anonymousVolumesOf, removeContainer, removeVolumes, resolveContainer } from '@berth/client';
import { VolumesClient } from '@berth/proto/berth/volumes/v1';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { forEach } from '../../each.js';
import { openContainerClients } from './lib.js';

export async function run(
  ctx: Context,
  [refs]: [string[]],
  f: { force?: boolean; volumes?: boolean },
): Promise<number> {
  const c = openContainerClients(ctx);
  const v = f.volumes ? openClient(ctx, VolumesClient) : undefined;
  return forEach(ctx, refs, async (ref) => {
    const { id } = await resolveContainer(c, ref);
    const anonymous = v ? await anonymousVolumesOf(v, c.opts, id) : [];
    await removeContainer(c, id, { force: f.force === true });
    if (v) await removeVolumes(v, c.opts, anonymous);
  });
}
