/**
 * `berth inspect IMAGE...`: a JSON array shaped like `docker image inspect`
 * (Id, RepoTags, RepoDigests, Created, Architecture, Os, Config, RootFS, Size).
 */
import type { Context } from '../../context.js';
import { formatError } from '@berth/cli-kit';
import { describeAll, findImages, openImageClients, repoTag, shortName, type Described } from './lib.js';

export async function run(ctx: Context, [args]: [string[]]): Promise<number> {
  const c = openImageClients(ctx);
  const out: unknown[] = [];
  let failed = 0;
  let all: Described[] | undefined;
  for (const arg of args) {
    try {
      const found = await findImages(ctx, c, arg);
      all ??= await describeAll(ctx, c);
      const same = all.filter((d) => d.id === found.id);
      out.push(dockerInspect(found.images[0]!, same));
    } catch (err) {
      ctx.stderr.write(formatError(err, { address: ctx.address }) + '\n');
      failed++;
    }
  }
  ctx.stdout.write(JSON.stringify(out, null, 4) + '\n');
  return failed ? 1 : 0;
}

function dockerInspect(d: Described, same: Described[]) {
  const cfg = d.config;
  const names = same.length ? same : [d];
  return {
    Id: d.id,
    RepoTags: names.filter((n) => repoTag(n.image.name).tag !== '<none>').map((n) => shortName(n.image.name)),
    RepoDigests: [
      ...new Set(names.map((n) => `${repoTag(n.image.name).repo}@${n.raw.manifest?.digest ?? ''}`)),
    ],
    Parent: '',
    Comment: cfg.history?.at(-1)?.comment ?? '',
    Created: cfg.created ?? '',
    Author: cfg.author ?? '',
    Architecture: cfg.architecture,
    ...(cfg.variant ? { Variant: cfg.variant } : {}),
    Os: cfg.os,
    Config: cfg.config ?? null,
    Size: d.raw.size,
    RootFS: { Type: cfg.rootfs.type, Layers: cfg.rootfs.diff_ids },
    Metadata: { LastTagTime: d.image.updatedAt?.toISOString() ?? '' },
  };
}
