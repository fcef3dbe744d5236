/** `berth tasks metrics [--format table|json] CONTAINER`: the task's cgroup stats, decoded as ctr does. */
import { unary } from '@berth/grpc';
import { notFound, invalidArgument } from '@berth/errdefs';
import { Metrics as V1 } from '@berth/proto/cgroups/v1';
import { Metrics as V2 } from '@berth/proto/cgroups/v2';
import type { Context } from '../../context.js';
import { openTasks } from './clients.js';
import { decodeBig } from './decode-big.js';
import { metricsJson, metricsTable, type Decoded } from './metrics-view.js';

export async function run(ctx: Context, [id]: [string], opts: { format?: 'table' | 'json' }): Promise<void> {
  const t = openTasks(ctx);
  const { metrics } = await unary(t, t.metrics, { filters: [`id==${id}`] }, ctx.callOpts());
  const m = metrics.find((x) => x.id === id) ?? metrics[0];
  if (!m) throw notFound(`no metrics received for task ${id}`);
  const type = m.data?.typeUrl ?? '';
  const value = m.data?.value ?? new Uint8Array();
  let d: Decoded;
  if (type.endsWith('io.containerd.cgroups.v1.Metrics')) d = { v1: decodeBig(V1, value) };
  else if (type.endsWith('io.containerd.cgroups.v2.Metrics')) d = { v2: decodeBig(V2, value) };
  else throw invalidArgument(`cannot convert metric data to cgroups.Metrics (type ${type || 'empty'})`);
  ctx.stdout.write(
    opts.format === 'json' ? metricsJson(d) : metricsTable(m.id, m.timestamp ?? new Date(), d),
  );
}
