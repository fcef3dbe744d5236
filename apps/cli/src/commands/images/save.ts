/**
 * `berth save [-o FILE] [--format docker|oci] IMAGE...`: Transfer.Export's tar,
 * to FILE or to stdout (never to a terminal). A failed save removes FILE.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { serverStream } from '@berth/grpc';
import type { Context } from '../../context.js';
import { UsageError } from '../../usage.js';
import { findImages, openImageClients } from './lib.js';

interface SaveOptions {
  output?: string;
  format?: 'docker' | 'oci';
}

export async function run(ctx: Context, [args]: [string[]], opts: SaveOptions): Promise<void> {
  if (!opts.output && ctx.stdout.isTTY)
    throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const c = openImageClients(ctx);
  const references: string[] = [];
  for (const arg of args) {
    const found = await findImages(ctx, c, arg);
    for (const d of found.images) if (!references.includes(d.image.name)) references.push(d.image.name);
  }
  const out = opts.output ? createWriteStream(opts.output) : ctx.stdout;
  try {
    // A stream has no per-call deadline; --timeout still bounds the command.
    const chunks = serverStream(
      c.transfer,
      c.transfer.export,
      { references, format: opts.format ?? 'docker', platform: undefined },
      { ns: ctx.namespace, service: 'berth' },
    );
    for await (const { data } of chunks) if (!out.write(data)) await once(out, 'drain');
    if (opts.output) {
      out.end();
      await once(out, 'finish');
    }
  } catch (err) {
    if (opts.output) {
      out.destroy();
      await rm(opts.output, { force: true });
    }
    throw err;
  }
}
