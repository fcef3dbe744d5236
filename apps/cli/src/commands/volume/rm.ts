/**
 * `berth volume rm [-f] NAME…`: removes each volume and prints its name; one in use is refused
 * (`volume is in use - [ids]`), a missing one too unless -f.
 */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { forEach } from '../../each.js';
import { openVolumes } from './lib.js';

export async function run(ctx: Context, [names]: [string[]], o: { force?: boolean }): Promise<number> {
  const v = openVolumes(ctx);
  return forEach(ctx, names, async (name) => {
    await unary(v, v.delete, { name, force: o.force === true }, ctx.callOpts());
  });
}
