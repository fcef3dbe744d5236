/**
 * System: `berth login/push/pull/logout` against Debian's docker-registry with htpasswd
 * auth on 127.0.0.1 (loopback registries are plain-http by default). A busybox image
 * imported by ctr is pushed under another name, pulled into another namespace, unpacked
 * and run; errors (wrong password, unknown tag, no credentials) are one line; a pull
 * resumes a half-written layer ingest. Needs root (overlay mounts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startSuite, tempRoot, type CliResult, type Suite, type TempRoot } from '@berth/testkit';
import { createContentProxy, WRITE_CHUNK } from '@berth/content';
import { dial, serverStream, unary } from '@berth/grpc';
import { ImagesClient } from '@berth/proto/images/v1';
import { TransferClient, type Progress } from '@berth/proto/berth/images/v1';
import { createRegistryClient } from '@berth/registry';
import { sha256, missingImagePrerequisite } from './helpers.js';
import { ctrOk } from './ctr.js';
import { makeBusyboxArchive } from './fixtures/images/busybox.js';
import { startRegistry, type TestRegistry } from '@berth/testkit';

const skip = missingImagePrerequisite({ registry: { auth: true } });

const USER = 'jack';
const PASS = 'pa55-w0rd';
const LOCAL = 'docker.io/library/busybox:latest';

/** Asserts a failed CLI run: exit 1 and a single `berth: …` line on stderr. */
function expectOneLineError(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^berth: /);
  expect(lines[0]).toMatch(pattern);
}

describe.skipIf(skip !== undefined)(
  `pull and push with a registry ${skip ? `(skipped: ${skip})` : ''}`,
  () => {
    let reg: TestRegistry;
    let suite: Suite;
    let tmp: TempRoot;
    let archive: { path: string; diffId: string };
    let authFile: string;
    let remote: string;
    const berth = (args: string[], ns?: string, input?: string) =>
      runCli(args, {
        address: suite.address,
        ...(ns ? { ns } : {}),
        ...(input !== undefined ? { input } : {}),
        env: { BERTH_AUTH_FILE: authFile },
        timeoutMs: 60_000,
      });
    const registry = () =>
      createRegistryClient({ credentials: () => ({ username: USER, password: PASS }), maxAttempts: 1 });

    beforeAll(async () => {
      reg = await startRegistry({ auth: { user: USER, pass: PASS } });
      suite = await startSuite({ services: ['content', 'snapshotter', 'images'] });
      // The images service's default authFile (<root>/images/auth.json) is where the CLI logs in.
      authFile = join(suite.root, 'images', 'auth.json');
      remote = `${reg.host}/test/busybox:1`;
      tmp = tempRoot('berth-pull-');
      archive = makeBusyboxArchive(tmp.dir);
      await ctrOk(suite.address, ['images', 'import', archive.path]);
    }, 60_000);
    afterAll(async () => {
      await tmp?.cleanup();
      await suite?.stop();
      await reg?.stop();
    });

    it('login with a wrong password fails in one line and stores nothing', async () => {
      const r = await berth(['login', reg.host, '-u', USER, '-p', 'wrong']);
      expectOneLineError(r, /authentication required|unauthorized|denied/i);
      expect(existsSync(authFile)).toBe(false);
    });

    it('login with the right password stores the credentials (also from stdin)', async () => {
      const r = await berth(['login', reg.host, '-u', USER, '--password-stdin'], undefined, `${PASS}\n`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Login Succeeded');
      expect(existsSync(authFile)).toBe(true);
    });

    it('pushes the imported image under another name', async () => {
      const r = await berth(['push', LOCAL, remote]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^1: digest: sha256:[0-9a-f]{64} size: \d+$/m);
      expect(r.stdout).toMatch(/: Pushed$/m);
      const client = registry();
      try {
        expect(await client.listTags(reg.host, 'test/busybox')).toEqual(['1']);
      } finally {
        client.close();
      }
      // Again: every blob is there already.
      const again = await berth(['push', LOCAL, remote]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/: Layer already exists$/m);
    });

    it('pulls into another namespace, records, unpacks and runs the image', async () => {
      const r = await berth(['pull', remote], 'other');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^Digest: sha256:[0-9a-f]{64}$/m);
      expect(r.stdout).toContain(`Status: Downloaded newer image for ${remote}`);
      expect(r.stdout).toMatch(/: Pull complete$/m);

      const images = dial(ImagesClient, suite.address);
      try {
        const list = await unary(images, images.list, { filters: [] }, { ns: 'other' });
        expect(list.images.map((i) => i.name)).toEqual([remote]);
      } finally {
        images.close();
      }
      // One layer: its chain ID is its diffID.
      const snaps = (await ctrOk(suite.address, ['snapshots', 'ls'], { ns: 'other' })).stdout;
      expect(snaps).toMatch(new RegExp(`${archive.diffId}\\s+Committed`));
      expect((await ctrOk(suite.address, ['images', 'check'], { ns: 'other' })).stdout).toMatch(/complete/);

      const target = join(tmp.dir, 'mnt');
      await mkdir(target);
      await ctrOk(suite.address, ['images', 'mount', remote, target], { ns: 'other' });
      try {
        expect(execFileSync(join(target, 'bin', 'echo'), ['pulled']).toString()).toBe('pulled\n');
      } finally {
        await ctrOk(suite.address, ['images', 'unmount', '--rm', target], { ns: 'other' });
      }

      const again = await berth(['pull', '-q', remote], 'other');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toBe(`${remote}\n`);
      const uptodate = await berth(['pull', remote], 'other');
      expect(uptodate.stdout).toContain(`Status: Image is up to date for ${remote}`);
    });

    it('pushes to another repository of the registry by cross-repository mount', async () => {
      // The pulled blobs are labelled with the repository they came from.
      const r = await berth(['push', remote, `${reg.host}/test/mounted:2`], 'other');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/: Mounted from another repository$/m);
      const client = registry();
      try {
        expect(await client.listTags(reg.host, 'test/mounted')).toEqual(['2']);
      } finally {
        client.close();
      }
    });

    it('a tag that does not exist is a one-line NotFound', async () => {
      const r = await berth(['pull', `${reg.host}/test/busybox:nope`], 'other');
      expectOneLineError(r, /manifest unknown|not found/i);
    });

    it('resumes an interrupted layer ingest', async () => {
      const client = registry();
      let layer: { digest: string; size: number };
      try {
        const root = await client.resolve(reg.host, 'test/busybox', '1');
        const manifest = JSON.parse(
          (await client.fetchManifest(reg.host, 'test/busybox', root.digest)).toString(),
        ) as { layers: { digest: string; size: number }[] };
        layer = manifest.layers[0]!;
      } finally {
        client.close();
      }
      // The layer's bytes, from the namespace that pulled it; half of them go into an ingest
      // in a fresh namespace.
      const store = createContentProxy(suite.address);
      const ns = 'resume';
      const ref = `layer-${layer.digest}`;
      try {
        const parts: Uint8Array[] = [];
        for await (const c of store.read('other', layer.digest)) parts.push(c);
        const bytes = Buffer.concat(parts);
        expect(sha256(bytes)).toBe(layer.digest);
        // Drop the layer everywhere, so that its bytes are gone from disk and must be fetched.
        for (const n of ['default', 'other']) await store.delete(n, layer.digest);
        const half = Math.floor(bytes.length / 2);
        const w = await store.writer(ns, { ref, total: layer.size, expected: layer.digest });
        for (let off = 0; off < half; off += WRITE_CHUNK)
          await w.write(off, bytes.subarray(off, Math.min(off + WRITE_CHUNK, half)));
        await w.close();
        expect((await store.status(ns, ref)).offset).toBe(half);

        // Pull through the API to see where the download of the layer started.
        const transfer = dial(TransferClient, suite.address);
        const seen: Progress[] = [];
        try {
          for await (const p of serverStream(
            transfer,
            transfer.pull,
            { reference: remote, platform: undefined, auth: undefined, skipUnpack: false },
            { ns },
          ))
            seen.push(p);
        } finally {
          transfer.close();
        }
        const first = seen.find((p) => p.ref === ref && p.status === 'downloading');
        expect(first?.offset).toBe(half);
        expect(seen.at(-1)?.image?.digest).toMatch(/^sha256:/);
        const info = await store.info(ns, layer.digest);
        expect(info.size).toBe(layer.size);
        expect(await store.listStatuses(ns)).toEqual([]);
      } finally {
        store.close();
      }
    });

    it('two pulls of the same image at once share the downloads and both succeed', async () => {
      const store = createContentProxy(suite.address);
      const transfer = dial(TransferClient, suite.address);
      try {
        // The only copy of the layer is in the namespace of the previous test: drop it.
        for await (const info of store.list('resume')) await store.delete('resume', info.digest);
        const pullOnce = async () => {
          const seen: Progress[] = [];
          for await (const p of serverStream(
            transfer,
            transfer.pull,
            { reference: remote, platform: undefined, auth: undefined, skipUnpack: true },
            { ns: 'twice' },
          ))
            seen.push(p);
          return seen;
        };
        const [a, b] = await Promise.all([pullOnce(), pullOnce()]);
        for (const seen of [a, b]) expect(seen.at(-1)?.image?.digest).toMatch(/^sha256:/);
        // One of them downloaded the layer; the other waited for that download.
        const downloads = [...a, ...b].filter(
          (p) => p.ref.startsWith('layer-') && p.status === 'downloading',
        );
        expect(downloads.length).toBeGreaterThan(0);
        expect(await store.listStatuses('twice')).toEqual([]);
      } finally {
        transfer.close();
        store.close();
      }
    });

    it('after logout, a pull is a one-line Unauthenticated error', async () => {
      const out = await berth(['logout', reg.host]);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toContain(`Removing login credentials for ${reg.host}`);
      const r = await berth(['pull', remote], 'anonymous');
      expectOneLineError(r, /authentication required|unauthorized/i);
    });
  },
);
