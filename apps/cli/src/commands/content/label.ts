/**
 * `berth content label <digest> [k=v | k= ...]`: sets or removes only the
 * named labels (field mask `labels.<k>`), then prints the blob's labels.
 * With no labels given it only prints them.
 */
import { formatLabels } from '@berth/cli-kit';
import { parseDigest } from '@berth/content';
import { parseLabelArgs } from '@berth/labels';
import type { Context } from '../../context.js';
import { openContent } from './store.js';
import { asUsage } from '../../usage.js';

export async function run(ctx: Context, [digest, args]: [string, string[]]): Promise<void> {
  asUsage(() => parseDigest(digest));
  const labels = asUsage(() => parseLabelArgs(args));
  const store = openContent(ctx);
  const paths = Object.keys(labels).map((k) => `labels.${k}`);
  // An empty mask would replace every label with none: only read in that case.
  const info = paths.length
    ? await store.update(ctx.namespace, { digest, labels }, paths)
    : await store.info(ctx.namespace, digest);
  ctx.stdout.write(formatLabels(info.labels, '') + '\n');
}
