/**
 * berth.content.v1.LocalContent: same-host shortcuts. IngestFile reads a file
 * the client names (after checking it is the very file the client sees, by
 * device and inode) through the normal Writer, so locking, resumption and
 * verification are the ones Content.Write uses — minus two gRPC hops per
 * byte. Locate hands out a blob's path for a same-host client to read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type {
  IngestFileProgress,
  IngestFileRequest,
  LocateRequest,
  LocateResponse,
} from '@berth/proto/berth/content/v1';
import { failedPrecondition, fromSystemError, invalidArgument, isAlreadyExists } from '@berth/errdefs';
import type { CallContext } from '@berth/grpc';
import type { ContentStore } from '@berth/content';
import type { FsBlobStore } from './blob-store.js';

/** Read size: large reads keep the hash busy and the syscall count low. */
const CHUNK = 4 << 20;
/** Progress messages are sent at most this often (bytes). */
const PROGRESS_EVERY = 64 << 20;

async function openChecked(
  req: IngestFileRequest,
): Promise<{ fh: FileHandle; size: number; mtimeMs: number }> {
  if (!req.path.startsWith('/'))
    throw invalidArgument(`ingest file: ${JSON.stringify(req.path)} is not an absolute path`);
  const fh = await open(req.path, 'r').catch((err) => {
    throw fromSystemError(err, `ingest file ${req.path}`);
  });
  const st = await fh.stat();
  const mismatch = !st.isFile()
    ? 'is not a regular file'
    : req.dev && (st.dev !== req.dev || st.ino !== req.ino)
      ? 'is not the file the client sees (another mount namespace?)'
      : req.size && st.size !== req.size
        ? `changed size (${st.size} bytes, client saw ${req.size})`
        : undefined;
  if (mismatch) {
    await fh.close();
    throw failedPrecondition(`ingest file ${req.path} ${mismatch}`);
  }
  return { fh, size: st.size, mtimeMs: st.mtimeMs };
}

export class LocalContentServer {
  constructor(
    private readonly store: ContentStore,
    private readonly blobs: FsBlobStore,
  ) {}

  async *ingestFile(req: IngestFileRequest, ctx: CallContext): AsyncGenerator<IngestFileProgress> {
    const { fh, size, mtimeMs } = await openChecked(req);
    try {
      const ref = req.ref || `file-${req.dev}-${req.ino}-${size}-${Math.trunc(mtimeMs)}`;
      let w;
      try {
        w = await this.store.writer(ctx.ns, { ref, total: size, expected: req.expected }, ctx.lease);
      } catch (err) {
        if (isAlreadyExists(err)) return yield { offset: size, total: size, digest: req.expected };
        throw err;
      }
      try {
        let offset = w.status().offset; // an earlier interrupted ingest of the same file resumes
        let lastReport = offset;
        yield { offset, total: size, digest: '' }; // where this ingest starts
        const read = (pos: number) => fh.read(Buffer.allocUnsafe(CHUNK), 0, CHUNK, pos);
        let next = read(offset);
        for (;;) {
          const { buffer, bytesRead } = await next;
          if (bytesRead === 0) break;
          next = read(offset + bytesRead); // read ahead while this chunk is hashed and written
          await w.write(offset, buffer.subarray(0, bytesRead));
          offset += bytesRead;
          if (offset - lastReport >= PROGRESS_EVERY) {
            lastReport = offset;
            yield { offset, total: size, digest: '' };
          }
          if (ctx.signal.aborted) return;
        }
        let digest: string;
        try {
          digest = await w.commit(size, req.expected, req.labels);
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
          digest = w.digest();
        }
        yield { offset, total: size, digest };
      } finally {
        await w.close();
      }
    } finally {
      await fh.close();
    }
  }

  async locate(req: LocateRequest, ctx: CallContext): Promise<LocateResponse> {
    const info = await this.store.info(ctx.ns, req.digest);
    return { path: this.blobs.blobPath(info.digest), size: info.size };
  }
}
