import { describe, expect, it } from 'vitest';
import { Metrics } from '@berth/proto/cgroups/v1';
import {
  bytesSize,
  cpuPercent,
  memLimitShown,
  memUsedNoCache,
  netFromProcNetDev,
  statsContext,
  statsJson,
  statsRenderer,
  systemCpuFromProcStat,
  usageFromV1,
  ZERO,
  type StatsInput,
} from './view.js';

const MiB = 1024 * 1024;

describe('docker stats arithmetic', () => {
  it('CPU % is the container’s share of the system’s CPU time, times the online CPUs', () => {
    // 0.5 s of a container over 2 s of system time (1 s wall on 2 CPUs) → 50 % of one CPU.
    expect(cpuPercent(0, 0, 0.5e9, 2e9, 2)).toBeCloseTo(50);
    expect(cpuPercent(1e9, 1e9, 1e9, 3e9, 2)).toBe(0);
    expect(cpuPercent(0, 5, 1e9, 5, 2)).toBe(0); // no system delta
  });

  it('reads the system CPU time from /proc/stat (7 fields, 100 Hz)', () => {
    const text = 'cpu  100 0 50 800 50 0 0 7 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\n';
    expect(systemCpuFromProcStat(text)).toBe(1000 * 1e7);
    expect(() => systemCpuFromProcStat('intr 1 2')).toThrow(/cpu fields/);
  });

  it('memory usage leaves out the inactive file cache; no limit shows the host’s memory', () => {
    expect(memUsedNoCache({ ...ZERO, memUsage: 10 * MiB, inactiveFile: 4 * MiB })).toBe(6 * MiB);
    expect(memUsedNoCache({ ...ZERO, memUsage: 1 * MiB, inactiveFile: 4 * MiB })).toBe(1 * MiB);
    expect(memLimitShown({ ...ZERO, memLimit: 0 }, 8e9)).toBe(8e9);
    expect(memLimitShown({ ...ZERO, memLimit: 9e18 }, 8e9)).toBe(8e9);
    expect(memLimitShown({ ...ZERO, memLimit: 16 * MiB }, 8e9)).toBe(16 * MiB);
  });

  it('sums the non-loopback interfaces of /proc/<pid>/net/dev', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0',
      '  eth0:    1200       6    0    0    0     0          0         0      648       5    0    0    0     0       0          0',
      '  eth1:      34       1    0    0    0     0          0         0        0       0    0    0    0     0       0          0',
    ].join('\n');
    expect(netFromProcNetDev(text)).toEqual({ rx: 1234, tx: 648 });
  });

  it('takes usage, limit, cache, block I/O and pids from the cgroup v1 metrics', () => {
    const m = Metrics.fromPartial({
      cpu: { usage: { total: 5e9 } },
      memory: { totalInactiveFile: 100, usage: { usage: 1100, limit: 16 * MiB } },
      pids: { current: 3 },
      blkio: {
        ioServiceBytesRecursive: [
          { op: 'Read', value: 4096, major: 254 },
          { op: 'Write', value: 100 },
          { op: 'Sync', value: 7 },
          { op: 'Total', value: 4203 },
        ],
      },
    });
    expect(usageFromV1(m)).toEqual({
      ...ZERO,
      cpu: 5e9,
      memUsage: 1100,
      memLimit: 16 * MiB,
      inactiveFile: 100,
      blkRead: 4096,
      blkWrite: 100,
      pids: 3,
    });
  });
});

describe('docker stats output', () => {
  it('prints sizes as go-units: binary with 4 digits, decimal with 3', () => {
    expect(bytesSize(0)).toBe('0B');
    expect(bytesSize(1.5 * MiB)).toBe('1.5MiB');
    expect(bytesSize(1568768)).toBe('1.496MiB');
    expect(bytesSize(8196194304)).toBe('7.633GiB');
    expect(bytesSize(1023)).toBe('1023B');
  });

  const input: StatsInput = {
    container: 'web',
    id: 'b95a83497c9161c9b9e4b8a1b2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1',
    name: 'web',
    prev: { usage: { ...ZERO, cpu: 1e9 }, system: 10e9 },
    cur: {
      usage: {
        ...ZERO,
        cpu: 1.5e9,
        memUsage: 1.5 * MiB,
        memLimit: 0,
        netRx: 1234,
        netTx: 648,
        blkRead: 147000,
        pids: 9,
      },
      system: 12e9,
    },
    onlineCpus: 2,
    hostMemory: 8 * 1024 * MiB,
    trunc: true,
  };

  it('formats a row as docker’s formatter', () => {
    expect(statsContext(input)).toEqual({
      Container: 'web',
      ID: 'b95a83497c91',
      Name: 'web',
      CPUPerc: '50.00%',
      MemUsage: '1.5MiB / 8GiB',
      MemPerc: '0.02%',
      NetIO: '1.23kB / 648B',
      BlockIO: '147kB / 0B',
      PIDs: '9',
    });
  });

  it('shows zeros for a container that is not running', () => {
    const c = statsContext({ ...input, prev: undefined, cur: undefined });
    expect(c).toMatchObject({
      CPUPerc: '0.00%',
      MemUsage: '0B / 0B',
      MemPerc: '0.00%',
      NetIO: '0B / 0B',
      BlockIO: '0B / 0B',
      PIDs: '0',
    });
  });

  it('renders table, json, table templates and plain templates', () => {
    const c = statsContext(input);
    const table = statsRenderer(undefined)([c]).split('\n');
    expect(table[0]).toMatch(
      /^CONTAINER ID {3}NAME {6}CPU % {5}MEM USAGE \/ LIMIT {3}MEM % {5}NET I\/O {9}BLOCK I\/O {4}PIDS$/,
    );
    expect(table[1]!.split(/\s{3,}/)).toEqual([
      'b95a83497c91',
      'web',
      '50.00%',
      '1.5MiB / 8GiB',
      '0.02%',
      '1.23kB / 648B',
      '147kB / 0B',
      '9',
    ]);
    const json = JSON.parse(statsRenderer('json')([c]).trim()) as Record<string, string>;
    expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
    expect(json).toMatchObject({ Name: 'web', PIDs: '9', CPUPerc: '50.00%' });
    expect(statsJson(c)).toBe(JSON.stringify(json));
    expect(statsRenderer('{{.Name}} {{.CPUPerc}}')([c])).toBe('web 50.00%\n');
    expect(statsRenderer('table {{.Name}}\t{{.PIDs}}')([c])).toBe('NAME      PIDS\nweb       9\n');
    expect(() => statsRenderer('{{.Name')).toThrow();
  });
});
