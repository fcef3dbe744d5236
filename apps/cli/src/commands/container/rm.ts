/**
 * `berth rm [-f] CONTAINER...`: removes containers with their snapshots; a running one only
 * with -f (killed first). Each failure is reported and the rest still go; exit 1 if any failed.
 */
import { removeContainer, resolveContainer } from '@berth/client';
import type { Context } from '../../context.js';
import { forEach } from '../../each.js';
import { openContainerClients } from './lib.js';

export async function run(ctx: Context, [refs]: [string[]], f: { force?: boolean }): Promise<number> {
  const c = openContainerClients(ctx);
  return forEach(ctx, refs, async (ref) => {
    const { id } = await resolveContainer(c, ref);
    await removeContainer(c, id, { force: f.force === true });
  });
}
