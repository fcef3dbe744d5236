/**
 * `berth stop [-t N] [-s SIG] CONTAINER...`: the stop signal, then SIGKILL after the timeout;
 * a container that is not running is left as it is. Prints each name as given.
 */
import { parseTimeoutSeconds, resolveContainer, stopContainer } from '@berth/client';
import { parseSignal } from '@berth/oci-spec';
import type { Context } from '../../context.js';
import { forEach } from '../../each.js';
import { asUsage } from '../../usage.js';
import { openContainerClients } from './lib.js';

interface StopFlags {
  time?: string;
  signal?: string;
}

export async function run(ctx: Context, [refs]: [string[]], f: StopFlags): Promise<number> {
  const timeout = f.time === undefined ? undefined : asUsage(() => parseTimeoutSeconds(f.time!));
  const signal = f.signal === undefined ? undefined : asUsage(() => parseSignal(f.signal!));
  const c = openContainerClients(ctx);
  return forEach(ctx, refs, async (ref) => {
    const { id } = await resolveContainer(c, ref);
    await stopContainer(c, id, timeout, signal?.number);
  });
}
