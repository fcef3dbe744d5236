/** `berth content abort <ref...>`: drops ingests in progress and their data. */
import type { Context } from '../../context.js';
import { openContent } from '../../clients.js';

export async function run(ctx: Context, [refs]: [string[]]): Promise<void> {
  const store = openContent(ctx);
  for (const ref of refs) {
    await store.abort(ctx.namespace, ref);
    ctx.stdout.write(ref + '\n');
  }
}
