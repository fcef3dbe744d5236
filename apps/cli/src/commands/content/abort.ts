/** `berth content abort <ref...>`: drops ingests in progress and their data. */
import type { Context } from '../../context.js';
import { openContent } from './store.js';
import { forEach } from '../../each.js';

export async function run(ctx: Context, [refs]: [string[]]): Promise<number> {
  const store = openContent(ctx);
  return forEach(ctx, refs, (ref) => store.abort(ctx.namespace, ref));
}
