import { describe, it, expect } from 'vitest';
import { WRITE_CHUNK } from '@berth/content';
import { frames } from './ingest.js';

async function collect(input: Buffer[], skip = 0): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const f of frames(
    (async function* () {
      yield* input;
    })(),
    skip,
  ))
    out.push(f);
  return out;
}

describe('frames', () => {
  it('regroups small pieces into WRITE_CHUNK frames and keeps the bytes in order', async () => {
    const data = Buffer.alloc(2 * WRITE_CHUNK + 10);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    const pieces = [];
    for (let i = 0; i < data.length; i += 65536) pieces.push(data.subarray(i, i + 65536));
    const out = await collect(pieces);
    expect(out.map((f) => f.length)).toEqual([WRITE_CHUNK, WRITE_CHUNK, 10]);
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });
  it('passes whole 1 MiB reads through without copying', async () => {
    const chunk = Buffer.alloc(WRITE_CHUNK, 1);
    const [f] = await collect([chunk]);
    expect(f!.buffer).toBe(chunk.buffer);
  });
  it('skips the bytes the server already has', async () => {
    const out = await collect([Buffer.from('abc'), Buffer.from('defg')], 5);
    expect(Buffer.concat(out).toString()).toBe('fg');
  });
  it('fails when the input ends before the resume offset', async () => {
    await expect(collect([Buffer.from('abc')], 5)).rejects.toThrow(/ended 2 bytes before/);
  });
  it('yields nothing for empty input', async () => {
    expect(await collect([])).toEqual([]);
  });
});
