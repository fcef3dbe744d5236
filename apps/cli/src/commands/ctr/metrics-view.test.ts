import { describe, expect, it } from 'vitest';
import { Metrics } from '@berth/proto/cgroups/v1';
import { Metrics as V2 } from '@berth/proto/cgroups/v2';
import { goTimeString, metricsJson, metricsTable } from './metrics-view.js';

const v1 = Metrics.fromPartial({
  pids: { current: 1, limit: 0 },
  cpu: { usage: { total: 123456, perCpu: [100, 23456] } },
  memory: { totalCache: 4096, pgPgIn: 7, usage: { usage: 520192, limit: 2147483648 } },
});

describe('metricsTable', () => {
  it('prints the cgroup v1 rows ctr prints, in its order', () => {
    const out = metricsTable('c2', new Date('2024-01-02T03:04:05.120Z'), { v1 });
    expect(out).toBe(
      [
        'ID    TIMESTAMP',
        'c2    2024-01-02 03:04:05.12 +0000 UTC',
        '',
        'METRIC                   VALUE',
        'memory.usage_in_bytes    520192',
        'memory.limit_in_bytes    2147483648',
        'memory.stat.cache        4096',
        'cpuacct.usage            123456',
        'cpuacct.usage_percpu     [100 23456]',
        'pids.current             1',
        'pids.limit               0',
        '',
      ].join('\n'),
    );
  });
  it('prints the cgroup v2 rows for v2 stats', () => {
    const out = metricsTable('x', new Date(0), {
      v2: V2.fromPartial({ pids: { current: 2 }, memory: { usage: 9 } }),
    });
    expect(out).toMatch(/pids\.current\s+2\n/);
    expect(out).toMatch(/memory\.usage\s+9\n/);
    expect(out).not.toMatch(/cpu\./);
  });
});

describe('metricsJson', () => {
  it("uses containerd's JSON field names and leaves zero values out", () => {
    expect(JSON.parse(metricsJson({ v1 }))).toEqual({
      pids: { current: 1 },
      cpu: { usage: { total: 123456, per_cpu: [100, 23456] } },
      memory: { total_cache: 4096, pgpgin: 7, usage: { usage: 520192, limit: 2147483648 } },
    });
  });
});

describe('goTimeString', () => {
  it('trims the fraction like Go', () => {
    expect(goTimeString(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02 03:04:05 +0000 UTC');
    expect(goTimeString(new Date('2024-01-02T03:04:05.100Z'))).toBe('2024-01-02 03:04:05.1 +0000 UTC');
  });
});
