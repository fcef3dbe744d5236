/**
 * `berth tasks rm [-f] [--exec-id ID] CONTAINER...`: deletes stopped tasks (or
 * one exec process). -f kills a running task with SIGKILL and waits first.
 */
import { unary } from '@berth/grpc';
import { formatError } from '@berth/cli-kit';
import { isNotFound } from '@berth/errdefs';
import { Status } from '@berth/proto/types';
import type { Context } from '../../context.js';
import { openTasks } from './clients.js';

export async function run(
  ctx: Context,
  [ids]: [string[]],
  opts: { force?: boolean; execId?: string },
): Promise<number> {
  const t = openTasks(ctx);
  let failed = 0;
  for (const id of ids) {
    try {
      if (opts.execId) {
        await unary(t, t.deleteProcess, { containerId: id, execId: opts.execId }, ctx.callOpts());
        continue;
      }
      if (opts.force) {
        const p = await unary(t, t.get, { containerId: id, execId: '' }, ctx.callOpts()).then(
          (r) => r.process,
          (err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)),
        );
        if (p && p.status !== Status.STOPPED && p.status !== Status.CREATED) {
          const o = ctx.callOpts();
          const wait = unary(t, t.wait, { containerId: id, execId: '' }, { ...o, timeoutMs: undefined });
          await unary(t, t.kill, { containerId: id, execId: '', signal: 9, all: true }, o);
          await wait;
        }
      }
      await unary(t, t.delete, { containerId: id }, ctx.callOpts());
    } catch (err) {
      ctx.stderr.write(formatError(err, { address: ctx.address }) + '\n');
      failed++;
    }
  }
  return failed ? 1 : 0;
}
