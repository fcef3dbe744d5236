/**
 * `berth attach [--no-stdin] CONTAINER`: joins a running container's stdio (stdin too when it
 * was created with -i) and exits with its status. Signals are forwarded unless it has a tty.
 */
import { attachContainer, getContainer, killContainer, LABELS, resolveContainer } from '@berth/client';
import { parseSignal } from '@berth/oci-spec';
import type { Context } from '../../context.js';
import { clientStdio, openContainerClients, proxySignals } from './lib.js';

export async function run(ctx: Context, [ref]: [string], f: { stdin?: boolean }): Promise<number> {
  const c = openContainerClients(ctx);
  const { id } = await resolveContainer(c, ref);
  const tty = (await getContainer(c, id)).labels[LABELS.tty] === 'true';
  const stop = tty
    ? () => {}
    : proxySignals((s) => void killContainer(c, id, parseSignal(s).number).catch(() => undefined));
  try {
    const exit = await attachContainer(c, id, clientStdio(ctx, f.stdin !== false));
    return exit.exitStatus;
  } finally {
    stop();
  }
}
