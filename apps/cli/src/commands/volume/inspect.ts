/** `berth volume inspect [-f TEMPLATE] NAME…`: docker's JSON array, or the template per volume. */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { printInspected } from '../views/inspect.js';
import { inspectView, openVolumes } from './lib.js';

export async function run(ctx: Context, [names]: [string[]], o: { format?: string }): Promise<number> {
  const v = openVolumes(ctx);
  return printInspected(ctx, names, o.format, async (name) => {
    const { volume } = await unary(v, v.get, { name }, ctx.callOpts());
    return inspectView(volume!);
  });
}
