/** Applying one operation to several names (`rm a b c`), the way docker does. */
import { formatError } from '@berth/cli-kit';
import type { Context } from './context.js';

/**
 * Runs `op` for each item in order and prints the item on success. A failure
 * is printed on stderr and the rest still run; with a single item its error
 * is thrown as is. Returns the exit status: 1 if any failed.
 */
export async function forEach(
  ctx: Context,
  items: readonly string[],
  op: (item: string) => Promise<void>,
): Promise<number> {
  let failed = 0;
  for (const item of items) {
    try {
      await op(item);
      ctx.stdout.write(item + '\n');
    } catch (err) {
      if (items.length === 1) throw err;
      ctx.stderr.write(formatError(err, { address: ctx.address }) + '\n');
      failed++;
    }
  }
  return failed ? 1 : 0;
}
