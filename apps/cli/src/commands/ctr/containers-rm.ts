/**
 * `berth containers rm [--keep-snapshot] CONTAINER...`: ctr's delete. A stopped
 * or created task is deleted first; a running one is refused. The container's
 * snapshot goes with it unless --keep-snapshot.
 */
import { unary } from '@berth/grpc';
import { failedPrecondition, isNotFound } from '@berth/errdefs';
import { formatError } from '@berth/cli-kit';
import { SnapshotsClient } from '@berth/proto/snapshots/v1';
import { Status, statusToJSON } from '@berth/proto/types';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { openContainers, openTasks } from './clients.js';

export async function run(
  ctx: Context,
  [ids]: [string[]],
  opts: { keepSnapshot?: boolean },
): Promise<number> {
  const containers = openContainers(ctx);
  const tasks = openTasks(ctx);
  let snapshots: SnapshotsClient | undefined;
  let failed = 0;
  for (const id of ids) {
    try {
      const { container } = await unary(containers, containers.get, { id }, ctx.callOpts());
      const task = await unary(tasks, tasks.get, { containerId: id, execId: '' }, ctx.callOpts()).then(
        (r) => r.process,
        (err: unknown) => {
          if (isNotFound(err)) return undefined;
          throw err;
        },
      );
      if (task) {
        if (task.status !== Status.STOPPED && task.status !== Status.CREATED)
          throw failedPrecondition(
            `cannot delete a non stopped container: ${statusToJSON(task.status).toLowerCase()}`,
          );
        await unary(tasks, tasks.delete, { containerId: id }, ctx.callOpts()).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      }
      await unary(containers, containers.delete, { id }, ctx.callOpts());
      if (!opts.keepSnapshot && container?.snapshotKey) {
        snapshots ??= openClient(ctx, SnapshotsClient);
        const req = { snapshotter: container.snapshotter || 'overlayfs', key: container.snapshotKey };
        await unary(snapshots, snapshots.remove, req, ctx.callOpts()).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      }
    } catch (err) {
      ctx.stderr.write(formatError(err, { address: ctx.address }) + '\n');
      failed++;
    }
  }
  return failed ? 1 : 0;
}
