/** A pass-through stream that counts bytes for progress callbacks. */
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through, dropping the first `skip` of them and reporting the running count. */
export class ByteCounter extends Transform {
  private seen = 0;
  constructor(
    private skip: number,
    private readonly report: (n: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.skip > 0) {
      const drop = Math.min(this.skip, chunk.length);
      this.skip -= drop;
      chunk = chunk.subarray(drop);
    }
    if (chunk.length) {
      this.seen += chunk.length;
      this.report(this.seen);
    }
    done(null, chunk);
  }
}
