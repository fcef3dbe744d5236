/**
 * `berth run [flags] IMAGE [COMMAND...]`: create + start, as docker run does.
 * - `-d` prints the full id and leaves the container running.
 * - Otherwise stdout/stderr (and stdin with -i) are attached before the task starts, signals
 *   are forwarded to the container (no tty), and berth exits with the container's status.
 * - `--rm` removes the container (and its networking) after it exits, and also when it failed
 *   to start.
 * - Exit statuses as docker's: 125 when the engine failed, 126 when the command cannot be
 *   executed, 127 when it was not found.
 */
import { isNotFound } from '@berth/errdefs';
import {
  createContainer,
  detachNetwork,
  exitStatusForStartError,
  killContainer,
  removeContainer,
  startContainer,
  type Clients,
} from '@berth/client';
import { parseSignal } from '@berth/oci-spec';
import type { Context } from '../../context.js';
import {
  clientStdio,
  createOptions,
  openContainerClients,
  printError,
  proxySignals,
  type RunFlags,
} from './lib.js';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function run(ctx: Context, [image, command]: [string, string[]], f: RunFlags): Promise<number> {
  if (f.interactive && f.tty && !process.stdin.isTTY) {
    printError(ctx, new Error('the input device is not a TTY'));
    return 1;
  }
  const c = openContainerClients(ctx);
  let id: string;
  try {
    ({ id } = await createContainer(c, await createOptions(ctx, image, command, f)));
  } catch (err) {
    printError(ctx, err);
    return 125;
  }
  if (f.detach) {
    try {
      await startContainer(c, id);
    } catch (err) {
      printError(ctx, err);
      if (f.rm) await remove(ctx, c, id);
      return exitStatusForStartError(messageOf(err));
    }
    ctx.stdout.write(`${id}\n`);
    return 0;
  }
  let stopProxy = () => {};
  try {
    const r = await startContainer(c, id, {
      attach: clientStdio(ctx, f.interactive === true),
      onStarted: () => {
        if (f.tty) return; // with a terminal, ^C travels as input
        stopProxy = proxySignals((s) => {
          void killContainer(c, id, parseSignal(s).number).catch(() => undefined);
        });
      },
    });
    return r.exit?.exitStatus ?? 0;
  } catch (err) {
    printError(ctx, err);
    return exitStatusForStartError(messageOf(err));
  } finally {
    stopProxy();
    if (f.rm) await remove(ctx, c, id);
  }
}

/**
 * `--rm`: removes the container and releases its networking. berth-runtime may have removed it
 * already (auto-remove on exit); berth-network then detaches it on the /containers/delete event,
 * and Detach here is only the immediate, idempotent path.
 */
async function remove(ctx: Context, c: Clients, id: string): Promise<void> {
  try {
    await removeContainer(c, id, { force: true });
  } catch (err) {
    if (isNotFound(err)) await detachNetwork(c, id).catch((e: unknown) => printError(ctx, e));
    else printError(ctx, err);
  }
}
