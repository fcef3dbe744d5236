/**
 * `berth containers label CONTAINER [k=v | k= ...]`: sets (or with an empty
 * value removes) only the named labels, then prints them as ctr does.
 */
import { unary } from '@berth/grpc';
import { parseLabelArgs } from '@berth/labels';
import { Container } from '@berth/proto/containers/v1';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { openContainers } from './clients.js';

export async function run(ctx: Context, [id, args]: [string, string[]]): Promise<void> {
  const labels = asUsage(() => parseLabelArgs(args ?? []));
  const c = openContainers(ctx);
  const paths = Object.keys(labels).map((k) => `labels.${k}`);
  if (paths.length === 0) {
    // Nothing to change: show the current labels.
    const { container } = await unary(c, c.get, { id }, ctx.callOpts());
    const cur = container?.labels ?? {};
    ctx.stdout.write(
      Object.keys(cur)
        .sort()
        .map((k) => `${k}=${cur[k]}`)
        .join(',') + '\n',
    );
    return;
  }
  await unary(
    c,
    c.update,
    { container: Container.fromPartial({ id, labels }), updateMask: paths },
    ctx.callOpts(),
  );
  ctx.stdout.write(
    Object.keys(labels)
      .map((k) => `${k}=${labels[k]}`)
      .join(',') + '\n',
  );
}
