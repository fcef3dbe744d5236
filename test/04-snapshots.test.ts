/**
 * System: berth-snapshotter behind the gateway, driven by the `berth snapshots`
 * CLI and by Debian's containerd 1.6 `ctr` — overlay mounts that really mount,
 * parent chains, labels, usage, removal rules, `/snapshot/*` events, and a
 * kill -9 of the snapshotter after which state is intact and orphans are gone.
 * Needs root (mounts) and a built tree (`npx nx run-many -t build`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotCommit, SnapshotPrepare, SnapshotRemove } from '@berth/proto/events';
import type { Envelope } from '@berth/proto/events/v1';
import {
  runCli,
  startService,
  startSuite,
  tempRoot,
  waitFor,
  type CliResult,
  type ServiceProcess,
  type Suite,
  type TempRoot,
} from '@berth/testkit';
import {
  gatewayClients,
  subscribe,
  triggerUntilReceived,
  missingSnapshotPrerequisite,
  tableRows,
} from './helpers.js';
import { run, mountsUnder, umountAll, sh } from './mounts.js';
import { CTR, ctrEnv } from './ctr.js';

const skip = missingSnapshotPrerequisite();

/** Runs `ctr --address A ...args`; throws with stderr unless it exits 0. */
function ctr(address: string, args: string[]): Promise<string> {
  const child = spawn(CTR, ['--address', address, ...args], {
    env: ctrEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`ctr ${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

const rows = tableRows;

describe.skipIf(skip !== undefined)(`snapshots ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let tmp: TempRoot;
  let restarted: ServiceProcess | undefined;
  const berth = (args: string[]) => runCli(args, { address: suite.address });
  /** Runs the CLI and fails with its stderr unless it exits 0. */
  const ok = async (args: string[]): Promise<CliResult> => {
    const r = await berth(args);
    if (r.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r;
  };
  /** A fresh, empty mount point under the test's temp dir. */
  let n = 0;
  const target = async (): Promise<string> => {
    const d = join(tmp.dir, `mnt-${n++}`);
    await mkdir(d);
    return d;
  };
  /** Mounts snapshot `key` with `berth snapshots mounts … | sh`, runs `fn`, always unmounts. */
  async function withMounted<T>(key: string, fn: (dir: string) => Promise<T>): Promise<T> {
    const dir = await target();
    const cmds = (await ok(['snapshots', 'mounts', dir, key])).stdout;
    try {
      await sh(cmds);
      return await fn(dir);
    } finally {
      await umountAll(dir);
    }
  }

  beforeAll(async () => {
    suite = await startSuite({ services: ['content', 'snapshotter'] });
    tmp = tempRoot('berth-snap-');
  });
  afterAll(async () => {
    if (tmp) await umountAll(tmp.dir);
    await restarted?.stop();
    await suite?.stop();
    await tmp?.cleanup();
  });

  describe('berth snapshots', () => {
    it('prepares a base silently, and prints ctr-style mount commands with --mounts', async () => {
      const r = await ok(['snapshots', 'prepare', 'base']);
      expect(r.stdout).toBe('');
      const m = await ok(['snapshot', 'prepare', 'scratch', '--mounts', '/mnt/x']);
      expect(m.stdout).toMatch(
        /^mount -t bind \/\S+\/snapshotter\/snapshots\/\d+\/fs \/mnt\/x -o rw,rbind\n$/,
      );
      await ok(['snapshots', 'rm', 'scratch']);
    });

    it('mounts the active base with `mounts … | sh`, and commit keeps what was written', async () => {
      const mounts = (await ok(['snapshots', 'mounts', '/somewhere', 'base'])).stdout;
      expect(mounts).toMatch(/^mount -t bind \S+\/fs \/somewhere -o rw,rbind\n$/);
      await withMounted('base', async (dir) => {
        await writeFile(join(dir, 'a.txt'), 'from base');
        await mkdir(join(dir, 'etc'));
        await writeFile(join(dir, 'etc', 'conf'), 'x=1\n');
      });
      expect((await ok(['snapshots', 'commit', 'layer1', 'base'])).stdout).toBe('');
      // A committed snapshot has no mounts.
      const m = await berth(['snapshots', 'mounts', '/x', 'layer1']);
      expect(m.code).toBe(1);
      expect(m.stderr).toMatch(/layer1 is committed/);
    });

    it('prepares an overlay on a parent: the parent shows through and writes land in the upper only', async () => {
      await ok(['snapshots', 'prepare', 'c1', 'layer1']);
      const cmds = (await ok(['snapshots', 'mounts', '/mnt', 'c1'])).stdout;
      expect(cmds).toMatch(
        /^mount -t overlay overlay \/mnt -o index=off,workdir=\S+\/work,upperdir=(\S+\/fs),lowerdir=\S+\/l\/\d+\n$/,
      );
      const upper = /upperdir=([^,]+)/.exec(cmds)![1]!;
      await withMounted('c1', async (dir) => {
        expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('from base');
        await writeFile(join(dir, 'b.txt'), 'from c1');
      });
      expect(await readdir(upper)).toEqual(['b.txt']);
    });

    it('creates a read-only view: a bind of the parent', async () => {
      const r = await ok(['snapshots', 'view', 'v1', 'layer1', '--mounts', '/v']);
      expect(r.stdout).toMatch(/^mount -t bind \S+\/fs \/v -o ro,rbind\n$/);
      await withMounted('v1', async (dir) => {
        expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('from base');
        await expect(writeFile(join(dir, 'nope'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
      });
    });

    it('lists KEY PARENT KIND, ids with -q, JSON with --format json, and filters', async () => {
      const table = rows((await ok(['snapshots', 'ls'])).stdout);
      expect(table).toEqual([
        ['c1', 'layer1', 'Active'],
        ['layer1', 'Committed'],
        ['v1', 'layer1', 'View'],
      ]);
      expect((await ok(['snapshots', 'ls', '-q'])).stdout).toBe('c1\nlayer1\nv1\n');
      const json = JSON.parse((await ok(['snapshots', 'ls', '--format', 'json'])).stdout) as {
        name: string;
        kind: string;
        labels: Record<string, string>;
      }[];
      expect(json.map((i) => [i.name, i.kind])).toEqual([
        ['c1', 'active'],
        ['layer1', 'committed'],
        ['v1', 'view'],
      ]);
      expect(Object.keys(json[0]!.labels)).toContain('containerd.io/gc.root');
      expect((await ok(['snapshots', 'ls', '-q', 'kind==committed'])).stdout).toBe('layer1\n');
      expect((await ok(['snapshots', 'ls', '-q', 'parent==layer1', 'name==nothing'])).stdout).toBe(
        'c1\nv1\n',
      );
    });

    it('prints the tree like ctr', async () => {
      expect((await ok(['snapshots', 'tree'])).stdout).toBe(' layer1\n  \\_ c1\n  \\_ v1\n');
    });

    it('prints info as ctr does (Kind, Name, Parent, Labels, Created, Updated)', async () => {
      const out = (await ok(['snapshots', 'info', 'c1'])).stdout;
      expect(out).toMatch(/^\{\n {4}"Kind": "Active",\n {4}"Name": "c1",\n {4}"Parent": "layer1",\n/);
      const info = JSON.parse(out) as Record<string, unknown>;
      expect(Object.keys(info)).toEqual(['Kind', 'Name', 'Parent', 'Labels', 'Created', 'Updated']);
      expect(Date.parse(info['Created'] as string)).toBeGreaterThan(Date.now() - 120_000);
      const base = JSON.parse((await ok(['snapshots', 'info', 'layer1'])).stdout) as Record<string, unknown>;
      expect(base['Kind']).toBe('Committed');
      expect(base['Parent']).toBeUndefined();
      const missing = await berth(['snapshots', 'info', 'nothing']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/snapshot nothing: not found/);
    });

    it('reports usage of each layer alone, human-readable, and in bytes with -b', async () => {
      const all = rows((await ok(['snapshots', 'usage'])).stdout);
      expect(all.map((r) => r[0])).toEqual(['c1', 'layer1', 'v1']);
      // layer1: "from base" (9) + "x=1\n" (4) in /, a.txt, etc/, etc/conf.
      expect(rows((await ok(['snapshots', 'usage', 'layer1', '-b'])).stdout)).toEqual([
        ['layer1', '13', '4'],
      ]);
      expect(rows((await ok(['snapshots', 'usage', 'layer1'])).stdout)).toEqual([['layer1', '13', 'B', '4']]);
      // c1's own layer: its root and b.txt (7 bytes).
      expect(rows((await ok(['snapshots', 'usage', '-b', 'c1'])).stdout)).toEqual([['c1', '7', '2']]);
    });

    it('sets and removes single labels and prints the result', async () => {
      const set = (await ok(['snapshots', 'label', 'c1', 'team=berth', 'tier=1'])).stdout.trim();
      expect(set.split(',')).toEqual(expect.arrayContaining(['team=berth', 'tier=1']));
      const removed = (await ok(['snapshots', 'label', 'c1', 'tier='])).stdout.trim().split(',');
      expect(removed).toContain('team=berth');
      expect(removed.some((l) => l.startsWith('tier='))).toBe(false);
      expect((await ok(['snapshots', 'label', 'c1'])).stdout.trim().split(',')).toEqual(removed);
      expect((await ok(['snapshots', 'ls', '-q', 'labels.team==berth'])).stdout).toBe('c1\n');
    });

    it('refuses to remove a parent with children, naming them, and rm goes on after an error', async () => {
      const r = await berth(['snapshots', 'rm', 'layer1']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/layer1/);
      expect(r.stderr).toMatch(/c1/);
      expect(r.stderr).toMatch(/v1/);
      expect(r.stderr).toMatch(/berth: cannot remove snapshot layer1: 2 snapshots build on it/);

      const several = await berth(['snapshots', 'rm', 'v1', 'nothing', 'c1']);
      expect(several.code).toBe(1);
      expect(several.stdout).toBe('v1\nc1\n');
      expect(several.stderr).toMatch(/snapshot nothing: not found/);
      expect((await ok(['snapshots', 'rm', 'layer1'])).stdout).toBe('layer1\n');
      expect((await ok(['snapshots', 'ls', '-q'])).stdout).toBe('');
    });

    it('answers to --snapshotter overlay2 and refuses a snapshotter it does not serve', async () => {
      await ok(['snapshots', '--snapshotter', 'overlay2', 'prepare', 'named']);
      expect((await ok(['snapshots', '--snapshotter', 'overlay2', 'ls', '-q'])).stdout).toBe('named\n');
      const bad = await berth(['snapshots', '--snapshotter', 'zfs', 'ls']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/snapshotter "zfs" is not loaded/);
      const env = await runCli(['snapshots', 'ls'], {
        address: suite.address,
        env: { BERTH_SNAPSHOTTER: 'zfs' },
      });
      expect(env.code).toBe(1);
      await ok(['snapshots', 'rm', 'named']);
      await ok(['snapshots', 'cleanup']);
    });

    it('keeps namespaces apart', async () => {
      await ok(['-n', 'other', 'snapshots', 'prepare', 'elsewhere']);
      expect((await ok(['snapshots', 'ls', '-q'])).stdout).toBe('');
      expect((await ok(['-n', 'other', 'snapshots', 'ls', '-q'])).stdout).toBe('elsewhere\n');
      await ok(['-n', 'other', 'snapshots', 'rm', 'elsewhere']);
    });
  });

  describe('events', () => {
    it('publishes /snapshot/prepare, /snapshot/commit and /snapshot/remove with the keys', async () => {
      const c = gatewayClients(suite.address);
      const stream = subscribe(c.events, ['topic~="/snapshot/"']);
      try {
        // A subscription becomes live asynchronously: prepare-and-remove until one event shows up.
        let i = 0;
        await triggerUntilReceived(stream, async () => {
          await ok(['-n', 'evns', 'snapshots', 'prepare', `warmup-${i}`]);
          await ok(['-n', 'evns', 'snapshots', 'rm', `warmup-${i++}`]);
        });
        await ok(['-n', 'evns', 'snapshots', 'prepare', 'ev-base']);
        await ok(['-n', 'evns', 'snapshots', 'commit', 'ev-layer', 'ev-base']);
        await ok(['-n', 'evns', 'snapshots', 'prepare', 'ev-child', 'ev-layer']);
        await ok(['-n', 'evns', 'snapshots', 'rm', 'ev-child', 'ev-layer']);
        const seen: { topic: string; ns: string; body: unknown }[] = [];
        const decode = (e: Envelope) => {
          const v = e.event!.value;
          if (e.topic === '/snapshot/prepare') return SnapshotPrepare.decode(v);
          if (e.topic === '/snapshot/commit') return SnapshotCommit.decode(v);
          return SnapshotRemove.decode(v);
        };
        while (
          !seen.some((s) => s.topic === '/snapshot/remove' && (s.body as { key: string }).key === 'ev-layer')
        ) {
          const e = await stream.next(10_000);
          if (!e) throw new Error(`events so far: ${JSON.stringify(seen)}`);
          seen.push({ topic: e.topic, ns: e.namespace, body: decode(e) });
        }
        const ours = seen.filter((s) => !JSON.stringify(s.body).includes('warmup'));
        expect(ours).toEqual([
          { topic: '/snapshot/prepare', ns: 'evns', body: { key: 'ev-base', parent: '' } },
          { topic: '/snapshot/commit', ns: 'evns', body: { key: 'ev-base', name: 'ev-layer' } },
          { topic: '/snapshot/prepare', ns: 'evns', body: { key: 'ev-child', parent: 'ev-layer' } },
          { topic: '/snapshot/remove', ns: 'evns', body: { key: 'ev-child' } },
          { topic: '/snapshot/remove', ns: 'evns', body: { key: 'ev-layer' } },
        ]);
      } finally {
        stream.close();
        c.close();
      }
    });
  });

  describe.skipIf(!existsSync(CTR))('ctr 1.6', () => {
    it('prepares, lists, mounts through `| sh`, commits, and shows tree, info and usage', async () => {
      const addr = suite.address;
      await ctr(addr, ['snapshots', 'prepare', 'ctr-base']);
      expect(rows(await ctr(addr, ['snapshots', 'ls']))).toEqual([['ctr-base', 'Active']]);
      // berth sees what ctr made, with ctr's gc.root label.
      const info = JSON.parse((await ok(['snapshots', 'info', 'ctr-base'])).stdout) as {
        Labels: Record<string, string>;
      };
      expect(info.Labels['containerd.io/gc.root']).toMatch(/^\d{4}-/);

      const dir = await target();
      const cmds = await ctr(addr, ['snapshots', 'mounts', dir, 'ctr-base']);
      expect(cmds).toBe((await ok(['snapshots', 'mounts', dir, 'ctr-base'])).stdout);
      try {
        await sh(cmds);
        expect(mountsUnder(dir)).toEqual([dir]);
        await writeFile(join(dir, 'hello'), 'written under a ctr mount\n');
      } finally {
        await umountAll(dir);
      }
      expect(mountsUnder(dir)).toEqual([]);

      await ctr(addr, ['snapshots', 'commit', 'ctr-layer', 'ctr-base']);
      await ctr(addr, ['snapshots', 'prepare', 'ctr-top', 'ctr-layer']);
      const top = await target();
      try {
        await sh(await ctr(addr, ['snapshots', 'mounts', top, 'ctr-top']));
        expect(await readFile(join(top, 'hello'), 'utf8')).toBe('written under a ctr mount\n');
      } finally {
        await umountAll(top);
      }

      expect(rows(await ctr(addr, ['snapshots', 'ls']))).toEqual([
        ['ctr-layer', 'Committed'],
        ['ctr-top', 'ctr-layer', 'Active'],
      ]);
      expect(await ctr(addr, ['snapshots', 'tree'])).toBe(' ctr-layer\n  \\_ ctr-top\n');
      const ci = JSON.parse(await ctr(addr, ['snapshots', 'info', 'ctr-top'])) as Record<string, unknown>;
      expect(ci).toMatchObject({ Kind: 'Active', Name: 'ctr-top', Parent: 'ctr-layer' });
      // ctr and berth print the same info.
      expect(JSON.parse((await ok(['snapshots', 'info', 'ctr-top'])).stdout)).toMatchObject({
        Kind: ci['Kind'],
        Name: ci['Name'],
        Parent: ci['Parent'],
        Labels: ci['Labels'],
      });
      const usage = rows(await ctr(addr, ['snapshots', 'usage', 'ctr-layer']));
      expect(usage).toEqual([['ctr-layer', '26.0', 'B', '2']]);
      expect(rows(await ctr(addr, ['snapshots', 'usage'])).map((r) => r[0])).toEqual([
        'ctr-layer',
        'ctr-top',
      ]);

      await expect(ctr(addr, ['snapshots', 'rm', 'ctr-layer'])).rejects.toThrow(
        /cannot remove snapshot ctr-layer: 1 snapshot builds on it \(ctr-top\)/,
      );
      await ctr(addr, ['snapshots', 'rm', 'ctr-top']);
      await ctr(addr, ['snapshots', 'rm', 'ctr-layer']);
      expect(rows(await ctr(addr, ['snapshots', 'ls']))).toEqual([]);
    });
  });

  describe('kill -9 of berth-snapshotter', () => {
    it('keeps a prepared snapshot usable across the crash and removes orphans at restart', async () => {
      await ok(['snapshots', 'prepare', 'crash-base']);
      await withMounted('crash-base', (dir) => writeFile(join(dir, 'kept'), 'before the crash'));
      await ok(['snapshots', 'commit', 'crash-layer', 'crash-base']);
      await ok(['snapshots', 'prepare', 'crash-top', 'crash-layer']);

      await suite.services['snapshotter']!.kill9();
      // Leftovers a crash can leave: a half-built dir, a dir whose record never committed, a dangling short link.
      const snapRoot = join(suite.root, 'snapshotter');
      await mkdir(join(snapRoot, 'snapshots', 'new-deadbeef0000', 'fs'), { recursive: true });
      await mkdir(join(snapRoot, 'snapshots', '999999', 'fs'), { recursive: true });
      await writeFile(join(snapRoot, 'snapshots', '999999', 'fs', 'junk'), 'orphan');
      await run('ln', ['-s', '../snapshots/999999/fs', join(snapRoot, 'l', '999999')]);
      const down = await berth(['snapshots', 'ls']);
      expect(down.code).toBe(1);

      restarted = await startService('snapshotter', {
        root: suite.root,
        state: suite.state,
        nats: suite.natsUrl,
      });
      // The gateway reconnects after its backoff; until then calls are Unavailable.
      await waitFor(
        async () => {
          const r = await berth(['snapshots', 'ls', '-q']);
          return r.code === 0 || !/unavailable/.test(r.stderr) ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100, what: 'the gateway to reach the restarted berth-snapshotter' },
      );
      expect(rows((await ok(['snapshots', 'ls'])).stdout)).toEqual([
        ['crash-layer', 'Committed'],
        ['crash-top', 'crash-layer', 'Active'],
      ]);
      await withMounted('crash-top', async (dir) => {
        expect(await readFile(join(dir, 'kept'), 'utf8')).toBe('before the crash');
        await writeFile(join(dir, 'after'), 'after the restart');
      });
      const dirs = await readdir(join(snapRoot, 'snapshots'));
      expect(dirs).not.toContain('999999');
      expect(dirs.some((d) => d.startsWith('new-'))).toBe(false);
      expect(await readdir(join(snapRoot, 'l'))).not.toContain('999999');
      // Both surviving snapshots still own their directories.
      expect(dirs.sort()).toHaveLength(2);
      await ok(['snapshots', 'rm', 'crash-top', 'crash-layer']);
      expect(await readdir(join(snapRoot, 'snapshots'))).toEqual([]);
    });
  });
});
