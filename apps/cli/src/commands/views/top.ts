/** `berth top CONTAINER [ps OPTIONS]`: the container's processes, as ps(1) on the host shows them. */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { openRuntime } from './runtime.js';
import { tabulate } from './tabwriter.js';

export async function run(ctx: Context, [ref, psArgs]: [string, string[]]): Promise<void> {
  const rt = openRuntime(ctx);
  const r = await unary(rt, rt.top, { id: ref, psArgs: (psArgs ?? []).join(' ') }, ctx.callOpts());
  // docker top: tabwriter with 20-wide columns and 3 spaces of padding.
  ctx.stdout.write(tabulate([r.titles, ...r.processes.map((p) => p.fields)], { minWidth: 20, padding: 3 }));
}
