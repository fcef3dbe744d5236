/**
 * `berth history [--no-trunc] [--format json] IMAGE`: the image config's history,
 * newest first, as docker shows it. Steps that added a layer are matched with
 * the manifest's layers in order, for their SIZE.
 */
import { humanAge, humanSize } from '@berth/cli-kit';
import type { Context } from '../../context.js';
import { printList, type Format } from '../../output.js';
import { findImages, openImageClients, shortId } from './lib.js';

interface HistoryOptions {
  trunc?: boolean;
  format?: Format;
  quiet?: boolean;
}

interface Step {
  image: string;
  created: Date | undefined;
  createdBy: string;
  size: number;
  comment: string;
}

export async function run(ctx: Context, [arg]: [string], opts: HistoryOptions): Promise<void> {
  const c = openImageClients(ctx);
  const { images, id } = await findImages(ctx, c, arg);
  const d = images[0]!;
  const layers = d.manifest.layers;
  let layer = 0;
  const steps: Step[] = (d.config.history ?? []).map((h) => {
    const size = h.empty_layer ? 0 : (layers[layer++]?.size ?? 0);
    const created = h.created ? new Date(h.created) : undefined;
    return {
      image: '<missing>',
      created: created && created.getTime() > 0 ? created : undefined,
      createdBy: h.created_by ?? '',
      size,
      comment: h.comment ?? '',
    };
  });
  steps.reverse();
  if (steps[0]) steps[0].image = opts.trunc === false ? id : shortId(id);
  const trunc = (s: string) => (opts.trunc !== false && s.length > 45 ? `${s.slice(0, 44)}…` : s);
  printList(ctx, steps, opts, {
    columns: [
      ['IMAGE', (s) => s.image],
      ['CREATED', (s) => (s.created ? `${humanAge(s.created)} ago` : 'N/A')],
      ['CREATED BY', (s) => trunc(s.createdBy)],
      ['SIZE', (s) => humanSize(s.size)],
      ['COMMENT', (s) => s.comment],
    ],
    id: (s) => s.image,
    json: (s) => ({
      ID: s.image,
      CreatedAt: s.created?.toISOString() ?? '',
      CreatedBy: s.createdBy,
      Size: s.size,
      Comment: s.comment,
    }),
  });
}
