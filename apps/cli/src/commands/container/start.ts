/**
 * `berth start [-a] [-i] CONTAINER...`: starts containers (a stopped one's old task is
 * deleted first); prints each name as given. With -a (and -i) one container is attached
 * and berth exits with its status.
 */
import { resolveContainer, startContainer } from '@berth/client';
import { invalidArgument } from '@berth/errdefs';
import type { Context } from '../../context.js';
import { forEach } from '../../each.js';
import { clientStdio, openContainerClients } from './lib.js';

interface StartFlags {
  attach?: boolean;
  interactive?: boolean;
}

export async function run(ctx: Context, [refs]: [string[]], f: StartFlags): Promise<number> {
  const c = openContainerClients(ctx);
  if (f.attach || f.interactive) {
    if (refs.length > 1) throw invalidArgument('you cannot start and attach multiple containers at once');
    const { id } = await resolveContainer(c, refs[0]!);
    const r = await startContainer(c, id, { attach: clientStdio(ctx, f.interactive === true) });
    return r.exit?.exitStatus ?? 0;
  }
  return forEach(ctx, refs, async (ref) => {
    const { id } = await resolveContainer(c, ref);
    await startContainer(c, id);
  });
}
