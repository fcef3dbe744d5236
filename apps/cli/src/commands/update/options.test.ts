import { describe, expect, it } from 'vitest';
import { resourceOptions } from './options.js';

describe('resource flags', () => {
  it('keeps only the flags given, integers parsed', () => {
    expect(resourceOptions({})).toEqual({});
    expect(
      resourceOptions({
        memory: '64m',
        cpus: '1',
        cpuShares: '512',
        pidsLimit: '-1',
        deviceReadBps: ['/dev/vda:1mb'],
        oomKillDisable: true,
      }),
    ).toEqual({
      memory: '64m',
      cpus: '1',
      cpuShares: 512,
      pidsLimit: -1,
      deviceReadBps: ['/dev/vda:1mb'],
      oomKillDisable: true,
    });
  });

  it('refuses integers that do not parse, as docker’s flag parsing', () => {
    expect(() => resourceOptions({ cpuShares: 'lots' })).toThrow(
      'invalid argument "lots" for "-c, --cpu-shares" flag: strconv.ParseInt: parsing "lots": invalid syntax',
    );
    expect(() => resourceOptions({ pidsLimit: '1.5' })).toThrow(/--pids-limit/);
  });
});
