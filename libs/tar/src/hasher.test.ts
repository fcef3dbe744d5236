import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LayerHash } from './hasher.js';

const reference = (chunks: Buffer[]) => {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
};

describe('LayerHash', () => {
  it.each([
    ['empty', 0, 1],
    ['small (inline)', 3 << 20, 65536],
    ['just over the worker threshold', (8 << 20) + 1, 65536],
    ['bigger than the queue cap, odd chunk sizes', 100 << 20, 777_777],
  ])('matches createHash for %s input', async (_what, size, chunk) => {
    const data = randomBytes(Math.min(size, 1 << 20));
    const chunks: Buffer[] = [];
    for (let off = 0; off < size; off += chunk) {
      const n = Math.min(chunk, size - off);
      chunks.push(Buffer.concat([data, data]).subarray(off % data.length, (off % data.length) + n));
    }
    const h = new LayerHash();
    try {
      for (const c of chunks) h.update(c);
      expect(await h.digest()).toBe(reference(chunks));
    } finally {
      h.dispose();
    }
  });
});
