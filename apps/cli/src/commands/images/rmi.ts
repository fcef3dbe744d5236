/**
 * `berth rmi [-f] IMAGE...`: removes image records, as docker does. By name:
 * that tag ("Untagged: …"). By ID: every tag of the image, but an image
 * tagged in several repositories only with -f ("conflict: unable to delete …").
 * "Deleted: <id>" once no record refers to the image any more; the delete is
 * synchronous, so its content and snapshots are collected before it returns.
 */
import { unary } from '@berth/grpc';
import { conflict } from '@berth/errdefs';
import type { Context } from '../../context.js';
import { formatError } from '@berth/cli-kit';
import { describeAll, findImages, openImageClients, repoTag, shortId, shortName } from './lib.js';

interface RmiOptions {
  force?: boolean;
}

export async function run(ctx: Context, [args]: [string[]], opts: RmiOptions): Promise<number> {
  const c = openImageClients(ctx);
  let failed = 0;
  for (const arg of args) {
    try {
      const found = await findImages(ctx, c, arg);
      const repos = new Set(found.images.map((d) => repoTag(d.image.name).repo));
      if (found.byId && repos.size > 1 && !opts.force)
        throw conflict(
          `conflict: unable to delete ${shortId(found.id)} (must be forced) - image is referenced in multiple repositories`,
        );
      for (const d of found.images) {
        await unary(c.images, c.images.delete, { name: d.image.name, sync: true }, ctx.callOpts());
        ctx.stdout.write(`Untagged: ${shortName(d.image.name)}\n`);
      }
      const left = (await describeAll(ctx, c)).some((d) => d.id === found.id);
      if (!left) ctx.stdout.write(`Deleted: ${found.id}\n`);
    } catch (err) {
      if (args.length === 1) throw err;
      ctx.stderr.write(formatError(err, { address: ctx.address }) + '\n');
      failed++;
    }
  }
  return failed ? 1 : 0;
}
