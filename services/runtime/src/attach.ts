/**
 * Client side of berth-monitor's attach socket: docker stdcopy frames
 * (8-byte header: stream, 0, 0, 0, big-endian length) carrying stdout (1) and
 * stderr (2), then one stream-3 frame with the exit JSON before the monitor
 * closes. Input is raw bytes; our half-close means "end of my stdin".
 */
import { connect, type Socket } from 'node:net';
import { failedPrecondition } from '@berth/errdefs';

export interface Frame {
  stream: 1 | 2 | 3;
  data: Buffer;
}

/** Splits a byte stream into frames; keeps a partial frame for the next chunk. */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Frame[] = [];
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + len) break;
      const stream = this.buf[0] as 1 | 2 | 3;
      out.push({ stream, data: Buffer.from(this.buf.subarray(8, 8 + len)) });
      this.buf = this.buf.subarray(8 + len);
    }
    return out;
  }
}

export async function connectAttach(path: string, what: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
          ? failedPrecondition(`${what} is not running`)
          : err,
      ),
    );
  });
}

/** Frames from a connected attach socket, until the monitor closes it. */
export async function* frames(sock: Socket): AsyncGenerator<Frame> {
  const p = new FrameParser();
  for await (const chunk of sock as AsyncIterable<Buffer>) yield* p.push(chunk);
}
