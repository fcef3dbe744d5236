/**
 * `berth content ingest <file|-> [--ref R] [--expected D] [--label k=v]…`:
 * streams a file into the content store and prints its digest.
 *
 * Resumable: the default ref for a file is `ingest-<name>-<size>-<mtime>`, so a
 * rerun after an interruption opens the same ingest, whose status says how
 * much the server already has; the file is read from there on.
 *
 * Fastest on the engine's host: the content service reads the named file
 * itself (LocalContent.IngestFile), unless --stream is given or it cannot.
 *
 * Otherwise: the file is read in WRITE_CHUNK (1 MiB) frames and up to WINDOW WRITE
 * frames are in flight at once, so reading the file, the socket and the
 * server's hashing overlap. The client never hashes: the server computes the
 * digest and checks `--expected`.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ProgressBar } from '@berth/cli-kit';
import { WRITE_CHUNK, parseDigest, type Writer } from '@berth/content';
import { failedPrecondition, isAlreadyExists, isFailedPrecondition } from '@berth/errdefs';
import { parseLabelArgs, type Labels } from '@berth/labels';
import type { Context } from '../../context.js';
import { openContent } from './store.js';
import { ingestLocal } from './local.js';
import { asUsage } from '../../usage.js';

/** WRITE frames sent ahead of their responses. The server handles them in order. */
const WINDOW = 4;
/** Smallest input that gets a progress bar. */
const PROGRESS_MIN = 8 * 1024 * 1024;

interface IngestOptions {
  /** Stream the bytes even when the engine could read the file itself. */
  stream?: boolean;
  ref?: string;
  expected?: string;
  label?: string[];
}

/** Where the bytes come from: a regular file (known size, seekable) or a stream. */
interface Source {
  name: string;
  /** Size in bytes; undefined for a stream. */
  size: number | undefined;
  defaultRef: string;
  /** Returns the frames from `offset` on (a stream skips that many bytes). */
  frames(offset: number): AsyncIterable<Buffer>;
}

export async function run(ctx: Context, [path]: [string], opts: IngestOptions): Promise<void> {
  const expected = opts.expected ? asUsage(() => parseDigest(opts.expected ?? '')) : '';
  const labels = asUsage(() => parseLabelArgs(opts.label ?? []));
  const src = path === '-' ? streamSource('stdin', process.stdin) : await fileSource(path);
  const ref = opts.ref ?? src.defaultRef;
  if (src.size !== undefined && !opts.stream) {
    const digest = await ingestOnHost(ctx, path, src, ref, expected, labels);
    if (digest) return void ctx.stdout.write(digest + '\n');
  }
  const store = openContent(ctx);

  let w: Writer;
  try {
    w = await store.writer(ctx.namespace, { ref, total: src.size ?? 0, expected });
  } catch (err) {
    // Like ctr: content that is already there is success.
    if (expected && isAlreadyExists(err)) return void ctx.stdout.write(expected + '\n');
    throw err;
  }
  const offset = resumeOffset(w, src, ref);
  if (offset > 0) ctx.stderr.write(`resuming at ${offset} bytes\n`);
  const bar = progressBar(ctx, src, offset);
  const resumable = src.size !== undefined || opts.ref !== undefined;
  process.once('SIGINT', () => {
    bar?.finish();
    ctx.stderr.write(
      resumable ? `interrupted: rerun the same command to resume (ref ${ref})\n` : 'interrupted\n',
    );
    process.exit(130);
  });
  try {
    const size = await pump(w, src.frames(offset), offset, bar && ((n) => bar.update(n)));
    // Erase the bar before anything else reaches the terminal.
    bar?.finish();
    ctx.stdout.write((await commit(w, size, expected, labels)) + '\n');
  } catch (err) {
    // Bytes that fail verification can never commit under this ref: a rerun would only
    // resume into the same failure, so drop them (best effort) rather than keep them.
    if (isFailedPrecondition(err)) await store.abort(ctx.namespace, ref).catch(() => undefined);
    throw err;
  } finally {
    bar?.finish();
  }
}

/**
 * The same-host path: the engine reads the file itself, under the same ref as the
 * streaming path (so either resumes the other's interrupted ingest). Undefined
 * means "not possible here"; a digest mismatch drops the ingest as below.
 */
async function ingestOnHost(
  ctx: Context,
  path: string,
  src: Source,
  ref: string,
  expected: string,
  labels: Labels,
): Promise<string | undefined> {
  let bar: ProgressBar | undefined;
  const progress = (offset: number, first: boolean) => {
    if (first && offset > 0) ctx.stderr.write(`resuming at ${offset} bytes\n`);
    bar ??= progressBar(ctx, src, offset);
    bar?.update(offset);
  };
  try {
    return await ingestLocal(ctx, path, { ref, expected, labels }, progress);
  } catch (err) {
    if (isFailedPrecondition(err))
      await openContent(ctx)
        .abort(ctx.namespace, ref)
        .catch(() => undefined);
    throw err;
  } finally {
    bar?.finish();
  }
}

/** Returns a progress bar on stderr for a large file when stderr is a terminal. */
function progressBar(ctx: Context, src: Source, offset: number): ProgressBar | undefined {
  if (!ctx.stderr.isTTY || src.size === undefined || src.size < PROGRESS_MIN) return undefined;
  return new ProgressBar(ctx.stderr, { total: src.size, start: offset });
}

/** Returns where to continue: the server's offset for this ref, checked against the source. */
function resumeOffset(w: Writer, src: Source, ref: string): number {
  const st = w.status();
  const stale = src.size !== undefined && ((st.total !== 0 && st.total !== src.size) || st.offset > src.size);
  if (stale)
    throw failedPrecondition(
      `ingest ${ref} holds ${st.offset} of ${st.total} bytes, which does not match ${src.name} (${src.size} bytes): ` +
        `run 'berth content abort ${ref}' or pass another --ref`,
    );
  return st.offset;
}

/** Sends every frame, WINDOW at a time; returns the final offset. */
async function pump(
  w: Writer,
  frames: AsyncIterable<Buffer>,
  start: number,
  onProgress?: (done: number) => void,
): Promise<number> {
  const inflight: Promise<void>[] = [];
  let offset = start;
  for await (const frame of frames) {
    const end = offset + frame.length;
    const sent = w.write(offset, frame).then(() => onProgress?.(end));
    // Marked handled now: if the stream fails, every pending write rejects, and only the
    // oldest is awaited; the rest must not surface as unhandled rejections.
    sent.catch(() => undefined);
    inflight.push(sent);
    offset = end;
    if (inflight.length >= WINDOW) await inflight.shift();
  }
  await Promise.all(inflight);
  return offset;
}

async function commit(w: Writer, size: number, expected: string, labels: Labels): Promise<string> {
  try {
    return await w.commit(size, expected, labels);
  } catch (err) {
    // The same bytes were committed meanwhile (or earlier, without --expected): success.
    // w.digest() is the server's digest of everything written, so no client hashing.
    if (isAlreadyExists(err)) return expected || w.digest();
    throw err;
  }
}

async function fileSource(path: string): Promise<Source> {
  const st = await stat(path);
  // A pipe, fifo or /dev/stdin has no size and cannot be reopened at an offset.
  if (!st.isFile()) return streamSource(path, createReadStream(path, { highWaterMark: WRITE_CHUNK }));
  return {
    name: path,
    size: st.size,
    defaultRef: `ingest-${basename(path)}-${st.size}-${Math.trunc(st.mtimeMs)}`,
    frames: (offset) => frames(createReadStream(path, { start: offset, highWaterMark: WRITE_CHUNK }), 0),
  };
}

function streamSource(name: string, input: AsyncIterable<Buffer>): Source {
  return {
    name,
    size: undefined,
    defaultRef: `ingest-${name === 'stdin' ? 'stdin' : basename(name)}-${randomUUID()}`,
    frames: (offset) => frames(input, offset),
  };
}

/**
 * Regroups `input` into frames of exactly WRITE_CHUNK bytes (the last may be
 * shorter), after discarding the first `skip` bytes. File streams already read
 * 1 MiB at a time and pass through without copies; pipes deliver 64 KiB pieces.
 */
export async function* frames(input: AsyncIterable<Buffer>, skip: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let len = 0;
  for await (const chunk of input) {
    let b = chunk;
    if (skip > 0) {
      const n = Math.min(skip, b.length);
      skip -= n;
      b = b.subarray(n);
      if (b.length === 0) continue;
    }
    parts.push(b);
    len += b.length;
    while (len >= WRITE_CHUNK) {
      const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, len);
      yield all.subarray(0, WRITE_CHUNK);
      const rest = all.subarray(WRITE_CHUNK);
      parts = rest.length ? [rest] : [];
      len = rest.length;
    }
  }
  if (skip > 0) throw failedPrecondition(`input ended ${skip} bytes before the offset the ingest resumes at`);
  if (len) yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, len);
}
