import { describe, it, expect } from 'vitest';
import { Outbox } from './outbox.js';

const item = (n: number) => ({ subject: `s${n}`, data: new Uint8Array([n]) });

describe('Outbox', () => {
  it('keeps FIFO order and drops the oldest when full', () => {
    const o = new Outbox(3);
    for (let i = 0; i < 5; i++) o.push(item(i));
    expect(o.size).toBe(3);
    expect(o.dropped).toBe(2);
    expect(o.peek(10).map((x) => x.subject)).toEqual(['s2', 's3', 's4']);
  });

  it('removes acknowledged items out of order', () => {
    const o = new Outbox(10);
    const items = [item(1), item(2), item(3)];
    items.forEach((i) => o.push(i));
    o.remove(items[1]!);
    o.remove(items[0]!);
    expect(o.peek(10)).toEqual([items[2]]);
    o.remove(items[0]!); // already gone: no-op
    expect(o.size).toBe(1);
  });

  it('stays bounded over many cycles', () => {
    const o = new Outbox(5);
    for (let i = 0; i < 10_000; i++) {
      const it = item(i % 250);
      o.push(it);
      o.remove(it);
    }
    expect(o.size).toBe(0);
  });
});
