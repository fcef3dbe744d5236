/** `berth content rm <digest...>`: removes each blob, reporting failures one per line. */
import { formatError } from '@berth/cli-kit';
import type { Context } from '../../context.js';
import { openContent } from '../../clients.js';

export async function run(ctx: Context, [digests]: [string[]]): Promise<number> {
  const store = openContent(ctx);
  let failed = 0;
  for (const digest of digests) {
    try {
      await store.delete(ctx.namespace, digest);
      ctx.stdout.write(digest + '\n');
    } catch (err) {
      // Keep going, like `docker rm a b`: one missing blob must not stop the others.
      if (digests.length === 1) throw err;
      ctx.stderr.write(formatError(err, { address: ctx.address }) + '\n');
      failed++;
    }
  }
  return failed ? 1 : 0;
}
