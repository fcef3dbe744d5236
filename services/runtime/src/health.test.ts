import { describe, expect, it } from 'vitest';
import { applyProbe, goDuration, parseHealthcheck, probeArgs, type ProbeResult } from './health.js';
import type { HealthRecord } from './task-store.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const at = (ms: number, exitCode: number): ProbeResult => ({
  start: new Date(T0 + ms).toISOString(),
  end: new Date(T0 + ms + 5).toISOString(),
  exitCode,
  output: `probe at ${ms}`,
});
const starting: HealthRecord = { status: 'starting', failingStreak: 0, log: [] };

describe('health checks', () => {
  it('reads the label, with docker defaults, and no check for NONE or nothing to run', () => {
    expect(parseHealthcheck(JSON.stringify({ test: ['CMD-SHELL', 'true'] }))).toEqual({
      test: ['CMD-SHELL', 'true'],
      intervalMs: 30_000,
      timeoutMs: 30_000,
      retries: 3,
      startPeriodMs: 0,
    });
    const c = { test: ['CMD', 'ls', '/'], intervalMs: 100, timeoutMs: 50, retries: 1, startPeriodMs: 7 };
    expect(parseHealthcheck(JSON.stringify(c))).toEqual(c);
    for (const none of [undefined, '', '{', '{"test":["NONE"]}', '{"test":[]}', '{"test":["CMD"]}'])
      expect(parseHealthcheck(none)).toBeUndefined();
  });

  it('runs CMD-SHELL through /bin/sh -c and CMD as is', () => {
    expect(probeArgs(['CMD-SHELL', 'test -f /x'])).toEqual(['/bin/sh', '-c', 'test -f /x']);
    expect(probeArgs(['CMD', 'test', '-f', '/x'])).toEqual(['test', '-f', '/x']);
  });

  it('starting → healthy on the first success, unhealthy after `retries` failures in a row', () => {
    const cfg = { retries: 2, startPeriodMs: 0 };
    let h = applyProbe(starting, at(100, 1), cfg, T0);
    expect(h).toMatchObject({ status: 'starting', failingStreak: 1 });
    h = applyProbe(h, at(200, 0), cfg, T0);
    expect(h).toMatchObject({ status: 'healthy', failingStreak: 0 });
    h = applyProbe(h, at(300, 1), cfg, T0);
    expect(h).toMatchObject({ status: 'healthy', failingStreak: 1 });
    h = applyProbe(h, at(400, -1), cfg, T0);
    expect(h).toMatchObject({ status: 'unhealthy', failingStreak: 2 });
    h = applyProbe(h, at(500, 0), cfg, T0);
    expect(h).toMatchObject({ status: 'healthy', failingStreak: 0 });
  });

  it('does not count failures inside the start period before the first success', () => {
    const cfg = { retries: 1, startPeriodMs: 1000 };
    let h = applyProbe(starting, at(500, 1), cfg, T0);
    expect(h).toMatchObject({ status: 'starting', failingStreak: 0 });
    h = applyProbe(h, at(1500, 1), cfg, T0);
    expect(h).toMatchObject({ status: 'unhealthy', failingStreak: 1 });
    // After a success the start period no longer shields failures.
    const healthy = applyProbe(starting, at(100, 0), cfg, T0);
    expect(applyProbe(healthy, at(200, 1), cfg, T0)).toMatchObject({ status: 'unhealthy' });
  });

  it('keeps the last 5 results', () => {
    let h = starting;
    for (let i = 0; i < 8; i++) h = applyProbe(h, at(i, 0), { retries: 3, startPeriodMs: 0 }, T0);
    expect(h.log.map((l) => l.output)).toEqual([3, 4, 5, 6, 7].map((i) => `probe at ${i}`));
  });

  it("prints durations as Go's time.Duration", () => {
    expect([0, 500, 1000, 1500, 30_000, 90_000, 3_600_000].map(goDuration)).toEqual([
      '0s',
      '500ms',
      '1s',
      '1.5s',
      '30s',
      '1m30s',
      '1h0m0s',
    ]);
  });
});
