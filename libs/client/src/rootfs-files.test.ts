import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mount } from '@berth/proto/types';
import { layerDirs, readSnapshotFile } from './rootfs-files.js';

const overlay = (options: string[]): Mount[] => [{ type: 'overlay', source: 'overlay', target: '', options }];

describe('layerDirs', () => {
  it('lists an overlay’s layers upper first, and a bind’s source', () => {
    expect(layerDirs(overlay(['index=off', 'workdir=/w', 'upperdir=/u', 'lowerdir=/l1:/l2']))).toEqual([
      '/u',
      '/l1',
      '/l2',
    ]);
    expect(layerDirs([{ type: 'bind', source: '/s', target: '', options: ['ro', 'rbind'] }])).toEqual(['/s']);
  });

  it('gives up on shapes it cannot read without mounting', () => {
    expect(layerDirs(overlay(['lowerdir=l/abc']))).toBeUndefined();
    expect(layerDirs([{ type: 'tmpfs', source: 'tmpfs', target: '', options: [] }])).toBeUndefined();
    expect(layerDirs([])).toBeUndefined();
  });
});

describe('readSnapshotFile', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-client-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const upper = join(root, 'upper');
  const l1 = join(root, 'l1');
  const l2 = join(root, 'l2');
  for (const d of [upper, l1, l2]) mkdirSync(join(d, 'etc'), { recursive: true });
  writeFileSync(join(l2, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  writeFileSync(join(l1, 'etc', 'group'), 'root:x:0:\n');
  writeFileSync(join(l2, 'etc', 'group'), 'old\n');
  symlinkSync('../etc/passwd', join(l1, 'etc', 'pw-link'));
  const mounts = overlay([`upperdir=${upper}`, `lowerdir=${l1}:${l2}`]);

  it('reads the topmost version of a file, following symlinks inside the snapshot', async () => {
    expect(await readSnapshotFile(mounts, '/etc/passwd')).toBe('root:x:0:0::/root:/bin/sh\n');
    expect(await readSnapshotFile(mounts, '/etc/group')).toBe('root:x:0:\n');
    expect(await readSnapshotFile(mounts, '/etc/pw-link')).toBe('root:x:0:0::/root:/bin/sh\n');
    expect(await readSnapshotFile(mounts, '/etc/shadow')).toBeUndefined();
    expect(await readSnapshotFile(mounts, '/etc')).toBeUndefined();
  });
});
