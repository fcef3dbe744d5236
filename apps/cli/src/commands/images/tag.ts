/** `berth tag SOURCE TARGET`: records TARGET with SOURCE's target, so both have the same IMAGE ID. */
import { unary } from '@berth/grpc';
import { isAlreadyExists } from '@berth/errdefs';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { canonicalName, findImages, openImageClients } from './lib.js';

export async function run(ctx: Context, [src, dst]: [string, string]): Promise<void> {
  const name = asUsage(() => canonicalName(dst));
  const c = openImageClients(ctx);
  const found = await findImages(ctx, c, src);
  const target = found.images[0]!.image.target;
  const image = { name, labels: {}, target, createdAt: undefined, updatedAt: undefined };
  try {
    await unary(c.images, c.images.create, { image }, ctx.callOpts());
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    await unary(c.images, c.images.update, { image, updateMask: ['target'] }, ctx.callOpts());
  }
}
