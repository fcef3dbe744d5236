/**
 * System: the diff service through `berth diff` and the snapshots CLI. A layer
 * tar made by GNU tar (files, a subdir, a symlink, a hardlink) goes in through
 * `berth content ingest` and `berth diff apply` (gzip and plain, returning the
 * uncompressed digest), changes made under an overlay mount come back out with
 * `berth diff create` as a layer with a whiteout, and applying that layer
 * reproduces the same filesystem. Bad requests fail with the right kinds and
 * leave snapshots removable. Needs root (mounts) and a built tree.
 */
import { randomBytes } from 'node:crypto';
import {
  chmod,
  link,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, unary } from '@berth/grpc';
import { DiffClient } from '@berth/proto/diff/v1';
import { SnapshotsClient } from '@berth/proto/snapshots/v1';
import { runCli, startSuite, tempRoot, type CliResult, type Suite, type TempRoot } from '@berth/testkit';
import { kindOfRejection, sha256, missingSnapshotPrerequisite } from './helpers.js';
import { run, umountAll } from './mounts.js';

const skip = missingSnapshotPrerequisite();

const MEDIA_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

/**
 * A comparable description of the tree under `dir`: one line per entry with
 * its type, mode, owner, and content digest or link target (mtimes left out:
 * an upper dir and a re-applied tar legitimately differ there).
 */
async function describeTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const p = join(rel, name);
      const st = await lstat(join(dir, p));
      const meta = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isSymbolicLink()) out.push(`l ${p} -> ${await readlink(join(dir, p))}`);
      else if (st.isDirectory()) {
        out.push(`d ${p} ${meta}`);
        await walk(p);
      } else if (st.isFile()) out.push(`f ${p} ${meta} ${sha256(await readFile(join(dir, p)))}`);
      else out.push(`? ${p} ${st.mode.toString(8)} ${st.rdev}`);
    }
  };
  await walk('');
  return out;
}

describe.skipIf(skip !== undefined)(`diff ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let tmp: TempRoot;
  let diffClient: DiffClient;
  let snapClient: SnapshotsClient;
  const berth = (args: string[]) => runCli(args, { address: suite.address });
  const ok = async (args: string[]): Promise<CliResult> => {
    const r = await berth(args);
    if (r.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r;
  };
  const line = async (args: string[]) => (await ok(args)).stdout.trim();

  let n = 0;
  /** Mounts snapshot `key` with `berth snapshots mounts … | sh`, runs `fn`, always unmounts. */
  async function withMounted<T>(key: string, fn: (dir: string) => Promise<T>): Promise<T> {
    const dir = join(tmp.dir, `mnt-${n++}`);
    await mkdir(dir);
    const cmds = await line(['snapshots', 'mounts', dir, key]);
    try {
      await run('sh', ['-c', cmds]);
      return await fn(dir);
    } finally {
      await umountAll(dir);
    }
  }

  let layerTar: Buffer;
  let diffId: string;
  let gzDigest: string;
  let tarDigest: string;

  beforeAll(async () => {
    suite = await startSuite({ services: ['content', 'snapshotter'] });
    tmp = tempRoot('berth-diff-');
    diffClient = dial(DiffClient, suite.address);
    snapClient = dial(SnapshotsClient, suite.address);

    // The layer: files, a subdir, an executable, a symlink, a hardlink and an empty dir.
    const src = join(tmp.dir, 'layer');
    await mkdir(join(src, 'sub', 'deeper'), { recursive: true });
    await mkdir(join(src, 'bin'));
    await mkdir(join(src, 'emptydir'));
    await writeFile(join(src, 'hello.txt'), 'hello from the layer\n');
    await writeFile(join(src, 'todelete.txt'), 'deleted by the next layer\n');
    await writeFile(join(src, 'sub', 'deeper', 'file'), randomBytes(100_000));
    await writeFile(join(src, 'bin', 'tool'), '#!/bin/sh\necho tool\n');
    await chmod(join(src, 'bin', 'tool'), 0o755);
    await symlink('hello.txt', join(src, 'link'));
    await link(join(src, 'hello.txt'), join(src, 'hard'));
    await run('tar', ['-C', src, '-cf', join(tmp.dir, 'layer.tar'), '.']);
    await run('sh', ['-c', `gzip -n -c '${tmp.dir}/layer.tar' > '${tmp.dir}/layer.tar.gz'`]);
    layerTar = await readFile(join(tmp.dir, 'layer.tar'));
    diffId = sha256(layerTar);

    gzDigest = await line(['content', 'ingest', join(tmp.dir, 'layer.tar.gz')]);
    tarDigest = await line(['content', 'ingest', join(tmp.dir, 'layer.tar')]);
    expect(tarDigest).toBe(diffId);
  });
  afterAll(async () => {
    if (tmp) await umountAll(tmp.dir);
    diffClient?.close();
    snapClient?.close();
    await suite?.stop();
    await tmp?.cleanup();
  });

  it('applies a gzip layer and returns the digest of the uncompressed tar', async () => {
    await ok(['snapshots', 'prepare', 'L1']);
    expect(await line(['diff', 'apply', gzDigest, 'L1'])).toBe(diffId);
    await withMounted('L1', async (dir) => {
      expect(await readFile(join(dir, 'hello.txt'), 'utf8')).toBe('hello from the layer\n');
      expect(await readlink(join(dir, 'link'))).toBe('hello.txt');
      expect((await lstat(join(dir, 'hard'))).ino).toBe((await lstat(join(dir, 'hello.txt'))).ino);
      expect((await lstat(join(dir, 'bin', 'tool'))).mode & 0o777).toBe(0o755);
      expect((await readFile(join(dir, 'sub', 'deeper', 'file'))).length).toBe(100_000);
      expect(await readdir(join(dir, 'emptydir'))).toEqual([]);
    });
  });

  it('applies the same layer uncompressed with the same result', async () => {
    await ok(['snapshots', 'prepare', 'L1-plain']);
    expect(await line(['diff', 'apply', tarDigest, 'L1-plain'])).toBe(diffId);
    // --media-type overrides the sniffing; the service still decodes what it gets.
    await ok(['snapshots', 'prepare', 'L1-typed']);
    expect(await line(['diff', 'apply', '--media-type', 'tar+gzip', gzDigest, 'L1-typed'])).toBe(diffId);
    const [a, b, c] = await Promise.all(
      ['L1', 'L1-plain', 'L1-typed'].map((k) => withMounted(k, (dir) => describeTree(dir))),
    );
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    await ok(['snapshots', 'rm', 'L1-plain', 'L1-typed']);
  });

  let upperView: string[];
  let diffDigest: string;

  it('diffs an overlay against its parent into a gzip layer with a whiteout and the uncompressed label', async () => {
    await ok(['snapshots', 'commit', 'C1', 'L1']);
    await ok(['snapshots', 'prepare', 'L2', 'C1']);
    upperView = await withMounted('L2', async (dir) => {
      await rm(join(dir, 'todelete.txt'));
      await writeFile(join(dir, 'new.txt'), 'added in L2\n');
      return describeTree(dir);
    });
    expect(upperView.some((l) => l.includes('todelete'))).toBe(false);

    diffDigest = await line(['diff', 'create', 'C1', 'L2']);
    expect(diffDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The temporary view of C1 is gone.
    expect((await ok(['snapshots', 'ls', '-q'])).stdout).toBe('C1\nL2\n');

    const blob = join(tmp.dir, 'diff.tar.gz');
    await ok(['content', 'get', diffDigest, '-o', blob]);
    const listing = (await run('tar', ['-tzf', blob])).stdout.split('\n').filter(Boolean);
    expect(listing.map((p) => p.replace(/^\.\//, ''))).toEqual(
      expect.arrayContaining(['new.txt', '.wh.todelete.txt']),
    );
    expect(listing.some((p) => /hello|sub\//.test(p))).toBe(false);
    const uncompressed = gunzipSync(await readFile(blob));
    const labels = (await line(['content', 'label', diffDigest])).split(',');
    expect(labels).toContain(`containerd.io/uncompressed=${sha256(uncompressed)}`);
  });

  it('gives the same blob when the same diff is created again', async () => {
    expect(await line(['diff', 'create', 'C1', 'L2', '--label', 'again=yes'])).toBe(diffDigest);
    expect((await line(['content', 'label', diffDigest])).split(',')).toContain('again=yes');
  });

  it('reproduces the upper view by applying the diff on a fresh snapshot of the parent', async () => {
    await ok(['snapshots', 'prepare', 'L3', 'C1']);
    const applied = await line(['diff', 'apply', diffDigest, 'L3']);
    const info = (await line(['content', 'label', diffDigest])).split(',');
    expect(info).toContain(`containerd.io/uncompressed=${applied}`);
    expect(await withMounted('L3', (dir) => describeTree(dir))).toEqual(upperView);
    // And a diff of the two (two overlays: a walk of both mounts) has no whiteout and nothing
    // but new.txt, whose mtime lost its nanoseconds in the tar (containerd counts that as a change).
    const same = await line(['diff', 'create', '--media-type', 'tar', 'L2', 'L3']);
    const out = join(tmp.dir, 'same.tar');
    await ok(['content', 'get', same, '-o', out]);
    const entries = (await run('tar', ['-tf', out])).stdout.split('\n').filter((p) => p && p !== './');
    expect(entries.filter((p) => p.replace(/^\.\//, '') !== 'new.txt')).toEqual([]);
  });

  it('writes a whole committed snapshot as a layer when the lower is ""', async () => {
    const digest = await line(['diff', 'create', '--media-type', 'tar', '', 'C1']);
    const out = join(tmp.dir, 'full.tar');
    await ok(['content', 'get', digest, '-o', out]);
    const names = (await run('tar', ['-tf', out])).stdout
      .split('\n')
      .filter(Boolean)
      .map((p) => p.replace(/^\.\//, '').replace(/\/$/, ''));
    expect(names).toEqual(
      expect.arrayContaining([
        'hello.txt',
        'hard',
        'link',
        'todelete.txt',
        'bin/tool',
        'sub/deeper/file',
        'emptydir',
      ]),
    );
    // Plain tar: the blob is its own uncompressed digest.
    expect((await line(['content', 'label', digest])).split(',')).toContain(
      `containerd.io/uncompressed=${digest}`,
    );
    expect((await ok(['snapshots', 'ls', '-q'])).stdout.split('\n').some((k) => k.startsWith('diff-'))).toBe(
      false,
    );
  });

  describe('refusals', () => {
    const o = { ns: 'default' };

    it('refuses mounts that are not berth snapshots (a bind of /tmp): InvalidArgument', async () => {
      const req = {
        diff: { mediaType: MEDIA_TAR_GZIP, digest: gzDigest, size: 0, annotations: {} },
        mounts: [{ type: 'bind', source: '/tmp', target: '', options: ['rw', 'rbind'] }],
        payloads: {},
      };
      expect(await kindOfRejection(unary(diffClient, diffClient.apply, req, o))).toBe('InvalidArgument');
      const overlay = {
        ...req,
        mounts: [
          {
            type: 'overlay',
            source: 'overlay',
            target: '',
            options: ['index=off', `workdir=${tmp.dir}/w`, `upperdir=${tmp.dir}`, 'lowerdir=/usr'],
          },
        ],
      };
      expect(await kindOfRejection(unary(diffClient, diffClient.apply, overlay, o))).toBe('InvalidArgument');
      expect(await readdir('/tmp')).not.toContain('hello.txt');
    });

    it('refuses to read host paths into a blob: Diff of a bind of /etc is InvalidArgument', async () => {
      const req = {
        left: [],
        right: [{ type: 'bind', source: '/etc', target: '', options: ['ro', 'rbind'] }],
        mediaType: '',
        ref: '',
        labels: {},
      };
      expect(await kindOfRejection(unary(diffClient, diffClient.diff, req, o))).toBe('InvalidArgument');
    });

    it('answers NotFound for a blob that is not in the content store', async () => {
      await ok(['snapshots', 'prepare', 'L-missing']);
      const { mounts } = await unary(
        snapClient,
        snapClient.mounts,
        { snapshotter: 'overlayfs', key: 'L-missing' },
        o,
      );
      const req = {
        diff: { mediaType: MEDIA_TAR_GZIP, digest: sha256(randomBytes(8)), size: 10, annotations: {} },
        mounts,
        payloads: {},
      };
      expect(await kindOfRejection(unary(diffClient, diffClient.apply, req, o))).toBe('NotFound');
      const cli = await berth(['diff', 'apply', sha256(randomBytes(8)), 'L-missing']);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/not found/);
      await ok(['snapshots', 'rm', 'L-missing']);
    });

    it('fails on a corrupt gzip blob and leaves the snapshot removable', async () => {
      const gz = await readFile(join(tmp.dir, 'layer.tar.gz'));
      const corrupt = Buffer.concat([gz.subarray(0, 40), randomBytes(400), gz.subarray(440)]);
      await writeFile(join(tmp.dir, 'corrupt.tar.gz'), corrupt);
      const digest = await line(['content', 'ingest', join(tmp.dir, 'corrupt.tar.gz')]);
      await ok(['snapshots', 'prepare', 'L-corrupt']);
      const { mounts } = await unary(
        snapClient,
        snapClient.mounts,
        { snapshotter: 'overlayfs', key: 'L-corrupt' },
        o,
      );
      const req = {
        diff: { mediaType: MEDIA_TAR_GZIP, digest, size: corrupt.length, annotations: {} },
        mounts,
        payloads: {},
      };
      expect(['InvalidArgument', 'DataLoss']).toContain(
        await kindOfRejection(unary(diffClient, diffClient.apply, req, o)),
      );
      const cli = await berth(['diff', 'apply', digest, 'L-corrupt']);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/^berth: /);
      await ok(['snapshots', 'rm', 'L-corrupt']);
      expect((await ok(['snapshots', 'ls', '-q'])).stdout.split('\n')).not.toContain('L-corrupt');
    });

    it('refuses a committed snapshot as an apply target and a media type it cannot write', async () => {
      const r = await berth(['diff', 'apply', gzDigest, 'C1']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/C1 is committed/);
      const bad = await berth(['diff', 'create', '--media-type', 'tar+zstd', 'C1', 'L2']);
      expect(bad.code).toBe(2);
    });
  });
});
