/**
 * Same-host shortcuts (berth.content.v1.LocalContent). When the CLI runs on the
 * engine's host, ingest names the file instead of streaming it through the
 * gateway, and get reads the blob file itself. Any refusal (another mount
 * namespace, a server without the service, no permission) returns undefined
 * and the caller falls back to containerd's streaming calls.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, open, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { resolve } from 'node:path';
import { LocalContentClient } from '@berth/proto/berth/content/v1';
import { serverStream, unary } from '@berth/grpc';
import { kindOf } from '@berth/errdefs';
import type { Labels } from '@berth/labels';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';

// Refusals that mean "this shortcut does not apply here", not "the request is wrong".
const FALLBACK = new Set(['NotImplemented', 'FailedPrecondition', 'PermissionDenied', 'NotFound']);

function fallbackOr<T>(err: unknown, ctx: Context): T | undefined {
  if (!FALLBACK.has(kindOf(err))) throw err;
  if (ctx.debug) ctx.stderr.write(`same-host path not used: ${(err as Error).message}\n`);
  return undefined;
}

export async function ingestLocal(
  ctx: Context,
  path: string,
  o: { ref?: string; expected: string; labels: Labels },
  /** Called with the offset the engine starts from (first = true), then as it advances. */
  onProgress?: (offset: number, first: boolean) => void,
): Promise<string | undefined> {
  const abs = resolve(path);
  const st = await stat(abs);
  const c = openClient(ctx, LocalContentClient);
  try {
    let digest = '';
    let first = true;
    const req = {
      path: abs,
      dev: st.dev,
      ino: st.ino,
      size: st.size,
      ref: o.ref ?? '',
      expected: o.expected,
      labels: o.labels,
    };
    for await (const p of serverStream(c, c.ingestFile, req, { ns: ctx.namespace, service: 'berth' })) {
      onProgress?.(p.offset, first);
      first = false;
      if (p.digest) digest = p.digest;
    }
    return digest || undefined;
  } catch (err) {
    // A digest mismatch is final: streaming the same bytes would fail the same way.
    if (o.expected && kindOf(err) === 'FailedPrecondition' && /digest/.test((err as Error).message))
      throw err;
    return fallbackOr(err, ctx);
  }
}

/** Copies the blob to `out` (a path) or returns its readable path; undefined to fall back. */
export async function locate(
  ctx: Context,
  digest: string,
): Promise<{ path: string; size: number } | undefined> {
  const c = openClient(ctx, LocalContentClient);
  let r;
  try {
    r = await unary(c, c.locate, { digest }, { ns: ctx.namespace, service: 'berth' });
  } catch (err) {
    if (kindOf(err) === 'NotFound') throw err; // the blob itself is missing: no fallback helps
    return fallbackOr(err, ctx);
  }
  try {
    // The server's path must be readable here (same host, enough privilege) and be the same size.
    const fh = await open(r.path, 'r');
    const size = (await fh.stat()).size;
    await fh.close();
    return size === r.size ? r : undefined;
  } catch (err) {
    if (ctx.debug) ctx.stderr.write(`same-host read not used: ${(err as Error).message}\n`);
    return undefined;
  }
}

/** Copies a located blob to `dest`: in the kernel (copy_file_range) for files, streamed to devices and FIFOs. */
export async function copyBlob(src: string, dest: string): Promise<void> {
  const st = await stat(dest).catch(() => undefined);
  if (st && !st.isFile())
    return pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), createWriteStream(dest));
  await copyFile(src, dest);
}
