import { describe, expect, it } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import { buildSpec } from './build-spec.js';
import {
  hasResourceOptions,
  linuxResources,
  mergeResources,
  parseCpus,
  parseCpuset,
  resourcesUpdate,
  type ResourceHost,
  type ResourceOptions,
} from './resources.js';

const MiB = 1024 * 1024;

const host: ResourceHost = {
  numCpu: 2,
  cpus: '0-1',
  mems: '0',
  blkioWeight: false,
  blkioWeightDevice: false,
  swapLimit: true,
  device(path) {
    if (path === '/dev/vda') return { major: 254, minor: 0 };
    if (path === '/dev/sda') return { major: 8, minor: 0 };
    throw new Error(`stat ${path}: no such file or directory`);
  },
};
const weighted: ResourceHost = { ...host, blkioWeight: true, blkioWeightDevice: true };

// null: no host at all (a default parameter would replace undefined).
const res = (o: ResourceOptions, h: ResourceHost | null = host) =>
  linuxResources(o, h ?? undefined).resources;

function expectInvalid(fn: () => unknown, message: string | RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isInvalidArgument(err)).toBe(true);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected InvalidArgument');
}
const exact = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

describe('memory flags', () => {
  it('-m sets the limit and twice as much memory+swap by default', () => {
    expect(res({ memory: '16m' })).toEqual({ memory: { limit: 16 * MiB, swap: 32 * MiB } });
    expect(res({ memory: 64 * MiB })).toEqual({ memory: { limit: 64 * MiB, swap: 128 * MiB } });
  });

  it('--memory-swap sets memory+swap; -1 is unlimited', () => {
    expect(res({ memory: '16m', memorySwap: '64m' }).memory).toEqual({ limit: 16 * MiB, swap: 64 * MiB });
    expect(res({ memory: '16m', memorySwap: '-1' }).memory).toEqual({ limit: 16 * MiB, swap: -1 });
    expect(res({ memory: '16m', memorySwap: -1 }).memory).toEqual({ limit: 16 * MiB, swap: -1 });
    expect(res({ memory: '16m', memorySwap: '16m' }).memory).toEqual({ limit: 16 * MiB, swap: 16 * MiB });
  });

  it('refuses less than 6MB, swap below memory and swap without memory', () => {
    expectInvalid(() => res({ memory: '1m' }), exact('Minimum memory limit allowed is 6MB'));
    expectInvalid(
      () => res({ memory: '32m', memorySwap: '16m' }),
      exact('Minimum memoryswap limit should be larger than memory limit, see usage'),
    );
    expectInvalid(
      () => res({ memorySwap: '16m' }),
      exact('You should always set the Memory limit when using Memoryswap limit, see usage'),
    );
  });

  it('refuses sizes that do not parse, naming the flag', () => {
    expectInvalid(() => res({ memory: 'lots' }), `invalid argument "lots" for "--memory" flag: invalid size`);
    expectInvalid(() => res({ memorySwap: 'x' }), /for "--memory-swap" flag/);
  });

  it('without swap accounting, warns and leaves swap unlimited', () => {
    const r = linuxResources({ memory: '16m' }, { ...host, swapLimit: false });
    expect(r.resources.memory).toEqual({ limit: 16 * MiB, swap: -1 });
    expect(r.warnings).toEqual([
      'Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.',
    ]);
  });

  it('--memory-reservation: at least 6MB and not above the limit', () => {
    expect(res({ memoryReservation: '8m' })).toEqual({ memory: { reservation: 8 * MiB } });
    expectInvalid(() => res({ memoryReservation: '1m' }), exact('Minimum memory reservation allowed is 6MB'));
    expectInvalid(
      () => res({ memory: '16m', memoryReservation: '32m' }),
      exact('Minimum memory limit can not be less than memory reservation limit, see usage'),
    );
  });

  it('--memory-swappiness 0…100; -1 keeps the host’s', () => {
    expect(res({ memorySwappiness: 0 })).toEqual({ memory: { swappiness: 0 } });
    expect(res({ memorySwappiness: 60 })).toEqual({ memory: { swappiness: 60 } });
    expect(res({ memorySwappiness: -1 })).toEqual({});
    expectInvalid(
      () => res({ memorySwappiness: 101 }),
      exact('Invalid value: 101, valid memory swappiness range is 0-100'),
    );
  });

  it('--oom-kill-disable, with docker’s warning when there is no memory limit', () => {
    expect(res({ memory: '16m', oomKillDisable: true }).memory).toMatchObject({ disableOOMKiller: true });
    const r = linuxResources({ oomKillDisable: true }, host);
    expect(r.resources.memory).toEqual({ disableOOMKiller: true });
    expect(r.warnings).toEqual([
      'OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.',
    ]);
  });
});

describe('cpu flags', () => {
  it('--cpus becomes a CFS quota over a 100 ms period', () => {
    expect(res({ cpus: '0.5' })).toEqual({ cpu: { period: 100000, quota: 50000 } });
    expect(res({ cpus: 1.5 })).toEqual({ cpu: { period: 100000, quota: 150000 } });
    expect(res({ cpus: '2' })).toEqual({ cpu: { period: 100000, quota: 200000 } });
    expect(res({ cpus: '0.01' })).toEqual({ cpu: { period: 100000, quota: 1000 } });
  });

  it('parses --cpus exactly, as docker’s rational numbers', () => {
    expect(parseCpus('0.5')).toBe(500_000_000);
    expect(parseCpus('.25')).toBe(250_000_000);
    expect(parseCpus('1.000000001')).toBe(1_000_000_001);
    expectInvalid(
      () => parseCpus('abc'),
      exact('invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number'),
    );
    expectInvalid(() => parseCpus('0.0000000001'), /value is too precise/);
  });

  it('refuses more CPUs than the host has, and less than 0.01', () => {
    const msg = 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available';
    expectInvalid(() => res({ cpus: '99' }), exact(msg));
    expectInvalid(() => res({ cpus: '2.5' }), exact(msg));
    expectInvalid(() => res({ cpus: '0.001' }), exact(msg));
    expect(res({ cpus: '99' }, null).cpu?.quota).toBe(9_900_000);
  });

  it('refuses --cpus with --cpu-period or --cpu-quota', () => {
    expectInvalid(
      () => res({ cpus: '1', cpuPeriod: 50000 }),
      exact('Conflicting options: Nano CPUs and CPU Period cannot both be set'),
    );
    expectInvalid(
      () => res({ cpus: '1', cpuQuota: 50000 }),
      exact('Conflicting options: Nano CPUs and CPU Quota cannot both be set'),
    );
  });

  it('--cpu-period and --cpu-quota, within the kernel’s bounds', () => {
    expect(res({ cpuPeriod: 50000, cpuQuota: 25000 })).toEqual({ cpu: { period: 50000, quota: 25000 } });
    expect(res({ cpuQuota: -1 })).toEqual({ cpu: { quota: -1 } });
    const period = 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)';
    expectInvalid(() => res({ cpuPeriod: 999 }), exact(period));
    expectInvalid(() => res({ cpuPeriod: 1_000_001 }), exact(period));
    expectInvalid(() => res({ cpuQuota: 999 }), exact('CPU cfs quota can not be less than 1ms (i.e. 1000)'));
  });

  it('-c, --cpu-shares', () => {
    expect(res({ cpuShares: 512 })).toEqual({ cpu: { shares: 512 } });
    expect(res({ cpuShares: 0 })).toEqual({});
    expectInvalid(() => res({ cpuShares: -5 }), /cpu shares/);
  });

  it('--cpuset-cpus and --cpuset-mems must name online CPUs and nodes', () => {
    expect(res({ cpusetCpus: '0', cpusetMems: '0' })).toEqual({ cpu: { cpus: '0', mems: '0' } });
    expect(res({ cpusetCpus: '0-1' })).toEqual({ cpu: { cpus: '0-1' } });
    expectInvalid(
      () => res({ cpusetCpus: '5' }),
      exact('Requested CPUs are not available - requested 5, available: 0-1'),
    );
    expectInvalid(
      () => res({ cpusetCpus: '0,3-4' }),
      exact('Requested CPUs are not available - requested 0,3-4, available: 0-1'),
    );
    expectInvalid(
      () => res({ cpusetMems: '1' }),
      exact('Requested memory nodes are not available - requested 1, available: 0'),
    );
    expectInvalid(
      () => res({ cpusetCpus: 'a' }),
      exact('Invalid value a for cpuset cpus: invalid format: a'),
    );
  });

  it('parses cpuset lists as docker', () => {
    expect([...parseCpuset('0-2,4')]).toEqual([0, 1, 2, 4]);
    expect(parseCpuset('').size).toBe(0);
    expect(() => parseCpuset('3-1')).toThrow('invalid range format: 3-1');
    expect(() => parseCpuset('1,,2')).toThrow('invalid format: 1,,2');
  });
});

describe('block I/O flags', () => {
  it('--blkio-weight: warned and dropped where blkio.weight does not exist', () => {
    const r = linuxResources({ blkioWeight: 300 }, host);
    expect(r.resources).toEqual({});
    expect(r.warnings).toEqual([
      'Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.',
    ]);
  });

  it('--blkio-weight 10…1000 where it exists', () => {
    expect(res({ blkioWeight: 300 }, weighted)).toEqual({ blockIO: { weight: 300 } });
    expectInvalid(() => res({ blkioWeight: 5 }, weighted), exact('Range of blkio weight is from 10 to 1000'));
  });

  it('--blkio-weight-device: parsed, then warned and dropped without weight_device', () => {
    expect(res({ blkioWeightDevice: ['/dev/sda:200'] }, weighted)).toEqual({
      blockIO: { weightDevice: [{ major: 8, minor: 0, weight: 200 }] },
    });
    const r = linuxResources({ blkioWeightDevice: ['/dev/sda:200'] }, host);
    expect(r.resources).toEqual({});
    expect(r.warnings[0]).toMatch(/Weight-device discarded/);
    expectInvalid(() => res({ blkioWeightDevice: ['/dev/sda'] }), /bad format: \/dev\/sda$/);
    expectInvalid(() => res({ blkioWeightDevice: ['sda:200'] }), /bad format for device path: sda:200$/);
    expectInvalid(
      () => res({ blkioWeightDevice: ['/dev/sda:5'] }),
      /invalid weight for device: \/dev\/sda:5$/,
    );
  });

  it('--device-read-bps/--device-write-bps take sizes; the device becomes major:minor', () => {
    expect(
      res({ deviceReadBps: ['/dev/vda:1mb'], deviceWriteBps: ['/dev/vda:512k', '/dev/sda:100'] }),
    ).toEqual({
      blockIO: {
        throttleReadBpsDevice: [{ major: 254, minor: 0, rate: MiB }],
        throttleWriteBpsDevice: [
          { major: 254, minor: 0, rate: 512 * 1024 },
          { major: 8, minor: 0, rate: 100 },
        ],
      },
    });
    expectInvalid(
      () => res({ deviceReadBps: ['/dev/vda:fast'] }),
      /^invalid argument "\/dev\/vda:fast" for "--device-read-bps" flag: invalid rate for device: \/dev\/vda:fast\. The correct format is <device-path>:<number>\[<unit>\]/,
    );
    expect(() => res({ deviceReadBps: ['/dev/nope:1mb'] })).toThrow(
      'stat /dev/nope: no such file or directory',
    );
  });

  it('--device-read-iops/--device-write-iops take plain numbers', () => {
    expect(res({ deviceReadIops: ['/dev/vda:100'], deviceWriteIops: ['/dev/vda:50'] })).toEqual({
      blockIO: {
        throttleReadIOPSDevice: [{ major: 254, minor: 0, rate: 100 }],
        throttleWriteIOPSDevice: [{ major: 254, minor: 0, rate: 50 }],
      },
    });
    expectInvalid(() => res({ deviceWriteIops: ['/dev/vda:1k'] }), /Number must be a positive integer$/);
  });

  it('needs a host to resolve devices', () => {
    expectInvalid(() => res({ deviceReadBps: ['/dev/vda:1mb'] }, null), /device \/dev\/vda/);
  });
});

describe('--pids-limit', () => {
  it('sets the limit; 0 and -1 mean unlimited', () => {
    expect(res({ pidsLimit: 16 })).toEqual({ pids: { limit: 16 } });
    expect(res({ pidsLimit: -1 })).toEqual({ pids: { limit: -1 } });
    expect(res({ pidsLimit: 0 })).toEqual({ pids: { limit: -1 } });
  });
});

describe('buildSpec', () => {
  it('puts the limits in linux.resources beside the device rules', () => {
    const spec = buildSpec(
      { cmd: ['sh'], memory: '16m', cpus: '0.5', pidsLimit: 16, cpusetCpus: '0' },
      undefined,
      { id: 'abc', namespace: 'default', resourceHost: host },
    );
    expect(spec.linux.resources).toMatchObject({
      memory: { limit: 16 * MiB, swap: 32 * MiB },
      cpu: { period: 100000, quota: 50000, cpus: '0' },
      pids: { limit: 16 },
    });
    expect(spec.linux.resources.devices.length).toBeGreaterThan(0);
  });

  it('adds nothing without resource options', () => {
    const spec = buildSpec({ cmd: ['sh'] }, undefined, { id: 'abc', namespace: 'default' });
    expect(Object.keys(spec.linux.resources)).toEqual(['devices']);
  });

  it('fails with docker’s messages', () => {
    expectInvalid(
      () => buildSpec({ cmd: ['sh'], memory: '1m' }, undefined, { id: 'a', namespace: 'd' }),
      exact('Minimum memory limit allowed is 6MB'),
    );
  });
});

describe('resourcesUpdate', () => {
  it('needs at least one flag', () => {
    expect(hasResourceOptions({})).toBe(false);
    expect(hasResourceOptions({ deviceReadBps: [] })).toBe(false);
    expect(hasResourceOptions({ pidsLimit: 0 })).toBe(true);
    expectInvalid(
      () => resourcesUpdate({}, host),
      exact('You must provide one or more flags when using this command.'),
    );
  });

  it('changes only what the flags name, and merges it into the current limits', () => {
    const current = { memory: { limit: 16 * MiB, swap: 32 * MiB }, pids: { limit: 16 } };
    const u = resourcesUpdate({ cpus: '1' }, host, current);
    expect(u.resources).toEqual({ cpu: { period: 100000, quota: 100000 } });
    expect(u.merged).toEqual({ ...current, cpu: { period: 100000, quota: 100000 } });
    const p = resourcesUpdate({ pidsLimit: 0 }, host, current);
    expect(p.resources).toEqual({ pids: { limit: -1 } });
  });

  it('a first memory limit gets twice as much swap; one above the current swap needs --memory-swap', () => {
    expect(resourcesUpdate({ memory: '64m', cpus: '1' }, host).resources).toEqual({
      memory: { limit: 64 * MiB, swap: 128 * MiB },
      cpu: { period: 100000, quota: 100000 },
    });
    const current = { memory: { limit: 16 * MiB, swap: 32 * MiB } };
    expect(resourcesUpdate({ memory: '24m' }, host, current).merged.memory).toEqual({
      limit: 24 * MiB,
      swap: 32 * MiB,
    });
    expectInvalid(
      () => resourcesUpdate({ memory: '64m' }, host, current),
      exact(
        'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time',
      ),
    );
    expect(resourcesUpdate({ memory: '64m', memorySwap: '-1' }, host, current).merged.memory).toEqual({
      limit: 64 * MiB,
      swap: -1,
    });
    expectInvalid(
      () => resourcesUpdate({ memorySwap: '8m' }, host, current),
      exact('Minimum memoryswap limit should be larger than memory limit, see usage'),
    );
    // Swap alone is fine in an update (docker relaxes that rule for update).
    expect(resourcesUpdate({ memorySwap: '64m' }, host, current).resources).toEqual({
      memory: { swap: 64 * MiB },
    });
  });

  it('keeps docker’s checks and warnings', () => {
    expectInvalid(
      () => resourcesUpdate({ memory: '1m' }, host),
      exact('Minimum memory limit allowed is 6MB'),
    );
    expect(resourcesUpdate({ blkioWeight: 500 }, host).warnings).toHaveLength(1);
  });
});

describe('mergeResources', () => {
  it('replaces throttles of the same device and keeps the others', () => {
    const current = {
      blockIO: {
        throttleReadBpsDevice: [
          { major: 8, minor: 0, rate: 1 },
          { major: 254, minor: 0, rate: 2 },
        ],
      },
      cpu: { shares: 512, cpus: '0' },
    };
    expect(
      mergeResources(current, {
        blockIO: { throttleReadBpsDevice: [{ major: 254, minor: 0, rate: 3 }] },
        cpu: { cpus: '1' },
      }),
    ).toEqual({
      blockIO: {
        throttleReadBpsDevice: [
          { major: 8, minor: 0, rate: 1 },
          { major: 254, minor: 0, rate: 3 },
        ],
      },
      cpu: { shares: 512, cpus: '1' },
    });
  });
});
