/**
 * System: `berth load/save/images/tag/rmi/inspect/history/image prune` over
 * berth-images' Import and Export, checked against skopeo (both directions)
 * and containerd's ctr. Needs root (overlay unpack), busybox-static, skopeo.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasBinary,
  runCli,
  runProcess,
  startSuite,
  tempRoot,
  type Suite,
  type TempRoot,
} from '@berth/testkit';
import { missingPrerequisite } from './helpers.js';
import { CTR, ctrOk } from './ctr.js';
import { BUSYBOX, makeBusyboxArchive } from './fixtures/images/busybox.js';

const skip =
  process.getuid?.() !== 0
    ? 'needs root'
    : !existsSync(BUSYBOX)
      ? 'busybox-static is not installed'
      : !hasBinary('skopeo')
        ? 'skopeo is not installed (deploy/install-deps.sh)'
        : !existsSync(CTR)
          ? `${CTR} is not installed`
          : missingPrerequisite();

const ID = /^[0-9a-f]{12}$/;

describe.skipIf(skip !== undefined)(`images archive ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let tmp: TempRoot;
  let archive: { path: string; diffId: string };

  const berth = async (args: string[], o: { ns?: string; input?: Buffer } = {}) =>
    runCli(args, { address: suite.address, timeoutMs: 60_000, ...o });
  const ok = async (args: string[], o: { ns?: string; input?: Buffer } = {}) => {
    const r = await berth(args, o);
    if (r.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r;
  };
  const skopeo = async (args: string[]) => {
    const r = await runProcess('skopeo', args, { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`skopeo ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  /** REPOSITORY TAG IMAGE ID CREATED SIZE rows of `berth images`, as arrays of cells. */
  const images = async (ns?: string) =>
    (await ok(['images'], ns ? { ns } : {})).stdout
      .trim()
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(/\s{2,}/));
  const idOf = async (repo: string, tag = 'latest', ns?: string) =>
    (await images(ns)).find((r) => r[0] === repo && r[1] === tag)?.[2];

  beforeAll(async () => {
    suite = await startSuite({ services: ['content', 'snapshotter', 'images'] });
    tmp = tempRoot('berth-archive-');
    archive = makeBusyboxArchive(tmp.dir);
  });
  afterAll(async () => {
    await tmp?.cleanup();
    await suite?.stop();
  });

  it('loads the busybox docker-archive with -i and lists it with an ID and a size', async () => {
    const r = await ok(['load', '-i', archive.path]);
    expect(r.stdout).toBe('Loaded image: busybox:latest\n');
    const rows = await images();
    expect(rows).toHaveLength(1);
    const [repo, tag, id, created, size] = rows[0]!;
    expect([repo, tag]).toEqual(['busybox', 'latest']);
    expect(id).toMatch(ID);
    expect(created).toBe('N/A'); // the fixture's config has no `created`
    expect(size).toMatch(/^\d+(\.\d)? (B|KiB|MiB)$/);
    // Unpacked: the layer's snapshot is committed under its chain ID (= diffID for one layer).
    expect((await ok(['snapshots', 'ls'])).stdout).toMatch(new RegExp(`${archive.diffId}\\s+Committed`));
    expect((await ok(['images', '-q'])).stdout).toBe(`${id}\n`);
    expect((await ok(['images', 'ls', 'busybox'])).stdout).toContain('busybox');
  });

  it('loads from stdin too (same image, same ID)', async () => {
    const before = await idOf('busybox');
    const r = await ok(['load'], { input: readFileSync(archive.path) });
    expect(r.stdout).toBe('Loaded image: busybox:latest\n');
    expect(await idOf('busybox')).toBe(before);
  });

  it('tags with the same IMAGE ID; inspect and history describe the image', async () => {
    await ok(['tag', 'busybox', 'mybox:v1']);
    const id = await idOf('busybox');
    expect(await idOf('mybox', 'v1')).toBe(id);
    const [info] = JSON.parse((await ok(['inspect', 'mybox:v1'])).stdout) as {
      Id: string;
      RepoTags: string[];
      RootFS: { Type: string; Layers: string[] };
      Os: string;
      Architecture: string;
      Config: { Cmd: string[] };
      Size: number;
    }[];
    expect(info!.Id.slice(7, 19)).toBe(id);
    expect(info!.RepoTags.sort()).toEqual(['busybox:latest', 'mybox:v1']);
    expect(info!.RootFS).toEqual({ Type: 'layers', Layers: [archive.diffId] });
    expect([info!.Os, info!.Architecture, info!.Config.Cmd]).toEqual(['linux', 'amd64', ['sh']]);
    expect(info!.Size).toBeGreaterThan(0);
    const hist = (await ok(['history', 'mybox:v1'])).stdout.split('\n');
    expect(hist[0]).toMatch(/^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT/);
    expect(hist[1]).toContain(id);
    expect(hist[1]).toContain('deploy/make-busybox-image.sh');
  });

  it('saves a docker-archive that skopeo reads, and an OCI archive with --format oci', async () => {
    const out = join(tmp.dir, 'saved.tar');
    await ok(['save', '-o', out, 'busybox', 'mybox:v1']);
    const info = JSON.parse(await skopeo(['inspect', `docker-archive:${out}:busybox:latest`])) as {
      Layers: string[];
    };
    expect(info.Layers).toEqual([archive.diffId]);
    const oci = join(tmp.dir, 'saved-oci.tar');
    await ok(['save', '--format', 'oci', '-o', oci, 'busybox']);
    const ociInfo = JSON.parse(await skopeo(['inspect', `oci-archive:${oci}`])) as { Layers: string[] };
    expect(ociInfo.Layers).toEqual([archive.diffId]);
    // To stdout as well: the same bytes as with -o.
    const viaStdout = await ok(['save', 'busybox', 'mybox:v1']);
    expect(viaStdout.stdoutBuffer.equals(readFileSync(out))).toBe(true);
  });

  it('loads what skopeo writes (OCI archive) and what it saved into another namespace, same ID', async () => {
    const id = await idOf('busybox');
    const oci = join(tmp.dir, 'skopeo-oci.tar');
    await skopeo(['copy', `docker-archive:${archive.path}`, `oci-archive:${oci}:skopeo/busybox:oci`]);
    expect((await ok(['load', '-i', oci])).stdout).toBe('Loaded image: skopeo/busybox:oci\n');
    // skopeo rewrites the config (so another ID) and gzips the layer: same diffID, unpacked.
    expect(await idOf('skopeo/busybox', 'oci')).toMatch(ID);
    const [info] = JSON.parse((await ok(['inspect', 'skopeo/busybox:oci'])).stdout) as {
      RootFS: { Layers: string[] };
    }[];
    expect(info!.RootFS.Layers).toEqual([archive.diffId]);

    await ok(['save', '-o', join(tmp.dir, 'saved2.tar'), 'busybox', 'mybox:v1']);
    const r = await ok(['load', '-i', join(tmp.dir, 'saved2.tar')], { ns: 'other' });
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'Loaded image: busybox:latest',
      'Loaded image: mybox:v1',
    ]);
    expect(await idOf('busybox', 'latest', 'other')).toBe(id);
    expect(await idOf('mybox', 'v1', 'other')).toBe(id);
  });

  it("ctr imports berth's docker-archive and OCI archive", async () => {
    const saved = join(tmp.dir, 'for-ctr.tar');
    await ok(['save', '-o', saved, 'mybox:v1']);
    await ctrOk(suite.address, ['images', 'import', saved], { ns: 'ctr' });
    expect((await ctrOk(suite.address, ['images', 'ls', '-q'], { ns: 'ctr' })).stdout.trim()).toBe(
      'docker.io/library/mybox:v1',
    );
    const oci = join(tmp.dir, 'for-ctr-oci.tar');
    await ok(['save', '--format', 'oci', '-o', oci, 'busybox']);
    await ctrOk(suite.address, ['images', 'import', oci], { ns: 'ctr-oci' });
    expect((await ctrOk(suite.address, ['images', 'ls', '-q'], { ns: 'ctr-oci' })).stdout.trim()).toBe(
      'docker.io/library/busybox:latest',
    );
    expect(await idOf('busybox', 'latest', 'ctr-oci')).toBe(await idOf('busybox'));
  });

  it('refuses a tar that is not an image archive, and a manifest that lies, recording nothing', async () => {
    const junk = join(tmp.dir, 'junk.tar');
    writeFileSync(join(tmp.dir, 'hello.txt'), 'hello\n');
    execFileSync('tar', ['-C', tmp.dir, '-cf', junk, 'hello.txt']);
    const r = await berth(['load', '-i', junk], { ns: 'bad' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'berth: not a docker-archive or OCI image layout: missing manifest.json/index.json\n',
    );
    const garbage = await berth(['load'], { ns: 'bad', input: Buffer.alloc(4096, 'x') });
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toMatch(/^berth: not a tar archive: .*\n$/);
    // A docker-archive whose config lists another diffID than the layer has.
    const lying = join(tmp.dir, 'lying');
    execFileSync('mkdir', ['-p', lying]);
    execFileSync('tar', ['-C', lying, '-xf', archive.path]);
    const manifest = JSON.parse(readFileSync(join(lying, 'manifest.json'), 'utf8')) as { Config: string }[];
    const cfgPath = join(lying, manifest[0]!.Config);
    const cfg = readFileSync(cfgPath, 'utf8').replace(archive.diffId, `sha256:${'0'.repeat(64)}`);
    writeFileSync(cfgPath, cfg);
    const lyingTar = join(tmp.dir, 'lying.tar');
    execFileSync('tar', ['-C', lying, '-cf', lyingTar, '.']);
    const l = await berth(['load', '-i', lyingTar], { ns: 'bad' });
    expect(l.code).toBe(1);
    expect(l.stderr.trim().split('\n')).toHaveLength(1);
    expect(l.stderr).toMatch(/does not match its digest|diffID/);
    // An OCI layout whose index.json says the manifest is a byte longer than it is.
    const oci = join(tmp.dir, 'lying-oci');
    execFileSync('mkdir', ['-p', oci]);
    await ok(['save', '--format', 'oci', '-o', join(tmp.dir, 'good-oci.tar'), 'busybox']);
    execFileSync('tar', ['-C', oci, '-xf', join(tmp.dir, 'good-oci.tar')]);
    const index = JSON.parse(readFileSync(join(oci, 'index.json'), 'utf8')) as {
      manifests: { size: number }[];
    };
    index.manifests[0]!.size += 1;
    writeFileSync(join(oci, 'index.json'), JSON.stringify(index));
    const ociTar = join(tmp.dir, 'lying-oci.tar');
    execFileSync('tar', ['-C', oci, '-cf', ociTar, '.']);
    const o = await berth(['load', '-i', ociTar], { ns: 'bad' });
    expect(o.code).toBe(1);
    expect(o.stderr).toMatch(
      /^berth: manifest sha256:[0-9a-f]{64} has \d+ bytes, but its descriptor says \d+\n$/,
    );
    expect((await ok(['images', '-q'], { ns: 'bad' })).stdout).toBe('');
    expect((await ok(['content', 'ls', '-q'], { ns: 'bad' })).stdout).toBe('');
  });

  it('rmi by ID refuses an image tagged in several repositories unless forced', async () => {
    const [other] = JSON.parse((await ok(['inspect', 'skopeo/busybox:oci'])).stdout) as { Id: string }[];
    expect((await ok(['rmi', 'skopeo/busybox:oci'])).stdout).toBe(
      `Untagged: skopeo/busybox:oci\nDeleted: ${other!.Id}\n`,
    );
    const id = (await idOf('busybox'))!;
    const r = await berth(['rmi', id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `berth: conflict: unable to delete ${id} (must be forced) - image is referenced in multiple repositories\n`,
    );
    const f = await ok(['rmi', '-f', id]);
    expect(f.stdout).toContain('Untagged: mybox:v1');
    expect(f.stdout).toContain(`Deleted: sha256:${id}`);
    expect((await ok(['images', '-q'])).stdout).toBe('');
  });

  it('rmi collects the snapshot and blobs no image refers to any more, so prune finds nothing', async () => {
    expect((await ok(['snapshots', 'ls'])).stdout).not.toContain(archive.diffId);
    expect((await ok(['content', 'ls', '-q'])).stdout).toBe('');
    const r = await ok(['image', 'prune']);
    expect(r.stdout).toMatch(/Total reclaimed space: 0 B/);
    // Other namespaces keep theirs.
    expect(await idOf('busybox', 'latest', 'other')).toMatch(ID);
  });
});
