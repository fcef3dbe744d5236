/** The content store the `content` commands talk to. */
import { createContentProxy } from '@berth/content';
import type { Context } from '../../context.js';

/** Returns a ContentStore over the socket at ctx.address, closed when the command ends. */
export function openContent(ctx: Context): ReturnType<typeof createContentProxy> {
  const store = createContentProxy(ctx.address, 'berth');
  ctx.defer(() => store.close());
  return store;
}
