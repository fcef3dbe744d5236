/** `berth kill [-s SIG] CONTAINER...`: sends a signal (default SIGKILL) to running containers. */
import { killContainer, resolveContainer } from '@berth/client';
import { parseSignal } from '@berth/oci-spec';
import type { Context } from '../../context.js';
import { forEach } from '../../each.js';
import { asUsage } from '../../usage.js';
import { openContainerClients } from './lib.js';

export async function run(ctx: Context, [refs]: [string[]], f: { signal: string }): Promise<number> {
  const signal = asUsage(() => parseSignal(f.signal));
  const c = openContainerClients(ctx);
  return forEach(ctx, refs, async (ref) => {
    const { id } = await resolveContainer(c, ref);
    await killContainer(c, id, signal.number, ref);
  });
}
