import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Metrics } from '@berth/proto/cgroups/v1';
import { cgroupV1Metrics } from './cgroup-metrics.js';

describe('cgroup v1 metrics', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-cg-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const put = (ctl: string, file: string, text: string) => {
    mkdirSync(join(root, ctl, 'berth/default/c'), { recursive: true });
    writeFileSync(join(root, ctl, 'berth/default/c', file), text);
  };

  it('reads the controllers and keeps "unlimited" values decodable by TypeScript clients', async () => {
    put('pids', 'pids.current', '3\n');
    put('pids', 'pids.max', 'max\n');
    put('cpuacct', 'cpuacct.usage', '123456\n');
    put('cpuacct', 'cpuacct.usage_percpu', '100000 23456 \n');
    put('memory', 'memory.usage_in_bytes', '4096\n');
    put('memory', 'memory.limit_in_bytes', '9223372036854771712\n');
    put('memory', 'memory.stat', 'cache 10\nrss 20\nhierarchical_memory_limit 9223372036854771712\n');
    put('blkio', 'blkio.throttle.io_service_bytes', '8:0 Read 512\n8:0 Write 1024\nTotal 1536\n');
    const m = await cgroupV1Metrics('/berth/default/c', root);
    // The round trip is what a TS client does; it throws on values above 2^53.
    const back = Metrics.decode(Metrics.encode(m).finish());
    expect(back.pids).toEqual({ current: 3, limit: 0 });
    expect(back.cpu?.usage?.total).toBe(123456);
    expect(back.cpu?.usage?.perCpu).toEqual([100000, 23456]);
    expect(back.memory?.usage).toMatchObject({ usage: 4096, limit: 0 });
    expect(back.memory).toMatchObject({ cache: 10, rss: 20, hierarchicalMemoryLimit: 0 });
    expect(back.blkio?.ioServiceBytesRecursive.map((e) => [e.op, e.value])).toEqual([
      ['Read', 512],
      ['Write', 1024],
    ]);
  });
});
