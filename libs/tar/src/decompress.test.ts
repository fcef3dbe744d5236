import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import { decompress, detectCompression } from './decompress.js';
import { hasCommand } from '../test/helpers.js';

// `size`-byte chunks, the first few of one byte (the sniffer must gather its 6 bytes).
async function* chunked(buf: Buffer, size: number) {
  let i = 0;
  for (; i < Math.min(3, buf.length); i++) yield buf.subarray(i, i + 1);
  for (; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

// Returns the output's sha256 (vitest's deep equality is slow on big buffers).
async function inflate(blob: Buffer, size = 1000): Promise<{ compression: string; out: string }> {
  const d = await decompress(chunked(blob, size));
  const h = createHash('sha256');
  for await (const c of d.chunks) h.update(c);
  return { compression: d.compression, out: h.digest('hex') };
}

const sum = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const kindOfRejection = (p: Promise<unknown>) => p.then(() => 'resolved', kindOf);

describe('detectCompression', () => {
  it.each([
    [[0x1f, 0x8b, 0x08, 0], 'gzip'],
    [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
    [[0x61, 0x62, 0x63], 'none'],
    [[], 'none'],
  ])('sniffs %j as %s', (bytes, want) => {
    expect(detectCompression(Buffer.from(bytes))).toBe(want);
  });

  it.each([
    ['bzip2', Buffer.from('BZh91AY&SY')],
    ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00])],
  ])('refuses %s with NotImplemented', (_name, head) => {
    expect(() => detectCompression(head)).toThrow(/not supported/);
    try {
      detectCompression(head);
    } catch (err) {
      expect(kindOf(err)).toBe('NotImplemented');
    }
  });
});

describe('decompress', () => {
  const data = Buffer.concat([randomBytes(200_000), Buffer.alloc(300_000, 'a')]);

  it('passes plain data through, sniffing across tiny first chunks', async () => {
    expect(await inflate(data, 1000)).toEqual({ compression: 'none', out: sum(data) });
    expect(await inflate(Buffer.from('ab'))).toEqual({ compression: 'none', out: sum(Buffer.from('ab')) });
  });

  it('gunzips concatenated members', async () => {
    const gz = Buffer.concat([gzipSync(data.subarray(0, 1000)), gzipSync(data.subarray(1000))]);
    expect(await inflate(gz, 4096)).toEqual({ compression: 'gzip', out: sum(data) });
  });

  it('fails a corrupt gzip with DataLoss', async () => {
    const gz = Buffer.from(gzipSync(data));
    gz[100] ^= 0xff;
    expect(await kindOfRejection(inflate(gz))).toBe('DataLoss');
  });

  it.skipIf(!hasCommand('zstd'))(
    'decompresses zstd (multi-frame) and fails corrupt zstd with DataLoss',
    async () => {
      const zst = (b: Buffer) => execFileSync('zstd', ['-q', '-c', '-3'], { input: b });
      const two = Buffer.concat([zst(data.subarray(0, 7000)), zst(data.subarray(7000))]);
      expect(await inflate(two, 3000)).toEqual({ compression: 'zstd', out: sum(data) });
      // NOTE: fzstd does not check zstd's optional content checksum, so flipped bytes inside
      // a block may go unnoticed here; the caller's diffID comparison catches those.
      const bad = Buffer.from(zst(data));
      bad.fill(0xff, 6, 12); // frame header and first block header: invalid
      expect(await kindOfRejection(inflate(bad))).toBe('DataLoss');
      expect(await kindOfRejection(inflate(zst(data).subarray(0, 5000)))).toBe('DataLoss');
    },
  );
});
