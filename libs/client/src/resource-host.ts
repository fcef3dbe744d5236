/**
 * What docker's resource checks need to know about this host, read from cgroup v1's files
 * (with cgroup v2's and sysfs's as fallbacks): CPUs and memory nodes, whether blkio weights and
 * swap accounting exist, and block devices' numbers. berth's clients run on the engine's host
 * (they already read snapshot files), so the probe is local, as dockerd's sysinfo is.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { invalidArgument } from '@berth/errdefs';
import type { DeviceNumbers, ResourceHost } from '@berth/oci-spec';

const CGROUP_ROOT = '/sys/fs/cgroup';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Linux's dev_t split (glibc's gnu_dev_major/minor). */
export function deviceNumbers(rdev: bigint): DeviceNumbers {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

/** The numbers of block device `path` (docker stats the path the flag names). */
export function blockDevice(path: string): DeviceNumbers {
  let st;
  try {
    st = statSync(path, { bigint: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw invalidArgument(`stat ${path}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
  }
  if (!st.isBlockDevice()) throw invalidArgument(`${path} is not a block device`);
  return deviceNumbers(st.rdev);
}

/** Probes this host once; `root` is where the cgroup hierarchies are mounted. */
export function probeResourceHost(root = CGROUP_ROOT): ResourceHost {
  const numCpu = availableParallelism();
  return {
    numCpu,
    cpus:
      read(`${root}/cpuset/cpuset.cpus`) ??
      read(`${root}/cpuset.cpus.effective`) ??
      read('/sys/devices/system/cpu/online') ??
      `0-${numCpu - 1}`,
    mems:
      read(`${root}/cpuset/cpuset.mems`) ??
      read(`${root}/cpuset.mems.effective`) ??
      read('/sys/devices/system/node/online') ??
      '0',
    blkioWeight: existsSync(`${root}/blkio/blkio.weight`) || existsSync(`${root}/io.weight`),
    blkioWeightDevice: existsSync(`${root}/blkio/blkio.weight_device`) || existsSync(`${root}/io.weight`),
    swapLimit:
      existsSync(`${root}/memory/memory.memsw.limit_in_bytes`) || existsSync(`${root}/memory.swap.max`),
    device: blockDevice,
  };
}
