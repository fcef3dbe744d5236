/**
 * System: containerd's `ctr images import` against berth unpacks an image
 * client-side through berth's snapshots and diff services (ctr checks that
 * Diff.Apply returns exactly the layer's diffID), then mounts it and runs a
 * binary from the unpacked layer. Needs root (overlay, mounts).
 */
import { execFileSync } from 'node:child_process';

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSuite, tempRoot, type Suite, type TempRoot } from '@berth/testkit';
import { missingImagePrerequisite } from './helpers.js';
import { ctrOk } from './ctr.js';
import { makeBusyboxArchive } from './fixtures/images/busybox.js';

const skip = missingImagePrerequisite();

describe.skipIf(skip !== undefined)(`ctr images against berth ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let tmp: TempRoot;
  let archive: { path: string; diffId: string };
  const IMAGE = 'docker.io/library/busybox:latest';

  beforeAll(async () => {
    suite = await startSuite({ services: ['content', 'snapshotter', 'images'] });
    tmp = tempRoot('berth-images-');
    archive = makeBusyboxArchive(tmp.dir);
  });
  afterAll(async () => {
    await tmp?.cleanup();
    await suite?.stop();
  });

  it('imports a docker-archive and unpacks it into a committed snapshot named by its chain ID', async () => {
    const r = await ctrOk(suite.address, ['images', 'import', archive.path]);
    expect(r.stdout).toContain(`unpacking ${IMAGE}`);
    expect((await ctrOk(suite.address, ['images', 'ls', '-q'])).stdout.trim()).toBe(IMAGE);
    // One layer: its chain ID is its diffID.
    const snaps = (await ctrOk(suite.address, ['snapshots', 'ls'])).stdout;
    expect(snaps).toMatch(new RegExp(`${archive.diffId}\\s+Committed`));
    expect((await ctrOk(suite.address, ['images', 'check'])).stdout).toMatch(/complete \(2\/2\).*true/);
  });

  it('mounts the image and runs busybox from the unpacked layer', async () => {
    const target = join(tmp.dir, 'mnt');
    await mkdir(target);
    await ctrOk(suite.address, ['images', 'mount', IMAGE, target]);
    try {
      expect(execFileSync(join(target, 'bin', 'echo'), ['from the layer']).toString()).toBe(
        'from the layer\n',
      );
    } finally {
      await ctrOk(suite.address, ['images', 'unmount', '--rm', target]);
    }
    expect(execFileSync('mount').toString()).not.toContain(target);
  });

  it('removes the image record', async () => {
    await ctrOk(suite.address, ['images', 'rm', IMAGE]);
    expect((await ctrOk(suite.address, ['images', 'ls', '-q'])).stdout.trim()).toBe('');
  });
});
