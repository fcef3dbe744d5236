import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { GcLock, withGcHold, withGcHoldStream } from './hold.js';

describe('gc hold', () => {
  it('runs a collection only after the holds in flight, and queues new holds behind it', async () => {
    const lock = new GcLock();
    const order: string[] = [];
    let release!: () => void;
    const held = withGcHold(
      () =>
        new Promise<void>((r) => {
          order.push('pull start');
          release = () => {
            order.push('pull end');
            r();
          };
        }),
      lock,
    );
    await sleep(1);
    const gc = lock.exclusive(async () => {
      order.push('gc');
    });
    const later = withGcHold(async () => {
      order.push('import');
    }, lock);
    await sleep(5);
    expect(order).toEqual(['pull start']);
    release();
    await Promise.all([held, gc, later]);
    expect(order).toEqual(['pull start', 'pull end', 'gc', 'import']);
    expect(lock.active).toBe(0);
  });

  it('holds a stream from its first read until it ends or is closed', async () => {
    const lock = new GcLock();
    async function* gen() {
      yield 1;
      yield 2;
    }
    const s = withGcHoldStream(gen, lock);
    expect(lock.active).toBe(0);
    expect((await s.next()).value).toBe(1);
    expect(lock.active).toBe(1);
    await s.return(undefined);
    expect(lock.active).toBe(0);
  });
});
