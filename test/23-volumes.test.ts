/**
 * System: docker's volumes with real runc — `-v` binds (rw, ro, files, created host dirs),
 * named and anonymous volumes (persisting across containers, image content copied into new
 * ones, image VOLUMEs), `--mount` bind/volume/tmpfs, `--volumes-from`, tmpfs-backed volumes
 * from local-driver options, and `berth volume create|ls|inspect|rm|prune`, `rm -v`. Data is
 * written in containers and read back from the host or from another container.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial } from '@berth/grpc';
import { VolumeCreate, VolumeDelete } from '@berth/proto/berth/volumes/v1';
import { ContainersClient } from '@berth/proto/containers/v1';
import { EventsClient } from '@berth/proto/events/v1';
import { SnapshotsClient } from '@berth/proto/snapshots/v1';
import { hasBinary } from '@berth/testkit';
import { missingImagePrerequisite, subscribe, triggerUntilReceived } from './helpers.js';
import {
  activeSnapshotKeys,
  listContainerIds,
  startContainerSuite,
  type ContainerSuite,
} from './containers.js';

const skip = missingImagePrerequisite() ?? (hasBinary('runc') ? undefined : 'runc is not installed');
const HEX64 = /^[0-9a-f]{64}$/;

interface VolumeInspect {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: string;
}

interface MountView {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  RW: boolean;
  Mode: string;
}

describe.skipIf(skip !== undefined)(`volumes ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let s: ContainerSuite;
  let rpc: { containers: ContainersClient; snapshots: SnapshotsClient; events: EventsClient };
  const opts = { ns: 'default' };

  beforeAll(async () => {
    s = await startContainerSuite('berth-volumes-');
    rpc = {
      containers: dial(ContainersClient, s.suite.address),
      snapshots: dial(SnapshotsClient, s.suite.address),
      events: dial(EventsClient, s.suite.address),
    };
  }, 120_000);
  afterAll(async () => {
    for (const c of Object.values(rpc ?? {})) c.close();
    await s?.stop();
  });

  const berth = (args: string[]) => s.cli(args, { timeoutMs: 60_000 });
  const ok = (args: string[]) => s.ok(args, { timeoutMs: 60_000 });
  /** `run --rm --network none … busybox sh -c script`, expecting exit 0; returns stdout. */
  const sh = async (flags: string[], script: string, image = 'busybox') => {
    const r = await berth(['run', '--rm', '--network', 'none', ...flags, image, 'sh', '-c', script]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  const volumeNames = async (...flags: string[]) =>
    (await ok(['volume', 'ls', '-q', ...flags])).stdout.split('\n').filter(Boolean);
  const inspectVolume = async (name: string) =>
    (JSON.parse((await ok(['volume', 'inspect', name])).stdout) as VolumeInspect[])[0]!;
  const mountsOf = async (container: string) =>
    JSON.parse((await ok(['inspect', '-f', '{{json .Mounts}}', container])).stdout) as MountView[];
  const containerIds = () => listContainerIds(rpc.containers, opts);
  const activeSnapshots = () => activeSnapshotKeys(rpc.snapshots, opts);
  const hostDir = (name: string) => {
    const d = join(s.tmp.dir, name);
    mkdirSync(d, { recursive: true });
    return d;
  };

  it('bind mounts a host directory read-write and read-only, and creates a missing one', async () => {
    const dir = hostDir('bind');
    await sh(['-v', `${dir}:/mnt`], 'echo written > /mnt/f');
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('written\n');

    const ro = await berth([
      'run',
      '--rm',
      '--network',
      'none',
      '-v',
      `${dir}:/mnt:ro`,
      'busybox',
      'sh',
      '-c',
      'cat /mnt/f; echo nope > /mnt/g',
    ]);
    expect(ro.code).toBe(1);
    expect(ro.stdout).toBe('written\n');
    expect(ro.stderr).toMatch(/Read-only file system/);
    expect(existsSync(join(dir, 'g'))).toBe(false);

    const created = join(s.tmp.dir, 'made', 'by', 'run');
    await sh(['-v', `${created}:/new:z`], 'touch /new/x');
    expect(statSync(created).isDirectory()).toBe(true);
    expect(existsSync(join(created, 'x'))).toBe(true);
  });

  it('bind mounts a single file, and --mount type=bind refuses a missing source', async () => {
    const file = join(hostDir('files'), 'conf.txt');
    writeFileSync(file, 'from the host\n');
    expect(await sh(['-v', `${file}:/etc/app.conf:ro`], 'cat /etc/app.conf')).toBe('from the host\n');
    expect(await sh(['--mount', `type=bind,src=${file},dst=/c,readonly`], 'cat /c; ! echo x > /c')).toBe(
      'from the host\n',
    );
    const missing = join(s.tmp.dir, 'not-there');
    const r = await berth([
      'run',
      '--rm',
      '--network',
      'none',
      '--mount',
      `type=bind,src=${missing},dst=/x`,
      'busybox',
      'true',
    ]);
    expect(r.code).toBe(125);
    expect(r.stderr).toBe(
      `berth: invalid mount config for type "bind": bind source path does not exist: ${missing}\n`,
    );
    expect(existsSync(missing)).toBe(false);
  });

  it('a named volume is created on first use and keeps its data across containers', async () => {
    await sh(['-v', 'keep:/data'], 'echo persisted > /data/x');
    expect(await volumeNames()).toContain('keep');
    expect(await sh(['-v', 'keep:/other:ro'], 'cat /other/x')).toBe('persisted\n');
    const v = await inspectVolume('keep');
    expect(v).toMatchObject({ Driver: 'local', Name: 'keep', Scope: 'local', Labels: null, Options: null });
    expect(v.Mountpoint).toBe(join(s.suite.root, 'runtime', 'volumes', 'default', 'keep', '_data'));
    expect(v.CreatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await readFile(join(v.Mountpoint, 'x'), 'utf8')).toBe('persisted\n');
  });

  it("copies the image's files into a new volume (not with nocopy, not into a used one)", async () => {
    expect(await sh(['-v', 'etcvol:/etc'], 'grep ^root: /etc/passwd')).toMatch(/^root:x:0:0:/);
    const data = (await inspectVolume('etcvol')).Mountpoint;
    expect(readFileSync(join(data, 'passwd'), 'utf8')).toMatch(/^root:/);
    // The directory's own mode comes along with its files.
    expect(statSync(data).mode & 0o7777).toBe(0o755);
    expect(await sh(['-v', 'emptyvol:/etc:nocopy'], 'ls -A /etc | wc -l')).toBe('0\n');
    // emptyvol was used once: it is not filled later either.
    expect(await sh(['-v', 'emptyvol:/etc'], 'ls -A /etc | wc -l')).toBe('0\n');
  });

  it('-v /path makes an anonymous volume; rm -v removes it, rm alone keeps it for prune', async () => {
    await ok([
      'run',
      '--network',
      'none',
      '--name',
      'anon1',
      '-v',
      '/data',
      'busybox',
      'sh',
      '-c',
      'echo a > /data/a',
    ]);
    const [m] = await mountsOf('anon1');
    expect(m).toMatchObject({ Type: 'volume', Destination: '/data', RW: true });
    expect(m!.Name).toMatch(HEX64);
    expect(readFileSync(join(m!.Source, 'a'), 'utf8')).toBe('a\n');
    expect(await volumeNames('-f', 'label=io.berth.anonymous=true')).toContain(m!.Name);
    // In use while the container exists.
    const busy = await berth(['volume', 'rm', m!.Name!]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(
      new RegExp(`^berth: remove ${m!.Name}: volume is in use - \\[[0-9a-f]{64}\\]\\n$`),
    );
    expect((await ok(['rm', '-v', 'anon1'])).stdout).toBe('anon1\n');
    expect(await volumeNames()).not.toContain(m!.Name);

    await ok(['run', '--network', 'none', '--name', 'anon2', '-v', '/data', 'busybox', 'true']);
    const name = (await mountsOf('anon2'))[0]!.Name!;
    await ok(['rm', 'anon2']);
    expect(await volumeNames('-f', 'dangling=true')).toEqual(expect.arrayContaining([name, 'keep']));
    const pruned = await ok(['volume', 'prune', '-f']);
    expect(pruned.stdout).toMatch(new RegExp(`^Deleted Volumes:\\n(.*\\n)*${name}\\n`));
    expect(pruned.stdout).toMatch(/Total reclaimed space: /);
    const left = await volumeNames();
    expect(left).not.toContain(name);
    expect(left).toContain('keep'); // named volumes stay without -a
  });

  it('--rm removes the anonymous volumes with the container', async () => {
    const before = await volumeNames();
    await sh(['-v', '/scratch'], 'echo x > /scratch/x');
    expect(await volumeNames()).toEqual(before);
  });

  it('an image VOLUME gets an anonymous volume with the image content', async () => {
    await ok([
      'run',
      '--network',
      'none',
      '--name',
      'seed',
      'busybox',
      'sh',
      '-c',
      'mkdir /data && echo from-image > /data/seed',
    ]);
    await ok(['commit', '-c', 'VOLUME /data', 'seed', 'volimg:1']);
    await ok(['rm', 'seed']);
    await ok([
      'run',
      '--network',
      'none',
      '--name',
      'usesvol',
      'volimg:1',
      'sh',
      '-c',
      'echo more > /data/new',
    ]);
    const [m] = await mountsOf('usesvol');
    expect(m).toMatchObject({ Type: 'volume', Destination: '/data' });
    expect(readdirSync(m!.Source).sort()).toEqual(['new', 'seed']);
    expect(readFileSync(join(m!.Source, 'seed'), 'utf8')).toBe('from-image\n');
    // A later start keeps the same anonymous volume.
    expect((await ok(['start', '-a', 'usesvol'])).stderr).toBe('');
    expect((await mountsOf('usesvol'))[0]!.Name).toBe(m!.Name);
    // -v on the same path replaces the image's volume.
    expect(await sh(['-v', 'named-data:/data'], 'cat /data/seed', 'volimg:1')).toBe('from-image\n');
    await ok(['rm', '-v', 'usesvol']);
    expect(await volumeNames()).not.toContain(m!.Name);
  });

  it('--volumes-from takes the mounts of another container, keeping ro (and :ro for all)', async () => {
    // A named volume is made at the first start of a container naming it (or by volume create).
    await ok(['volume', 'create', 'ro-vol']);
    await ok([
      'create',
      '--network',
      'none',
      '--name',
      'holder',
      '-v',
      'ro-vol:/ro:ro',
      '-v',
      'rw-vol:/rw',
      'busybox',
      'true',
    ]);
    // Refused while a container that was never started names it.
    expect((await berth(['volume', 'rm', 'ro-vol'])).stderr).toMatch(
      /^berth: remove ro-vol: volume is in use - \[/,
    );
    expect(await volumeNames()).not.toContain('rw-vol');
    expect(
      await sh(
        ['--volumes-from', 'holder'],
        'echo w > /rw/f && cat /rw/f && ! touch /ro/f 2>/dev/null && echo ro',
      ),
    ).toBe('w\nro\n');
    expect(await sh(['--volumes-from', 'holder:ro'], '! touch /rw/g 2>/dev/null && cat /rw/f')).toBe('w\n');
    const mounts = await mountsOf('holder');
    expect(mounts.map((m) => [m.Destination, m.RW])).toEqual([
      ['/ro', false],
      ['/rw', true],
    ]);
    await ok(['rm', 'holder']);
  });

  it('--mount volume (with its label) and tmpfs (with its size)', async () => {
    await sh(['--mount', 'type=volume,src=mvol,dst=/m,volume-label=team=a'], 'echo m > /m/f');
    expect((await inspectVolume('mvol')).Labels).toEqual({ team: 'a' });
    const out = await sh(
      ['--mount', 'type=tmpfs,dst=/t,tmpfs-size=2m,tmpfs-mode=1770'],
      'grep " /t " /proc/mounts; stat -c %a /t; df -k /t | tail -1',
    );
    expect(out).toMatch(/^tmpfs \/t tmpfs rw,.*size=2048k/);
    expect(out).toMatch(/\n1770\n/);
    expect(out.trim().split('\n').at(-1)!.split(/\s+/)[1]).toBe('2048');
  });

  it('a volume created with tmpfs options is a tmpfs of that size, mounted only while used', async () => {
    expect(
      (await ok(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=3m', 'tvol']))
        .stdout,
    ).toBe('tvol\n');
    const v = await inspectVolume('tvol');
    expect(v.Options).toEqual({ type: 'tmpfs', device: 'tmpfs', o: 'size=3m' });
    const out = await sh(['-v', 'tvol:/t'], 'grep " /t " /proc/mounts; df -k /t | tail -1');
    expect(out).toMatch(/^tmpfs \/t tmpfs rw,.*size=3072k/);
    expect(out.trim().split('\n').at(-1)!.split(/\s+/)[1]).toBe('3072');
    const mounted = () => readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${v.Mountpoint} `);
    // Unmounted once its container exited.
    for (let i = 0; i < 50 && mounted(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(mounted()).toBe(false);
    await ok(['volume', 'rm', 'tvol']);
    expect(existsSync(v.Mountpoint)).toBe(false);
  });

  it('volume create / ls / inspect / rm / prune -a', async () => {
    const generated = (await ok(['volume', 'create', '--label', 'k=v'])).stdout.trim();
    expect(generated).toMatch(HEX64);
    expect((await inspectVolume(generated)).Labels).toEqual({ k: 'v' });
    const table = (await ok(['volume', 'ls', '-f', 'name=keep'])).stdout;
    expect(table).toBe('DRIVER    VOLUME NAME\nlocal     keep\n');
    expect(await volumeNames('-f', 'label=k=v')).toEqual([generated]);
    expect((await ok(['volume', 'inspect', '-f', '{{.Driver}} {{.Name}}', 'keep'])).stdout).toBe(
      'local keep\n',
    );
    const missing = await berth(['volume', 'inspect', 'nope']);
    expect(missing).toMatchObject({ code: 1, stderr: 'berth: get nope: no such volume\n' });
    expect((await berth(['volume', 'rm', 'nope'])).code).toBe(1);
    expect((await berth(['volume', 'rm', '-f', 'nope'])).code).toBe(0);
    const badOpt = await berth(['volume', 'create', '-o', 'size=1g', 'x1']);
    expect(badOpt.stderr).toBe('berth: invalid option: "size"\n');
    expect((await berth(['volume', 'create', '-d', 'nfs', 'x2'])).stderr).toMatch(/plugin "nfs" not found/);
    expect((await ok(['volume', 'rm', generated])).stdout).toBe(`${generated}\n`);

    const pruned = await ok(['volume', 'prune', '-a', '-f']);
    expect(pruned.stdout).toMatch(/\nkeep\n/);
    expect(await volumeNames()).toEqual([]);
  });

  it('publishes /volumes/create and /volumes/delete', async () => {
    const stream = subscribe(rpc.events, ['topic~="/volumes/"']);
    try {
      let n = 0;
      const created = await triggerUntilReceived(stream, async () => {
        await ok(['volume', 'create', `ev${n++}`]);
      });
      expect(created.topic).toBe('/volumes/create');
      const name = VolumeCreate.decode(created.event!.value).name;
      expect(name).toMatch(/^ev\d+$/);
      expect(created.event!.typeUrl).toBe('berth.volumes.v1.VolumeCreate');
      for (let i = 0; i < n; i++) await ok(['volume', 'rm', `ev${i}`]);
      const deleted: string[] = [];
      for (let env = await stream.next(5000); env; env = await stream.next(500))
        if (env.topic === '/volumes/delete') deleted.push(VolumeDelete.decode(env.event!.value).name);
      expect(deleted).toContain(name);
    } finally {
      stream.close();
    }
  });

  it('a malformed -v or --mount is one clear line and creates nothing', async () => {
    const before = { ids: await containerIds(), snaps: await activeSnapshots(), vols: await volumeNames() };
    const bad = await berth(['run', '--network', 'none', '-v', '/a:/b:bogus', 'busybox', 'true']);
    expect(bad.code).toBe(125);
    expect(bad.stderr).toMatch(
      /^berth: invalid volume specification '\/a:\/b:bogus': invalid mode: bogus .*\n$/,
    );
    expect(bad.stderr.split('\n')).toHaveLength(2);
    const dup = await berth([
      'create',
      '--network',
      'none',
      '-v',
      '/a:/d',
      '--mount',
      'type=tmpfs,dst=/d',
      'busybox',
    ]);
    expect(dup).toMatchObject({ code: 125, stderr: 'berth: Duplicate mount point: /d\n' });
    const key = await berth([
      'run',
      '--network',
      'none',
      '--mount',
      'type=bind,src=/a,dst=/b,size=1',
      'busybox',
    ]);
    expect(key.stderr).toBe(
      "berth: invalid mount 'type=bind,src=/a,dst=/b,size=1': unexpected key 'size' in 'size=1'\n",
    );
    expect(await containerIds()).toEqual(before.ids);
    expect(await activeSnapshots()).toEqual(before.snaps);
    expect(await volumeNames()).toEqual(before.vols);
  });
});
