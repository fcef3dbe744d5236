/**
 * `berth exec [-d] [-i] [-t] [-e K=V] [-w DIR] [-u USER] CONTAINER COMMAND...`: runs a process
 * in a running container and exits with its status (126/127 when it cannot be executed or is
 * not found, as docker's). The process is deleted once it has exited.
 */
import { execInContainer, expandEnv, exitStatusForStartError, resolveContainer } from '@berth/client';
import type { Context } from '../../context.js';
import { clientStdio, openContainerClients, printError } from './lib.js';

interface ExecFlags {
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env?: string[];
  workdir?: string;
  user?: string;
}

export async function run(ctx: Context, [ref, command]: [string, string[]], f: ExecFlags): Promise<number> {
  if (f.interactive && f.tty && !process.stdin.isTTY) {
    printError(ctx, new Error('the input device is not a TTY'));
    return 1;
  }
  const c = openContainerClients(ctx);
  const { id } = await resolveContainer(c, ref);
  try {
    const r = await execInContainer(c, id, {
      args: command,
      env: expandEnv(f.env ?? []),
      workdir: f.workdir,
      user: f.user,
      tty: f.tty === true,
      detach: f.detach === true,
      io: clientStdio(ctx, f.interactive === true),
    });
    return r.exit?.exitStatus ?? 0;
  } catch (err) {
    const status = exitStatusForStartError(err instanceof Error ? err.message : String(err));
    if (status === 125) throw err;
    printError(ctx, err);
    return status;
  }
}
