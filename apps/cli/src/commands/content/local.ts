/**
 * Same-host shortcuts (berth.content.v1.LocalContent). When the CLI runs on the
 * engine's host, ingest names the file instead of streaming it through the
 * gateway, and get reads the blob file itself. Any refusal (another mount
 * namespace, a server without the service, no permission) returns undefined
 * and the caller falls back to containerd's streaming calls.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { resolve } from 'node:path';
import { LocalContentClient } from '@berth/proto/berth/content/v1';
import { serverStream } from '@berth/grpc';
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

/** Copies a located blob to `dest`: in the kernel (copy_file_range) for files, streamed to devices and FIFOs. */
export async function copyBlob(src: string, dest: string): Promise<void> {
  const st = await stat(dest).catch(() => undefined);
  if (st && !st.isFile())
    return pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), createWriteStream(dest));
  await copyFile(src, dest);
}
