/**
 * System: `berth commit`, `berth export` and `berth import` against a real suite
 * (content, snapshotter, images, runtime) with real runc. Containers are run with
 * containerd's `ctr` (the berth lifecycle CLI is not needed): a container changes
 * its filesystem, is committed to an image that runs with the change and the new
 * CMD, is exported to a flat tar, and the tar is imported back as a runnable image.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, serverStream, unary } from '@berth/grpc';
import { AuditClient } from '@berth/proto/berth/events/v1';
import { TransferClient } from '@berth/proto/berth/images/v1';
import { hasBinary, runCli, startSuite, tempRoot, waitFor, type Suite, type TempRoot } from '@berth/testkit';
import { missingImagePrerequisite } from './helpers.js';
import { ctr, ctrOk } from './ctr.js';
import { makeBusyboxArchive } from './fixtures/images/busybox.js';

const skip = missingImagePrerequisite() ?? (hasBinary('runc') ? undefined : 'runc is not installed');
const IMAGE = 'docker.io/library/busybox:latest';
const ID = /^sha256:[0-9a-f]{64}\n$/;

interface Config {
  author?: string;
  config?: { Cmd?: string[]; Env?: string[]; WorkingDir?: string };
  rootfs: { diff_ids: string[] };
  history?: { created_by?: string; author?: string; comment?: string }[];
}

describe.skipIf(skip !== undefined)(`commit, export, import ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let tmp: TempRoot;
  let transfer: TransferClient;
  let audit: AuditClient;
  // ctr makes its stdio FIFOs client-side; keep them in the test's own dir.
  const fifo = () => ['--fifo-dir', join(tmp.dir, 'fifo')];

  const berth = (args: string[], o: { input?: Buffer } = {}) =>
    runCli(args, { address: suite.address, timeoutMs: 60_000, ...o });
  const ok = async (args: string[], o: { input?: Buffer } = {}) => {
    const r = await berth(args, o);
    if (r.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r;
  };
  /** Runs a throw-away container of `image` (its default command when `args` is empty); returns stdout. */
  const runOnce = async (image: string, id: string, args: string[] = []) => {
    const r = await ctr(suite.address, ['run', '--rm', ...fifo(), image, id, ...args]);
    if (r.code !== 0) throw new Error(`ctr run ${image} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const inspect = async (reference: string) => {
    const r = await unary(transfer, transfer.inspect, { reference, platform: undefined }, { ns: 'default' });
    return { manifest: r.manifest, config: JSON.parse(r.configJson.toString('utf8')) as Config };
  };
  /** What is stored, to check that a failed command left nothing behind. */
  const inventory = async () => ({
    content: (await ctrOk(suite.address, ['content', 'ls', '-q'])).stdout,
    images: (await ctrOk(suite.address, ['images', 'ls', '-q'])).stdout,
    snapshots: (await ctrOk(suite.address, ['snapshots', 'ls'])).stdout,
    active: (await ctrOk(suite.address, ['content', 'active'])).stdout,
    leases: (await ctrOk(suite.address, ['leases', 'ls', '-q'])).stdout,
  });
  const tarList = (file: string) => execFileSync('tar', ['-tf', file]).toString().split('\n').filter(Boolean);

  beforeAll(async () => {
    suite = await startSuite({ services: ['content', 'snapshotter', 'images', 'runtime'] });
    tmp = tempRoot('berth-commit-');
    transfer = dial(TransferClient, suite.address);
    audit = dial(AuditClient, suite.address);
    await ctrOk(suite.address, ['images', 'import', makeBusyboxArchive(tmp.dir).path]);
    // The container every test starts from: adds a file and removes one of the image's.
    await ctrOk(suite.address, ['run', ...fifo(), IMAGE, 'c1', 'sh', '-c', 'echo hi > /new.txt; rm /bin/ls']);
  }, 120_000);
  afterAll(async () => {
    transfer?.close();
    audit?.close();
    await suite?.stop();
    await tmp?.cleanup();
  });

  it('commits a container: the image has its changes (whiteouts too), the new CMD, author and message', async () => {
    const r = await ok(['commit', '-c', 'CMD ["cat","/new.txt"]', '-m', 'msg', '-a', 'me', 'c1', 'mybox:v2']);
    expect(r.stdout).toMatch(ID);
    const id = r.stdout.trim();

    // Runs with the committed CMD, sees the new file, not the removed one.
    expect(await runOnce('docker.io/library/mybox:v2', 'r1')).toBe('hi\n');
    expect(
      await runOnce('docker.io/library/mybox:v2', 'r2', [
        'sh',
        '-c',
        'test -e /bin/ls && echo present || echo gone',
      ]),
    ).toBe('gone\n');
    expect(
      await runOnce('docker.io/library/mybox:v2', 'r3', ['cat', '/bin/busybox']).then((s) => s.length),
    ).toBeGreaterThan(100_000);

    const base = await inspect(IMAGE);
    const { manifest, config } = await inspect('mybox:v2');
    expect(manifest?.mediaType).toBe(base.manifest?.mediaType); // same format as the base (Docker schema 2 here)
    expect(config.rootfs.diff_ids).toEqual([
      ...base.config.rootfs.diff_ids,
      expect.stringMatching(/^sha256:/),
    ]);
    expect(config.author).toBe('me');
    expect(config.config?.Cmd).toEqual(['cat', '/new.txt']);
    expect(config.config?.Env).toEqual(base.config.config?.Env);
    expect(config.history?.at(-1)).toMatchObject({
      author: 'me',
      comment: 'msg',
      created_by: 'sh -c echo hi > /new.txt; rm /bin/ls',
    });

    // docker's views of it: the ID in `images`, the message in `history`.
    expect((await ok(['images', 'mybox'])).stdout).toContain(id.slice(7, 19));
    const history = JSON.parse((await ok(['history', '--format', 'json', 'mybox:v2'])).stdout) as {
      Comment: string;
      CreatedBy: string;
    }[];
    expect(history[0]).toMatchObject({ Comment: 'msg', CreatedBy: 'sh -c echo hi > /new.txt; rm /bin/ls' });
    expect(history).toHaveLength(2);
  });

  it('commits a running container, pausing it meanwhile, and leaves it running', async () => {
    await ctrOk(suite.address, [
      'run',
      '-d',
      ...fifo(),
      IMAGE,
      'c2',
      'sh',
      '-c',
      'echo live > /live.txt; sleep 1000',
    ]);
    await waitFor(
      async () =>
        (
          await ctr(suite.address, [
            'tasks',
            'exec',
            ...fifo(),
            '--exec-id',
            'x',
            'c2',
            'test',
            '-e',
            '/live.txt',
          ])
        ).code === 0 || undefined,
      {
        timeoutMs: 10_000,
        what: '/live.txt in c2',
      },
    );
    const since = new Date();
    const r = await ok([
      'commit',
      '-c',
      'ENV GREETING=hello',
      '-c',
      'CMD ["sh","-c","cat /live.txt; echo $GREETING"]',
      'c2',
      'live:v1',
    ]);
    expect(r.stdout).toMatch(ID);
    const tasks = (await ctrOk(suite.address, ['tasks', 'ls'])).stdout;
    expect(tasks).toMatch(/^c2\s+\d+\s+RUNNING$/m);
    expect(await runOnce('docker.io/library/live:v1', 'r4')).toBe('live\nhello\n');
    // It was paused for the diff and resumed after (the task events say so).
    const topics = async () => {
      const out: string[] = [];
      const req = { since, filters: ['topic~="^/tasks/(paused|resumed)"'], follow: false };
      for await (const ev of serverStream(audit, audit.replay, req)) out.push(ev.topic);
      return out.length >= 2 ? out : undefined;
    };
    expect(await waitFor(topics, { timeoutMs: 10_000, what: 'the pause/resume events' })).toEqual([
      '/tasks/paused',
      '/tasks/resumed',
    ]);
    // A running container exports too (its upper dir is only read).
    const file = join(tmp.dir, 'c2.tar');
    await ok(['export', '-o', file, 'c2']);
    expect(tarList(file)).toContain('live.txt');
    await ctrOk(suite.address, ['tasks', 'kill', '-s', 'SIGKILL', 'c2']);
  });

  it('commits without a name: an untagged image, usable by its ID', async () => {
    const r = await ok(['commit', 'c1']);
    expect(r.stdout).toMatch(ID);
    const id = r.stdout.trim();
    const names = (await ctrOk(suite.address, ['images', 'ls', '-q'])).stdout.split('\n');
    const dangling = names.find((n) => n.startsWith('docker.io/library/moby-dangling@sha256:'));
    expect(dangling).toBeDefined();
    expect(JSON.parse((await ok(['history', '--format', 'json', id.slice(7, 19)])).stdout)).toHaveLength(2);
  });

  it('exports a container as one flat tar, to a file or stdout', async () => {
    const file = join(tmp.dir, 'c1.tar');
    await ok(['export', '-o', file, 'c1']);
    const names = tarList(file);
    expect(names).toContain('new.txt');
    expect(names).toContain('bin/busybox');
    expect(names).toContain('bin/sh');
    expect(names).not.toContain('bin/ls');
    expect(names.filter((n) => n.includes('.wh.'))).toEqual([]);

    const viaStdout = await ok(['export', 'c1']);
    const again = join(tmp.dir, 'c1-stdout.tar');
    writeFileSync(again, viaStdout.stdoutBuffer);
    expect(tarList(again)).toEqual(names);
    // The export's temporary blob is gone again.
    expect((await ctrOk(suite.address, ['content', 'ls', '-q'])).stdout).not.toContain(
      `sha256:${execFileSync('sha256sum', [file]).toString().split(' ')[0]}`,
    );

    const missing = await berth(['export', '-o', join(tmp.dir, 'x.tar'), 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No such container: nope/);
  });

  it('imports a rootfs tar (plain from a file, gzip from stdin) as images that run', async () => {
    const file = join(tmp.dir, 'c1.tar');
    const r = await ok(['import', file, 'mybox:v3']);
    expect(r.stdout).toMatch(ID);
    expect(await runOnce('docker.io/library/mybox:v3', 'r5', ['cat', '/new.txt'])).toBe('hi\n');
    const { manifest, config } = await inspect('mybox:v3');
    expect(manifest?.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(config.rootfs.diff_ids).toHaveLength(1);
    expect(config.history?.[0]?.comment).toBe(`Imported from ${file}`);

    const gz = gzipSync(readFileSync(file));
    const g = await ok(
      ['import', '-c', 'CMD ["cat","/new.txt"]', '-c', 'WORKDIR /tmp', '-m', 'from gzip', '-', 'mybox:v4'],
      {
        input: gz,
      },
    );
    expect(g.stdout).toMatch(ID);
    expect(await runOnce('docker.io/library/mybox:v4', 'r6')).toBe('hi\n');
    expect(
      await runOnce('docker.io/library/mybox:v4', 'r7', ['sh', '-c', 'pwd; test -e /bin/ls || echo gone']),
    ).toBe('/tmp\ngone\n');
    const v4 = (await inspect('mybox:v4')).config;
    expect(v4.history?.[0]?.comment).toBe('from gzip');
    // Same tar, so the same layer: one diffID for both.
    expect(v4.rootfs.diff_ids).toEqual(config.rootfs.diff_ids);
  });

  it.skipIf(!hasBinary('zstd'))('imports a zstd-compressed rootfs tar, keeping it zstd', async () => {
    const zst = join(tmp.dir, 'c1.tar.zst');
    execFileSync('zstd', ['-q', '-f', join(tmp.dir, 'c1.tar'), '-o', zst]);
    expect(await ok(['import', zst, 'mybox:zstd']).then((r) => r.stdout)).toMatch(ID);
    expect(await runOnce('docker.io/library/mybox:zstd', 'r8', ['cat', '/new.txt'])).toBe('hi\n');
    const r = await unary(
      transfer,
      transfer.inspect,
      { reference: 'mybox:zstd', platform: undefined },
      { ns: 'default' },
    );
    expect(r.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar+zstd']);
  });

  it('refuses a file that is not a tar, naming it, and leaves nothing behind', async () => {
    const before = await inventory();
    const text = join(tmp.dir, 'notes.txt');
    writeFileSync(text, 'this is not a tar archive\n'.repeat(100));
    const plain = await berth(['import', text, 'bad:v1']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(new RegExp(`^berth: ${text.replace(/[.]/g, '\\.')} is not a tar archive: `));

    // Compressed garbage is only found out by the applier, after the blob was stored: still nothing left.
    const gz = join(tmp.dir, 'notes.tar.gz');
    writeFileSync(gz, gzipSync(Buffer.from('still not a tar\n'.repeat(100))));
    const packed = await berth(['import', gz, 'bad:v2']);
    expect(packed.code).toBe(1);
    expect(packed.stderr).toMatch(/notes\.tar\.gz is not a valid tar archive: .*checksum/);

    const empty = join(tmp.dir, 'empty.tar');
    writeFileSync(empty, '');
    const e = await berth(['import', empty]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/empty\.tar is empty: not a tar archive/);

    // Nothing new (a background GC pass may only have taken things away meanwhile).
    const after = await inventory();
    for (const k of Object.keys(after) as (keyof typeof after)[]) {
      const had = new Set(before[k].split('\n'));
      expect(after[k].split('\n').filter((l) => !had.has(l))).toEqual([]);
    }
  });

  it('rejects bad changes and names before doing anything', async () => {
    const bad = await berth(['commit', '-c', 'RUN echo', 'c1', 'x:y']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^berth: RUN is not a valid change command/);
    const badName = await berth(['import', join(tmp.dir, 'c1.tar'), 'Not A Name']);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/invalid reference/);
  });
});
