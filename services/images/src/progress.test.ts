import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { progress, streamWhile, throttled } from './progress.js';
import type { Progress } from '@berth/proto/berth/images/v1';

async function collect(gen: AsyncGenerator<Progress>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of gen) out.push(`${p.ref}:${p.status}:${p.offset}`);
  return out;
}

describe('streamWhile', () => {
  it('yields what concurrent work emits, in order, until it settles', async () => {
    const out = await collect(
      streamWhile(async (emit) => {
        emit(progress('a', 'waiting'));
        await Promise.all([
          sleep(5).then(() => emit(progress('a', 'done'))),
          sleep(1).then(() => emit(progress('b', 'done'))),
        ]);
      }),
    );
    expect(out).toEqual(['a:waiting:0', 'b:done:0', 'a:done:0']);
  });

  it('rethrows the work error after the messages before it', async () => {
    const seen: string[] = [];
    const gen = streamWhile(async (emit) => {
      emit(progress('a', 'resolving'));
      await sleep(1);
      throw new Error('boom');
    });
    await expect(
      (async () => {
        for await (const p of gen) seen.push(p.status);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual(['resolving']);
  });
});

describe('throttled', () => {
  it('passes status changes and the final offset, drops offsets closer than the interval', () => {
    const out: number[] = [];
    const emit = throttled((p) => out.push(p.offset), 1000);
    emit(progress('l', 'downloading', 0, 100));
    for (let i = 1; i < 100; i++) emit(progress('l', 'downloading', i, 100));
    emit(progress('l', 'downloading', 100, 100));
    emit(progress('l', 'done', 100, 100));
    expect(out).toEqual([0, 100, 100]);
  });
});
