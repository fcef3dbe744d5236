import { describe, expect, it } from 'vitest';
import { blockDevice, deviceNumbers, probeResourceHost } from './resource-host.js';

describe('resource host', () => {
  it('splits dev_t as glibc does', () => {
    expect(deviceNumbers(BigInt((254 << 8) | 0))).toEqual({ major: 254, minor: 0 });
    expect(deviceNumbers(BigInt((8 << 8) | 17))).toEqual({ major: 8, minor: 17 });
    // major 259, minor 300: the high bits of the minor live above bit 20.
    const rdev = (259n << 8n) | (300n & 0xffn) | ((300n & ~0xffn) << 12n);
    expect(deviceNumbers(rdev)).toEqual({ major: 259, minor: 300 });
  });

  it('refuses paths that are not block devices', () => {
    expect(() => blockDevice('/dev/nonexistent-device')).toThrow(
      'stat /dev/nonexistent-device: no such file or directory',
    );
    expect(() => blockDevice('/dev/null')).toThrow('/dev/null is not a block device');
  });

  it('reads the cpuset of a fake cgroup root, with fallbacks', () => {
    const h = probeResourceHost('/nonexistent');
    expect(h.numCpu).toBeGreaterThan(0);
    expect(h.cpus).toMatch(/^[\d,-]+$/);
    expect(h.blkioWeight).toBe(false);
    expect(h.swapLimit).toBe(false);
  });
});
