/** `berth container inspect [-f TEMPLATE] CONTAINER...`: containers only. */
import type { Context } from '../../context.js';
import { run as inspect } from './inspect.js';

export function run(ctx: Context, args: [string[]], opts: { format?: string }): Promise<number> {
  return inspect(ctx, args, { ...opts, type: 'container' });
}
