import { describe, it, expect } from 'vitest';
import { KeyedMutex } from './mutex.js';

describe('KeyedMutex', () => {
  it('serialises holders of one key and lets other keys run', async () => {
    const m = new KeyedMutex();
    const order: string[] = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await Promise.all([
      m.run('a', async () => {
        order.push('a1-start');
        await sleep(20);
        order.push('a1-end');
      }),
      m.run('a', async () => {
        order.push('a2');
      }),
      m.run('b', async () => {
        order.push('b');
      }),
    ]);
    expect(order.indexOf('a2')).toBeGreaterThan(order.indexOf('a1-end'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('a1-end'));
    expect(m.busy('a')).toBe(false);
  });

  it('releases the key when the holder throws', async () => {
    const m = new KeyedMutex();
    await expect(m.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(m.run('k', async () => 42)).resolves.toBe(42);
  });
});
