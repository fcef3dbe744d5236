/**
 * applyLayer: a layer blob in, files under a root out, and the layer's diffID.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { canceled, fromSystemError, invalidArgument, isBerthError } from '@berth/errdefs';
import { silentLogger, type Logger } from '@berth/log';
import { decompress, type Compression } from './decompress.js';
import { Extractor } from './extract.js';
import { LayerHash } from './hasher.js';
import { TarReader } from './reader.js';
import type { WhiteoutMode } from './whiteouts.js';

/** Options of applyLayer. */
export interface ApplyOptions {
  /**
   * How `.wh.*` entries are applied: 'overlay' when `root` is an overlay upper dir
   * (whiteout devices, opaque xattr), 'remove' when it is a plain tree (delete).
   */
  whiteouts: WhiteoutMode;
  /** Aborts the apply; it then fails with Canceled. */
  signal?: AbortSignal;
  log?: Logger;
}

/** What applyLayer read. */
export interface ApplyResult {
  /** `sha256:<hex>` of the uncompressed tar stream, trailing blocks included: the diffID. */
  diffId: string;
  /** Bytes of the uncompressed tar stream. */
  size: number;
  /** The compression found in the blob's first bytes. */
  compressed: Compression;
}

/**
 * Unpacks a layer blob (tar, tar+gzip or tar+zstd, sniffed from its bytes) into `root`,
 * reading `input` to its end, and returns the diffID of the uncompressed tar.
 *
 * Nothing is created, changed or followed outside `root`: names with `..` climbing above
 * it are refused, symlinks in parent paths are resolved inside it, and nothing is written
 * through a symlink (see ./extract.ts). Ownership is restored when running as root.
 *
 * Throws InvalidArgument for a malformed or malicious tar (naming the entry), DataLoss for
 * corrupt compressed data, NotImplemented for unsupported formats (bzip2, xz, GNU sparse,
 * non-UTF-8 names), Canceled when `signal` aborts, and the mapped kind of any filesystem
 * error. On failure `root` is left partly written: the caller discards it.
 */
export async function applyLayer(input: Readable, root: string, opts: ApplyOptions): Promise<ApplyResult> {
  const log = opts.log ?? silentLogger();
  const dir = resolve(root);
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    throw fromSystemError(err, `apply layer: root ${dir}`);
  }
  if (!st.isDirectory()) throw invalidArgument(`apply layer: root ${dir} is not a directory`);
  const { signal } = opts;
  signal?.throwIfAborted();
  const onAbort = () => input.destroy(canceled('apply layer: canceled', signal?.reason));
  signal?.addEventListener('abort', onAbort, { once: true });

  const hash = new LayerHash();
  let size = 0;
  const extractor = new Extractor({ root: dir, whiteouts: opts.whiteouts, log });
  const reader = new TarReader(extractor);
  try {
    const { compression, chunks } = await decompress(input);
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.length;
      // After the end-of-archive marker the rest (GNU tar's record padding) is only hashed.
      if (!reader.ended) reader.push(chunk);
    }
    if (signal?.aborted) throw canceled('apply layer: canceled', signal.reason);
    reader.finish();
    extractor.finish();
    const diffId = `sha256:${await hash.digest()}`;
    log.debug({ size, compression, digest: diffId }, 'layer applied');
    return { diffId, size, compressed: compression };
  } catch (err) {
    extractor.abort();
    input.destroy();
    if (signal?.aborted && !isBerthError(err)) throw canceled('apply layer: canceled', err);
    throw err;
  } finally {
    hash.dispose();
    signal?.removeEventListener('abort', onAbort);
  }
}
