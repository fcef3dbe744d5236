/**
 * docker's resource flags, declared on `run`/`create` (all of them) and on `update` (the ones
 * docker's update takes). Declarations only: this module is loaded for every command line, so
 * it imports nothing but commander's types; the parsing is in options.ts.
 */
import type { Command } from 'commander';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The resource flags as commander parses them. */
export interface ResourceFlags {
  memory?: string;
  memorySwap?: string;
  memoryReservation?: string;
  memorySwappiness?: string;
  oomKillDisable?: boolean;
  cpus?: string;
  cpuShares?: string;
  cpuPeriod?: string;
  cpuQuota?: string;
  cpusetCpus?: string;
  cpusetMems?: string;
  blkioWeight?: string;
  blkioWeightDevice?: string[];
  deviceReadBps?: string[];
  deviceWriteBps?: string[];
  deviceReadIops?: string[];
  deviceWriteIops?: string[];
  pidsLimit?: string;
}

/** The flags `update` shares with `run` and `create`. */
export function updatableResourceFlags(cmd: Command): Command {
  return cmd
    .option('-m, --memory <bytes>', 'memory limit, e.g. 64m (at least 6m)')
    .option(
      '--memory-swap <bytes>',
      'memory plus swap limit; -1 for unlimited swap (default: twice --memory)',
    )
    .option('--memory-reservation <bytes>', 'memory soft limit')
    .option('--cpus <number>', 'number of CPUs, e.g. 0.5')
    .option('-c, --cpu-shares <n>', 'CPU shares (relative weight, default 1024)')
    .option('--cpu-period <us>', 'limit the CPU CFS period (microseconds)')
    .option('--cpu-quota <us>', 'limit the CPU CFS quota (microseconds)')
    .option('--cpuset-cpus <list>', 'CPUs in which to allow execution, e.g. 0-3 or 0,1')
    .option('--cpuset-mems <list>', 'memory nodes in which to allow execution, e.g. 0')
    .option('--blkio-weight <n>', 'block IO weight, 10…1000 (0 disables)')
    .option('--pids-limit <n>', 'limit the number of processes (-1 for unlimited)');
}

/** Every resource flag of `run` and `create`. */
export function resourceFlags(cmd: Command): Command {
  return updatableResourceFlags(cmd)
    .option('--memory-swappiness <n>', 'tune the container’s memory swappiness, 0…100 (-1: the host’s)')
    .option('--oom-kill-disable', 'disable the OOM killer')
    .option(
      '--blkio-weight-device <device:weight>',
      'block IO weight of a device, e.g. /dev/sda:200',
      collect,
    )
    .option(
      '--device-read-bps <device:rate>',
      'limit the read rate from a device, e.g. /dev/vda:1mb',
      collect,
    )
    .option(
      '--device-write-bps <device:rate>',
      'limit the write rate to a device, e.g. /dev/vda:1mb',
      collect,
    )
    .option(
      '--device-read-iops <device:rate>',
      'limit reads per second from a device, e.g. /dev/vda:100',
      collect,
    )
    .option('--device-write-iops <device:rate>', 'limit writes per second to a device', collect);
}
