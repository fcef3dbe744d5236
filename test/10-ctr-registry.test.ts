/**
 * System: containerd's own client path against berth with a real registry. `ctr images
 * push/pull` run the registry protocol inside ctr and only read and write content, images,
 * leases, snapshots and diff through the berth gateway. A busybox image imported by ctr is
 * pushed by ctr (anonymous, and with htpasswd credentials), pulled by ctr into another
 * namespace, unpacked, mounted and run; berth's CLI pulls what ctr pushed and ctr pulls what
 * berth pushed. Needs root (overlay mounts).
 */
import { execFileSync } from 'node:child_process';

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startSuite, tempRoot, type Suite, type TempRoot } from '@berth/testkit';
import { createContentProxy, WRITE_CHUNK } from '@berth/content';
import { createRegistryClient } from '@berth/registry';
import { sha256, missingImagePrerequisite } from './helpers.js';
import { ctr, ctrOk } from './ctr.js';
import { makeBusyboxArchive } from './fixtures/images/busybox.js';
import { startRegistry, type TestRegistry } from '@berth/testkit';

const skip = missingImagePrerequisite({ registry: { auth: true } });

const USER = 'jill';
const PASS = 's3cret-pass';
const LOCAL = 'docker.io/library/busybox:latest';

describe.skipIf(skip !== undefined)(
  `ctr images push/pull against berth ${skip ? `(skipped: ${skip})` : ''}`,
  () => {
    let open: TestRegistry;
    let locked: TestRegistry;
    let suite: Suite;
    let tmp: TempRoot;
    let archive: { path: string; diffId: string };
    let remote: string;

    const berth = async (args: string[], ns?: string) => {
      const r = await runCli(args, {
        address: suite.address,
        ...(ns ? { ns } : {}),
        env: { BERTH_AUTH_FILE: join(tmp.dir, 'auth.json') },
        timeoutMs: 60_000,
      });
      if (r.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r;
    };
    const tags = async (host: string, repo: string, auth = false) => {
      const client = createRegistryClient({
        ...(auth ? { credentials: () => ({ username: USER, password: PASS }) } : {}),
        maxAttempts: 1,
      });
      try {
        return await client.listTags(host, repo);
      } finally {
        client.close();
      }
    };
    const imageNames = async (ns: string) =>
      (await ctrOk(suite.address, ['images', 'ls', '-q'], { ns })).stdout.trim().split('\n').filter(Boolean);
    /** Mounts `image` in `ns` with ctr, runs busybox echo from it, unmounts. */
    const mountAndRun = async (ns: string, image: string, word: string) => {
      const target = join(tmp.dir, `mnt-${ns}`);
      await mkdir(target, { recursive: true });
      await ctrOk(suite.address, ['images', 'mount', image, target], { ns });
      try {
        expect(execFileSync(join(target, 'bin', 'echo'), [word]).toString()).toBe(`${word}\n`);
      } finally {
        await ctrOk(suite.address, ['images', 'unmount', '--rm', target], { ns });
      }
      expect(execFileSync('mount').toString()).not.toContain(target);
    };
    /** The layer is unpacked in `ns`: a committed snapshot named by its chain ID (= diffID). */
    const expectUnpacked = async (ns: string) => {
      const snaps = (await ctrOk(suite.address, ['snapshots', 'ls'], { ns })).stdout;
      expect(snaps).toMatch(new RegExp(`${archive.diffId}\\s+Committed`));
    };

    beforeAll(async () => {
      [open, locked] = await Promise.all([
        startRegistry(),
        startRegistry({ auth: { user: USER, pass: PASS } }),
      ]);
      suite = await startSuite({ services: ['content', 'snapshotter', 'images'] });
      tmp = tempRoot('berth-ctr-registry-');
      archive = makeBusyboxArchive(tmp.dir);
      remote = `${open.host}/test/busybox:1`;
      await ctrOk(suite.address, ['images', 'import', archive.path]);
    }, 60_000);
    afterAll(async () => {
      await tmp?.cleanup();
      await suite?.stop();
      await open?.stop();
      await locked?.stop();
    });

    it('ctr pushes an imported image to a registry, reading the content through berth', async () => {
      await ctrOk(suite.address, ['images', 'push', '--plain-http', remote, LOCAL]);
      expect(await tags(open.host, 'test/busybox')).toEqual(['1']);
    });

    it('ctr pulls it into another namespace, resuming a half-written layer, unpacked through berth; busybox runs', async () => {
      // Blobs are shared across namespaces on disk: drop the image and its content from
      // `default` so that ctr must download every blob through Content.Write.
      const store = createContentProxy(suite.address);
      const layerRef = `layer-${archive.diffId}`;
      try {
        const parts: Uint8Array[] = [];
        for await (const c of store.read('default', archive.diffId)) parts.push(c);
        const layer = Buffer.concat(parts);
        expect(sha256(layer)).toBe(archive.diffId);
        await ctrOk(suite.address, ['images', 'rm', LOCAL]);
        for await (const info of store.list('default')) await store.delete('default', info.digest);
        // Half of the layer is already in an ingest under the ref ctr uses: ctr must resume it.
        const half = Math.floor(layer.length / 2);
        const w = await store.writer('other', {
          ref: layerRef,
          total: layer.length,
          expected: archive.diffId,
        });
        for (let off = 0; off < half; off += WRITE_CHUNK)
          await w.write(off, layer.subarray(off, Math.min(off + WRITE_CHUNK, half)));
        await w.close();
        expect((await store.status('other', layerRef)).offset).toBe(half);
      } finally {
        store.close();
      }

      const r = await ctrOk(suite.address, ['images', 'pull', '--plain-http', remote], { ns: 'other' });
      expect(r.stdout).toContain('unpacking linux/amd64');
      expect(await imageNames('other')).toEqual([remote]);
      await expectUnpacked('other');
      expect((await ctrOk(suite.address, ['images', 'check'], { ns: 'other' })).stdout).toMatch(
        /complete \(2\/2\).*true/,
      );
      // Each blob is labelled with where it came from, and the layer with its diffID.
      const content = (await ctrOk(suite.address, ['content', 'ls'], { ns: 'other' })).stdout;
      expect(content).toMatch(
        new RegExp(`${archive.diffId}.*containerd.io/distribution.source.127.0.0.1=test/busybox`),
      );
      expect(content).toMatch(new RegExp(`${archive.diffId}.*containerd.io/uncompressed=${archive.diffId}`));
      // Nothing is left half-written, and the pull's leases are gone.
      expect((await ctrOk(suite.address, ['content', 'active'], { ns: 'other' })).stdout).not.toMatch(
        /sha256/,
      );
      expect((await ctrOk(suite.address, ['leases', 'ls', '-q'], { ns: 'other' })).stdout.trim()).toBe('');
      await mountAndRun('other', remote, 'pulled by ctr');

      // Again: everything is there; Images.Create answers AlreadyExists and ctr updates.
      await ctrOk(suite.address, ['images', 'pull', '--plain-http', remote], { ns: 'other' });
      expect(await imageNames('other')).toEqual([remote]);

      // The image is back in `default` for the tests that push it.
      await ctrOk(suite.address, ['images', 'import', archive.path]);
    });

    it('ctr pushes to and pulls from a registry with htpasswd auth; wrong credentials fail', async () => {
      const target = `${locked.host}/test/busybox:auth`;
      const wrong = await ctr(suite.address, [
        'images',
        'push',
        '--plain-http',
        '-u',
        `${USER}:wrong`,
        target,
        LOCAL,
      ]);
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/401|unauthorized|authentication required/i);
      expect(await tags(locked.host, 'test/busybox', true).catch(() => [])).toEqual([]);

      await ctrOk(suite.address, ['images', 'push', '--plain-http', '-u', `${USER}:${PASS}`, target, LOCAL]);
      expect(await tags(locked.host, 'test/busybox', true)).toEqual(['auth']);

      const anonymous = await ctr(suite.address, ['images', 'pull', '--plain-http', target], {
        ns: 'authed',
      });
      expect(anonymous.code).not.toBe(0);
      await ctrOk(suite.address, ['images', 'pull', '--plain-http', '-u', `${USER}:${PASS}`, target], {
        ns: 'authed',
      });
      expect(await imageNames('authed')).toEqual([target]);
      await expectUnpacked('authed');
    });

    it("berth's CLI pulls what ctr pushed", async () => {
      const r = await berth(['pull', remote], 'third');
      expect(r.stdout).toContain(`Status: Downloaded newer image for ${remote}`);
      expect(await imageNames('third')).toEqual([remote]);
      await expectUnpacked('third');
      await mountAndRun('third', remote, 'pulled by berth');
    });

    it("ctr pulls what berth's CLI pushed", async () => {
      const pushed = `${open.host}/test/from-berth:2`;
      const r = await berth(['push', LOCAL, pushed]);
      expect(r.stdout).toMatch(/^2: digest: sha256:[0-9a-f]{64} size: \d+$/m);
      expect(await tags(open.host, 'test/from-berth')).toEqual(['2']);
      await ctrOk(suite.address, ['images', 'pull', '--plain-http', pushed], { ns: 'fourth' });
      expect(await imageNames('fourth')).toEqual([pushed]);
      await expectUnpacked('fourth');
      await mountAndRun('fourth', pushed, 'pushed by berth');
    });
  },
);
