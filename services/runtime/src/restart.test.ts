import { describe, expect, it } from 'vitest';
import {
  BACKOFF_MAX_MS,
  BACKOFF_START_MS,
  nextBackoff,
  parseRestartPolicy,
  shouldRestart,
} from './restart.js';

describe('restart policies', () => {
  it('parses the label values docker accepts, anything else as no', () => {
    expect(parseRestartPolicy('always')).toEqual({ name: 'always', maxRetries: 0 });
    expect(parseRestartPolicy('unless-stopped')).toEqual({ name: 'unless-stopped', maxRetries: 0 });
    expect(parseRestartPolicy('on-failure')).toEqual({ name: 'on-failure', maxRetries: 0 });
    expect(parseRestartPolicy('on-failure:3')).toEqual({ name: 'on-failure', maxRetries: 3 });
    for (const bad of [undefined, '', 'no', 'sometimes', 'always:2', 'on-failure:x', 'on-failure:1:2'])
      expect(parseRestartPolicy(bad).name).toBe('no');
  });

  it("decides as docker's restart manager", () => {
    const f = { exitStatus: 0, userStopped: false, policyRestarts: 0 };
    const p = parseRestartPolicy;
    expect(shouldRestart(p('no'), { ...f, exitStatus: 1 })).toBe(false);
    expect(shouldRestart(p('always'), f)).toBe(true);
    expect(shouldRestart(p('unless-stopped'), { ...f, exitStatus: 137 })).toBe(true);
    // A stop by the user is never undone.
    expect(shouldRestart(p('always'), { ...f, userStopped: true })).toBe(false);
    expect(shouldRestart(p('unless-stopped'), { ...f, userStopped: true })).toBe(false);
    // on-failure: only a failure, and at most max times.
    expect(shouldRestart(p('on-failure'), f)).toBe(false);
    expect(shouldRestart(p('on-failure'), { ...f, exitStatus: 1, policyRestarts: 99 })).toBe(true);
    expect(shouldRestart(p('on-failure:2'), { ...f, exitStatus: 1, policyRestarts: 1 })).toBe(true);
    expect(shouldRestart(p('on-failure:2'), { ...f, exitStatus: 1, policyRestarts: 2 })).toBe(false);
  });

  it('backs off from 100 ms, doubling, capped at a minute, reset by a 10 s run', () => {
    const waits: number[] = [];
    let prev = 0;
    for (let i = 0; i < 12; i++) waits.push((prev = nextBackoff(prev, 50)));
    expect(waits.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(waits.at(-1)).toBe(BACKOFF_MAX_MS);
    expect(Math.max(...waits)).toBe(BACKOFF_MAX_MS);
    expect(nextBackoff(BACKOFF_MAX_MS, 9_999)).toBe(BACKOFF_MAX_MS);
    expect(nextBackoff(BACKOFF_MAX_MS, 10_000)).toBe(BACKOFF_START_MS);
  });
});
