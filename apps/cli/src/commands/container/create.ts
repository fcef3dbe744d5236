/**
 * `berth create [flags] IMAGE [COMMAND...]`: creates a container (pulling its image when
 * missing) and prints its full id, as docker create does. Errors exit 125, docker's status
 * for a failure of the engine rather than of the container.
 */
import { createContainer } from '@berth/client';
import type { Context } from '../../context.js';
import { createOptions, openContainerClients, printError, type RunFlags } from './lib.js';

export async function run(ctx: Context, [image, command]: [string, string[]], f: RunFlags): Promise<number> {
  try {
    const c = openContainerClients(ctx);
    const { id } = await createContainer(c, await createOptions(ctx, image, command, f));
    ctx.stdout.write(`${id}\n`);
    return 0;
  } catch (err) {
    printError(ctx, err);
    return 125;
  }
}
