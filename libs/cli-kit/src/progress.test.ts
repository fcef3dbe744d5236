import { describe, it, expect } from 'vitest';
import { ProgressBar, formatEta } from './progress.js';

const MiB = 1024 * 1024;

function fakeTty(columns = 100) {
  const writes: string[] = [];
  return { out: { columns, write: (s: string) => writes.push(s) }, writes };
}

describe('ProgressBar', () => {
  it('draws bytes, total, rate and ETA', () => {
    let t = 0;
    const { out, writes } = fakeTty();
    const bar = new ProgressBar(out, { total: 200 * MiB, now: () => t });
    t = 1000;
    bar.update(50 * MiB);
    expect(writes).toHaveLength(1);
    const line = writes[0]!;
    expect(line.startsWith('\r\x1b[2K')).toBe(true);
    expect(line.slice(5)).toMatch(/^\[=+> +\] {2}50\.0 MiB \/ 200\.0 MiB {2}50\.0 MiB\/s {2}ETA 3s$/);
  });
  it('redraws at most once per interval (~10 Hz)', () => {
    let t = 0;
    const { out, writes } = fakeTty();
    const bar = new ProgressBar(out, { total: 100, now: () => t });
    for (let i = 1; i <= 100; i++) {
      t = i * 10; // 100 updates over one second
      bar.update(i);
    }
    expect(writes.length).toBeGreaterThanOrEqual(9);
    expect(writes.length).toBeLessThanOrEqual(11);
  });
  it('leaves resumed bytes out of the rate', () => {
    let t = 0;
    const { out } = fakeTty();
    const bar = new ProgressBar(out, { total: 100 * MiB, start: 90 * MiB, now: () => t });
    t = 1000;
    bar.update(95 * MiB);
    expect(bar.render(t)).toContain('5.0 MiB/s  ETA 1s');
  });
  it('fits a narrow terminal and clears its line on finish', () => {
    let t = 0;
    const { out, writes } = fakeTty(30);
    const bar = new ProgressBar(out, { total: 10 * MiB, now: () => t });
    t = 200;
    bar.update(MiB);
    expect(writes[0]!.replace('\r\x1b[2K', '').length).toBeLessThan(30);
    bar.finish();
    bar.finish();
    expect(writes.slice(1)).toEqual(['\r\x1b[2K']);
  });
  it('assumes 80 columns when the terminal reports none', () => {
    const { out } = fakeTty(0);
    const bar = new ProgressBar(out, { total: 100 * MiB, now: () => 1000 });
    expect(bar.render(2000)).toMatch(/^\[.*ETA/);
  });
  it('does not clear a line it never drew', () => {
    const { out, writes } = fakeTty();
    new ProgressBar(out, { total: 1 }).finish();
    expect(writes).toEqual([]);
  });
});

describe('formatEta', () => {
  it('uses seconds, then minutes, then hours', () => {
    expect(formatEta(4.2)).toBe('5s');
    expect(formatEta(185)).toBe('3m05s');
    expect(formatEta(3720)).toBe('1h02m');
  });
});
