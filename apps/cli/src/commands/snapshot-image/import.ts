/**
 * `berth import [-c CHANGE]… [-m MESSAGE] [--platform P] FILE|- [REPOSITORY[:TAG]]`:
 * a root filesystem tarball (plain, gzip or zstd: sniffed) becomes a one-layer
 * image, as docker import. Prints `sha256:<config digest>`, the image ID.
 *
 * 1. The tarball is stored as the layer blob: a plain tar is gzipped on the way
 *    (its first block must be a tar header, checked before anything is written),
 *    gzip and zstd are stored as they are.
 * 2. The layer is applied into a new snapshot with Diff.Apply, which reads the whole
 *    tar (rejecting a corrupt or malicious one) and returns its diffID; the snapshot
 *    is committed under that chain ID, so the later unpack has nothing left to do.
 * 3. An OCI config (platform, diffID, history, `-c` changes) and manifest are stored,
 *    the image is recorded and unpacked.
 *
 * Under one lease; any failure deletes what this command created, so a file that is
 * not a tar leaves no blob, snapshot or image behind. Without REPOSITORY the image is
 * recorded as `moby-dangling@<manifest digest>`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { unary } from '@berth/grpc';
import { WRITE_CHUNK, setBlobLabels } from '@berth/content';
import {
  fromSystemError,
  invalidArgument,
  isAlreadyExists,
  isBerthError,
  isInvalidArgument,
  kindOf,
  wrap,
} from '@berth/errdefs';
import { defaultPlatform, parsePlatform, uncompressedLabel, type Descriptor } from '@berth/image';
import type { Context } from '../../context.js';
import { UsageError, asUsage } from '../../usage.js';
import { applyChanges, parseChanges } from './changes.js';
import { imageBlobs, importConfig, layerMediaType } from './build-image.js';
import { Engine, SNAPSHOTTER, randomSuffix } from './engine.js';
import { checkImageName, sniffCompression, tarHeaderProblem, type Compression } from './pure.js';

interface ImportOptions {
  change?: string[];
  message?: string;
  platform?: string;
}

/** What import read and stored: the layer blob as it is in the manifest. */
interface StoredLayer {
  descriptor: Descriptor;
  compression: Compression;
}

export async function run(
  ctx: Context,
  [file, repository]: [string, string | undefined],
  opts: ImportOptions,
): Promise<void> {
  const changes = asUsage(() => parseChanges(opts.change ?? []));
  asUsage(() => checkImageName(repository));
  const platform = opts.platform ? asUsage(() => parsePlatform(opts.platform ?? '')) : defaultPlatform();
  const runConfig = asUsage(() => applyChanges({}, changes));
  if (/^[a-z]+:\/\//i.test(file)) throw new UsageError(`importing from a URL is not supported: ${file}`);
  const name = file === '-' ? 'stdin' : file;
  if (file === '-' && process.stdin.isTTY)
    throw new UsageError('requested import from stdin, but stdin is a terminal: give a FILE or redirect');
  if (file !== '-') {
    const st = await stat(file).catch((err: unknown) => {
      throw invalidArgument(`cannot read ${file}: ${(err as Error).message}`, err);
    });
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice())
      throw invalidArgument(`cannot import ${file}: not a file`);
  }
  const input: AsyncIterable<Buffer> =
    file === '-' ? process.stdin : createReadStream(file, { highWaterMark: WRITE_CHUNK });

  const e = new Engine(ctx);
  const configDigest = await e.withLease('import', async () => {
    let snapshot: string | undefined;
    try {
      const layer = await storeLayer(e, input, name);
      const applied = await applyLayer(e, layer.descriptor, name);
      const diffId = applied.diffId;
      if (applied.committed) snapshot = diffId;
      await setBlobLabels(e.content, e.ns, layer.descriptor.digest, uncompressedLabel(diffId));
      const descriptor = { ...layer.descriptor, mediaType: layerMediaType('oci', layer.compression) };
      const config = importConfig(
        { descriptor, diffId },
        {
          created: new Date(),
          platform,
          comment: opts.message || `Imported from ${file === '-' ? '-' : file}`,
          config: runConfig,
        },
      );
      return await e.storeImage(repository, imageBlobs('oci', config, [descriptor]));
    } catch (err) {
      if (snapshot) await e.removeSnapshot(snapshot).catch(() => undefined);
      await e.discardCreated();
      throw err;
    }
  });
  ctx.stdout.write(`${configDigest}\n`);
}

/** Splits off the first `n` bytes of a stream (fewer at its end) and returns them with the rest. */
async function head(
  input: AsyncIterable<Buffer>,
  n: number,
): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const it = input[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let len = 0;
  let done = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    parts.push(r.value);
    len += r.value.length;
  }
  const first = Buffer.concat(parts, len);
  async function* all(): AsyncGenerator<Buffer> {
    if (first.length) yield first;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { head: first, all: all() };
}

/** Writes the tarball as the layer blob (gzipping a plain tar); returns its descriptor. */
async function storeLayer(e: Engine, input: AsyncIterable<Buffer>, name: string): Promise<StoredLayer> {
  const { head: first, all } = await head(input, 512);
  if (first.length === 0) throw invalidArgument(`${name} is empty: not a tar archive`);
  const compression = (() => {
    try {
      return sniffCompression(first);
    } catch (err) {
      throw invalidArgument(`cannot import ${name}: ${(err as Error).message}`, err);
    }
  })();
  if (compression === 'none') {
    const problem = tarHeaderProblem(first);
    if (problem) throw invalidArgument(`${name} is not a tar archive: ${problem}`);
  }
  const blob: AsyncIterable<Buffer> =
    compression === 'none' ? Readable.from(all).pipe(createGzip({ level: 6 })) : all;
  const ref = `berth-import-${randomSuffix()}`;
  const w = await e.content.writer(e.ns, { ref }, e.lease);
  const hash = createHash('sha256');
  let offset = 0;
  try {
    let pending: Buffer[] = [];
    let pendingLen = 0;
    const flush = async () => {
      const frame = Buffer.concat(pending, pendingLen);
      pending = [];
      pendingLen = 0;
      await w.write(offset, frame);
      offset += frame.length;
    };
    for await (const chunk of blob) {
      hash.update(chunk);
      pending.push(chunk);
      pendingLen += chunk.length;
      if (pendingLen >= WRITE_CHUNK) await flush();
    }
    if (pendingLen) await flush();
  } catch (err) {
    await w.close().catch(() => undefined);
    await e.content.abort(e.ns, ref).catch(() => undefined);
    throw isBerthError(err) ? err : fromSystemError(err, `reading ${name}`);
  }
  const digest = `sha256:${hash.digest('hex')}`;
  try {
    await w.commit(offset, digest, {});
    e.created.push(digest);
  } catch (err) {
    await w.close().catch(() => undefined);
    if (!isAlreadyExists(err)) {
      await e.content.abort(e.ns, ref).catch(() => undefined);
      throw err;
    }
  }
  return { descriptor: { mediaType: layerMediaType('oci', compression), digest, size: offset }, compression };
}

/**
 * Applies the layer into a new snapshot committed under its chain ID (its diffID, as the
 * only layer); returns the diffID and whether this call committed that snapshot. A tar the
 * applier refuses is named in the error.
 */
async function applyLayer(
  e: Engine,
  layer: Descriptor,
  name: string,
): Promise<{ diffId: string; committed: boolean }> {
  const key = `berth-import-${randomSuffix()}`;
  const snapshotter = SNAPSHOTTER;
  const { mounts } = await unary(
    e.snapshots,
    e.snapshots.prepare,
    { snapshotter, key, parent: '', labels: {} },
    e.opts(),
  );
  try {
    let diffId: string;
    try {
      const { applied } = await unary(
        e.diff,
        e.diff.apply,
        { diff: { ...layer, annotations: {} }, mounts, payloads: {} },
        e.opts(),
      );
      diffId = applied?.digest ?? '';
    } catch (err) {
      if (isInvalidArgument(err) || kindOf(err) === 'DataLoss')
        throw wrap(err, `${name} is not a valid tar archive`);
      throw err;
    }
    try {
      await unary(e.snapshots, e.snapshots.commit, { snapshotter, name: diffId, key, labels: {} }, e.opts());
      return { diffId, committed: true };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      await e.removeSnapshot(key); // the same layer is unpacked already
      return { diffId, committed: false };
    }
  } catch (err) {
    await e.removeSnapshot(key).catch(() => undefined);
    throw err;
  }
}
