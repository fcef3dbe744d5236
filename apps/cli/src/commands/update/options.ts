/** The resource flags (flags.ts) turned into @berth/oci-spec's ResourceOptions. */
import { invalidArgument } from '@berth/errdefs';
import type { ResourceOptions } from '@berth/oci-spec';
import type { ResourceFlags } from './flags.js';

/** An integer flag, with the message docker's flag parsing gives (strconv.ParseInt). */
function int(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (!/^[+-]?\d+$/.test(t) || !Number.isSafeInteger(Number(t)))
    throw invalidArgument(
      `invalid argument ${JSON.stringify(s)} for "${flag}" flag: strconv.ParseInt: parsing ${JSON.stringify(s)}: ${/^[+-]?\d+$/.test(t) ? 'value out of range' : 'invalid syntax'}`,
    );
  return Number(t);
}

export function resourceOptions(f: ResourceFlags): ResourceOptions {
  const o: ResourceOptions = {
    memory: f.memory,
    memorySwap: f.memorySwap,
    memoryReservation: f.memoryReservation,
    memorySwappiness: int('--memory-swappiness', f.memorySwappiness),
    oomKillDisable: f.oomKillDisable,
    cpus: f.cpus,
    cpuShares: int('-c, --cpu-shares', f.cpuShares),
    cpuPeriod: int('--cpu-period', f.cpuPeriod),
    cpuQuota: int('--cpu-quota', f.cpuQuota),
    cpusetCpus: f.cpusetCpus,
    cpusetMems: f.cpusetMems,
    blkioWeight: int('--blkio-weight', f.blkioWeight),
    blkioWeightDevice: f.blkioWeightDevice,
    deviceReadBps: f.deviceReadBps,
    deviceWriteBps: f.deviceWriteBps,
    deviceReadIops: f.deviceReadIops,
    deviceWriteIops: f.deviceWriteIops,
    pidsLimit: int('--pids-limit', f.pidsLimit),
  };
  // Only what was given: `update` changes exactly the flags named.
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as ResourceOptions;
}
