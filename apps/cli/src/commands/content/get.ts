/**
 * `berth content get <digest> [-o file]`: the blob's bytes, unchanged. A file
 * is written under a temporary name and renamed when complete, so a failed
 * read never leaves a truncated file behind.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { looksBinary } from '@berth/cli-kit';
import { localBlobPath, parseDigest } from '@berth/content';
import type { Context } from '../../context.js';
import { openContent } from './store.js';
import { copyBlob } from './local.js';
import { UsageError, asUsage } from '../../usage.js';

export async function run(ctx: Context, [digest]: [string], opts: { output?: string }): Promise<void> {
  asUsage(() => parseDigest(digest));
  const store = openContent(ctx);
  const local = await localBlobPath(store, ctx.namespace, digest);
  if (local && opts.output) return copyTo(local, opts.output);
  if (local && !ctx.stdout.isTTY)
    return void (await pipeline(createReadStream(local, { highWaterMark: 1 << 20 }), ctx.stdout, {
      end: false,
    }));
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

/**
 * Writes `path` under a temporary name and renames it when complete, so a failed
 * read leaves no truncated file. Only for regular files: renaming over a device
 * or FIFO (`-o /dev/null`) would replace the node itself, so those are written in place.
 */
async function atomically(path: string, write: (dest: string) => Promise<void>): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile()) return write(path);
  const tmp = `${path}.berth-${process.pid}.tmp`;
  try {
    await write(tmp);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

const copyTo = (src: string, path: string) => atomically(path, (tmp) => copyBlob(src, tmp));

const toFile = (path: string, data: AsyncIterable<Uint8Array>) =>
  atomically(path, (tmp) => pipeline(data, createWriteStream(tmp)));
