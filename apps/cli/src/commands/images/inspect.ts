/**
 * `berth image inspect [-f TEMPLATE] IMAGE...`: a JSON array shaped like `docker
 * image inspect` (Id, RepoTags, RepoDigests, Created, Architecture, Os, Config,
 * RootFS, Size), or the template per image. `berth inspect` (views/inspect.ts)
 * uses imageInspector for its image fallback.
 */
import type { Context } from '../../context.js';
import { describeAll, findImages, openImageClients, repoTag, shortName, type Described } from './lib.js';

export interface InspectOptions {
  format?: string;
}

/** Returns a function giving docker's inspect object for one image argument (NotFound if none). */
export function imageInspector(ctx: Context): (arg: string) => Promise<Record<string, unknown>> {
  const c = openImageClients(ctx);
  let all: Described[] | undefined;
  return async (arg) => {
    const found = await findImages(ctx, c, arg);
    all ??= await describeAll(ctx, c);
    const same = all.filter((d) => d.id === found.id);
    return dockerInspect(found.images[0]!, same);
  };
}

export async function run(ctx: Context, [args]: [string[]], opts: InspectOptions = {}): Promise<number> {
  const { printInspected } = await import('../views/inspect.js');
  const inspectImage = imageInspector(ctx);
  return printInspected(ctx, args, opts.format, (arg) => inspectImage(arg));
}

function dockerInspect(d: Described, same: Described[]): Record<string, unknown> {
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
