/** `berth tasks pause CONTAINER`: freezes every process of the task. */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { openTasks } from './clients.js';

export async function run(ctx: Context, [id]: [string]): Promise<void> {
  const t = openTasks(ctx);
  await unary(t, t.pause, { containerId: id }, ctx.callOpts());
}
