/**
 * `berth content get <digest> [-o file]`: the blob's bytes, unchanged. A file
 * is written under a temporary name and renamed when complete, so a failed
 * read never leaves a truncated file behind.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { looksBinary } from '@berth/cli-kit';
import { parseDigest } from '@berth/content';
import type { Context } from '../../context.js';
import { openContent } from './store.js';
import { UsageError, asUsage } from '../../usage.js';

export async function run(ctx: Context, [digest]: [string], opts: { output?: string }): Promise<void> {
  asUsage(() => parseDigest(digest));
  const store = openContent(ctx);
  const chunks = store.read(ctx.namespace, digest)[Symbol.asyncIterator]();
  // Read the first chunk before touching the destination: NotFound leaves no file behind.
  const first = await chunks.next();
  async function* all(): AsyncGenerator<Uint8Array> {
    if (!first.done) yield first.value;
    for (let r = await chunks.next(); !r.done; r = await chunks.next()) yield r.value;
  }
  if (opts.output) return toFile(opts.output, all());
  if (ctx.stdout.isTTY && !first.done && looksBinary(first.value))
    throw new UsageError(
      `${digest} is binary: refusing to write it to a terminal (use -o FILE or redirect stdout)`,
    );
  await pipeline(all(), ctx.stdout, { end: false });
}

async function toFile(path: string, data: AsyncIterable<Uint8Array>): Promise<void> {
  const tmp = `${path}.berth-${process.pid}.tmp`;
  try {
    await pipeline(data, createWriteStream(tmp));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
