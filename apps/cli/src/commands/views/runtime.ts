/** The berth.runtime.v1 client the container view commands share, and name/id resolution. */
import { RuntimeClient } from '@berth/proto/berth/runtime/v1';
import { unary } from '@berth/grpc';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';

export const openRuntime = (ctx: Context): RuntimeClient => openClient(ctx, RuntimeClient);

/** The full id of the container `ref` names (id, name or unique id prefix); NotFound `No such container: ref`. */
export async function resolveContainer(ctx: Context, rt: RuntimeClient, ref: string): Promise<string> {
  return (await unary(rt, rt.resolve, { ref }, ctx.callOpts())).id;
}

/** Writes `data`, waiting for the stream to drain when its buffer is full. */
export function writeAll(
  stream: NodeJS.WritableStream,
  data: string | Uint8Array,
): Promise<void> | undefined {
  if (stream.write(data)) return undefined;
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}
