/**
 * `berth tasks start [-d] CONTAINER`: creates the container's task without
 * FIFOs (output goes to its log and attach socket) and starts it. Without -d
 * it follows the output and exits with the task's status, as ctr does.
 */
import { unary } from '@berth/grpc';
import { CreateTaskRequest } from '@berth/proto/tasks/v1';
import type { Context } from '../../context.js';
import { attachAndRun } from './attach.js';
import { openTasks } from './clients.js';

export async function run(ctx: Context, [id]: [string], opts: { detach?: boolean }): Promise<number> {
  const t = openTasks(ctx);
  await unary(t, t.create, CreateTaskRequest.fromPartial({ containerId: id, rootfs: [] }), ctx.callOpts());
  const start = async () => {
    await unary(t, t.start, { containerId: id, execId: '' }, ctx.callOpts());
  };
  if (opts.detach) {
    await start();
    return 0;
  }
  return attachAndRun(ctx, id, '', start);
}
