/**
 * `berth wait CONTAINER...`: blocks until each container stops and prints its exit code. A
 * container that is not running (created, or exited) answers at once, as docker's
 * "not-running" condition does.
 */
import { resolveContainer, waitTask } from '@berth/client';
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { openContainerClients, printError } from './lib.js';

export async function run(ctx: Context, [refs]: [string[]]): Promise<number> {
  const c = openContainerClients(ctx);
  let failed = 0;
  for (const ref of refs) {
    try {
      const { id } = await resolveContainer(c, ref);
      const exit = await waitTask(c, id);
      let status = exit?.exitStatus;
      if (status === undefined) {
        // No task (never started, or its task is gone): the last exit the summary knows.
        const { containers } = await unary(
          c.runtime,
          c.runtime.list,
          { all: true, filters: [`id==${id}`] },
          c.opts,
        );
        status = containers[0]?.exitStatus ?? 0;
      }
      ctx.stdout.write(`${status}\n`);
    } catch (err) {
      if (refs.length === 1) throw err;
      printError(ctx, err);
      failed++;
    }
  }
  return failed ? 1 : 0;
}
