/** `berth content rm <digest...>`: removes each blob; one missing blob does not stop the others. */
import type { Context } from '../../context.js';
import { openContent } from './store.js';
import { forEach } from '../../each.js';

export async function run(ctx: Context, [digests]: [string[]]): Promise<number> {
  const store = openContent(ctx);
  return forEach(ctx, digests, (digest) => store.delete(ctx.namespace, digest));
}
