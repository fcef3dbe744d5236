/** `berth pause CONTAINER...`: freezes every process of running containers (runc pause). */
import { pauseContainer, resolveContainer } from '@berth/client';
import type { Context } from '../../context.js';
import { forEach } from '../../each.js';
import { openContainerClients } from './lib.js';

export async function run(ctx: Context, [refs]: [string[]]): Promise<number> {
  const c = openContainerClients(ctx);
  return forEach(ctx, refs, async (ref) => {
    const { id } = await resolveContainer(c, ref);
    await pauseContainer(c, id, ref);
  });
}
