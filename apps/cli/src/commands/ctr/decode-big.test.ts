import { describe, expect, it } from 'vitest';
import { Metrics } from '@berth/proto/cgroups/v1';
import { decodeBig } from './decode-big.js';
import { metricsJson, metricsTable } from './metrics-view.js';

describe('decodeBig', () => {
  // What berth-runtime sends for an unlimited cgroup v1 memory limit.
  const bytes = Metrics.encode(
    Metrics.fromPartial({
      pids: { current: 3 },
      memory: {
        hierarchicalMemoryLimit: 9223372036854771712,
        usage: { usage: 4096, limit: 9223372036854771712 },
      },
    }),
  ).finish();

  it('keeps uint64 values above 2^53 as bigints where ts-proto would throw', () => {
    expect(() => Metrics.decode(bytes)).toThrow(/MAX_SAFE_INTEGER/);
    const m = decodeBig(Metrics, bytes);
    expect(m.pids?.current).toBe(3);
    expect(m.memory?.usage?.usage).toBe(4096);
    expect(m.memory?.usage?.limit).toBe(9223372036854771712n);
    expect(m.memory?.hierarchicalMemoryLimit).toBe(9223372036854771712n);
  });

  it('prints them exactly in the table and in JSON', () => {
    const v1 = decodeBig(Metrics, bytes);
    expect(metricsTable('c', new Date(0), { v1 })).toMatch(/memory\.limit_in_bytes {4}9223372036854771712\n/);
    const json = metricsJson({ v1 });
    expect(json).toContain('"hierarchical_memory_limit": 9223372036854771712');
    expect(json).toContain('"limit": 9223372036854771712');
  });
});
