/** `berth restart [-t N] CONTAINER...`: stop (as `stop` does), then start. Prints each name as given. */
import { parseTimeoutSeconds, resolveContainer, startContainer, stopContainer } from '@berth/client';
import type { Context } from '../../context.js';
import { forEach } from '../../each.js';
import { asUsage } from '../../usage.js';
import { openContainerClients } from './lib.js';

export async function run(ctx: Context, [refs]: [string[]], f: { time?: string }): Promise<number> {
  const timeout = f.time === undefined ? undefined : asUsage(() => parseTimeoutSeconds(f.time!));
  const c = openContainerClients(ctx);
  return forEach(ctx, refs, async (ref) => {
    const { id } = await resolveContainer(c, ref);
    await stopContainer(c, id, timeout);
    await startContainer(c, id);
  });
}
