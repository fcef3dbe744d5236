/** `berth rename CONTAINER NEW_NAME`. */
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { UsageError } from '../../usage.js';
import { openRuntime } from './runtime.js';

/** docker's restricted name pattern. */
const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export async function run(ctx: Context, [ref, name]: [string, string]): Promise<void> {
  if (!name.trim()) throw new UsageError('Neither old nor new names may be empty');
  if (!NAME.test(name))
    throw new UsageError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  const rt = openRuntime(ctx);
  await unary(rt, rt.rename, { id: ref, name }, ctx.callOpts());
}
