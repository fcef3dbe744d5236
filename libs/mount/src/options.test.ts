import { describe, it, expect } from 'vitest';
import { compactLowerdirs, parseOptions } from './options.js';

const c = {
  MS_RDONLY: 1,
  MS_NOSUID: 2,
  MS_NODEV: 4,
  MS_NOEXEC: 8,
  MS_BIND: 4096,
  MS_REC: 16384,
  MS_PRIVATE: 1 << 18,
};

describe('parseOptions', () => {
  it('splits flags from filesystem data', () => {
    const p = parseOptions(['ro', 'rbind', 'nosuid', 'index=off', 'lowerdir=/a:/b'], c);
    expect(p.flags).toBe(c.MS_RDONLY | c.MS_BIND | c.MS_REC | c.MS_NOSUID);
    expect(p.readonly).toBe(true);
    expect(p.data).toEqual(['index=off', 'lowerdir=/a:/b']);
  });
});

describe('compactLowerdirs', () => {
  it('leaves short options alone', () => {
    expect(compactLowerdirs(['lowerdir=/x/l/1:/x/l/2'], 4095)).toEqual({ data: ['lowerdir=/x/l/1:/x/l/2'] });
  });
  it('rewrites 128 long lowerdirs relative to their common parent', () => {
    const root = '/var/lib/berth/snapshotter/l/';
    const dirs = Array.from({ length: 128 }, (_, i) => `${root}${1000 + i}`);
    const r = compactLowerdirs(['index=off', 'upperdir=/u', `lowerdir=${dirs.join(':')}`], 4095);
    expect(r.cwd).toBe(root);
    expect(r.data[2]).toBe(`lowerdir=${dirs.map((d) => d.slice(root.length)).join(':')}`);
    expect(r.data.join(',').length).toBeLessThan(4096);
  });
});
