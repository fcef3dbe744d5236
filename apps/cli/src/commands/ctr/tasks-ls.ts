/** `berth tasks ls [-q]`: ctr's TASK PID STATUS. */
import { unary } from '@berth/grpc';
import { statusToJSON } from '@berth/proto/types';
import type { Context } from '../../context.js';
import { printList, type ListOptions } from '../../output.js';
import { openTasks } from './clients.js';

export async function run(ctx: Context, _args: [], opts: ListOptions): Promise<void> {
  const t = openTasks(ctx);
  const { tasks } = await unary(t, t.list, { filter: '' }, ctx.callOpts());
  printList(ctx, tasks, opts, {
    columns: [
      ['TASK', (p) => p.id || p.containerId],
      ['PID', (p) => String(p.pid)],
      ['STATUS', (p) => statusToJSON(p.status)],
    ],
    id: (p) => p.id || p.containerId,
    json: (p) => ({ ID: p.id || p.containerId, PID: p.pid, Status: statusToJSON(p.status) }),
  });
}
