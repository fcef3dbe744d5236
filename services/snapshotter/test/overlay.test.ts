import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kindOf } from '@berth/errdefs';
import { silentLogger } from '@berth/log';
import { openDb, type Db } from '@berth/store';
import { withTempMount } from '@berth/mount';
import { MetaStore } from '../src/metastore.js';
import { OverlaySnapshotter } from '../src/overlay/snapshotter.js';

const isRoot = process.getuid?.() === 0;

async function kind(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return kindOf(e);
  }
  return 'ok';
}

describe.skipIf(!isRoot)('OverlaySnapshotter on disk', () => {
  let dir: string;
  let db: Db;
  let s: OverlaySnapshotter;
  const events: string[] = [];
  const ns = 'default';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-snap-'));
    db = await openDb(join(dir, 'meta'));
    s = new OverlaySnapshotter(
      join(dir, 'snapshotter'),
      await MetaStore.open(db),
      {
        prepared: (n, k, p) => events.push(`prepare ${n} ${k} ${p}`),
        committed: (n, k, name) => events.push(`commit ${n} ${k} ${name}`),
        removed: (n, k) => events.push(`remove ${n} ${k}`),
      },
      silentLogger(),
    );
    await s.init();
  });

  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('returns containerd mount shapes: bind without parent, ro bind for a one-parent view, overlay otherwise', async () => {
    const base = await s.prepare(ns, 'base');
    expect(base).toEqual([
      { type: 'bind', source: expect.stringMatching(/snapshots\/\d+\/fs$/), options: ['rw', 'rbind'] },
    ]);
    await writeFile(join(base[0]!.source, 'a.txt'), 'from base');
    await s.commit(ns, 'layer1', 'base');
    const view = await s.view(ns, 'v1', 'layer1');
    expect(view[0]).toMatchObject({ type: 'bind', options: ['ro', 'rbind'] });
    const active = await s.prepare(ns, 'c1', 'layer1');
    expect(active[0]!.type).toBe('overlay');
    expect(active[0]!.options).toEqual([
      'index=off',
      expect.stringMatching(/^workdir=/),
      expect.stringMatching(/^upperdir=/),
      expect.stringMatching(/^lowerdir=.*\/l\/\d+$/),
    ]);
    await withTempMount(active, async (m) => {
      expect(await readFile(join(m, 'a.txt'), 'utf8')).toBe('from base');
      await writeFile(join(m, 'b.txt'), 'from c1');
    });
    const upper = active[0]!.options.find((o) => o.startsWith('upperdir='))!.slice(9);
    expect(await readdir(upper)).toEqual(['b.txt']);
    expect(events).toContain(`commit ${ns} base layer1`);
  });

  it('refuses to remove a snapshot with children, naming them', async () => {
    let err: unknown;
    try {
      await s.remove(ns, 'layer1');
    } catch (e) {
      err = e;
    }
    expect(kindOf(err)).toBe('FailedPrecondition');
    expect((err as Error).message).toMatch(/c1/);
    await s.remove(ns, 'c1');
    await s.remove(ns, 'v1');
    await s.remove(ns, 'layer1');
    expect(await kind(s.stat(ns, 'layer1'))).toBe('NotFound');
  });

  it('maps misuse to the right error kinds', async () => {
    await s.prepare(ns, 'k1');
    expect(await kind(s.prepare(ns, 'k1'))).toBe('AlreadyExists');
    expect(await kind(s.prepare(ns, 'k2', 'missing'))).toBe('NotFound');
    expect(await kind(s.prepare(ns, 'k2', 'k1'))).toBe('FailedPrecondition'); // parent not committed
    await s.commit(ns, 'n1', 'k1');
    expect(await kind(s.commit(ns, 'n2', 'n1'))).toBe('FailedPrecondition'); // not active
    expect(await kind(s.mounts(ns, 'n1'))).toBe('FailedPrecondition');
    expect(await kind(s.prepare(ns, ''))).toBe('InvalidArgument');
    expect(await kind(s.update(ns, { name: 'n1', labels: {} }, ['parent']))).toBe('InvalidArgument');
    expect(await kind(s.stat('other', 'n1'))).toBe('NotFound'); // namespaces are isolated
    await s.remove(ns, 'n1');
  });

  it('updates labels by field mask and lists with filters', async () => {
    await s.prepare(ns, 'lab', '', { a: '1' });
    const info = await s.update(ns, { name: 'lab', labels: { b: '2' } }, ['labels.b']);
    expect(info.labels).toEqual({ a: '1', b: '2' });
    const names: string[] = [];
    for await (const i of s.list(ns, ['labels.b==2,kind==active'])) names.push(i.name);
    expect(names).toEqual(['lab']);
    await s.remove(ns, 'lab');
  });

  it('reports usage of the layer itself', async () => {
    const m = await s.prepare(ns, 'u1');
    await writeFile(join(m[0]!.source, 'f'), Buffer.alloc(10_000));
    expect(await s.usage(ns, 'u1')).toEqual({ size: 10_000, inodes: 2 });
    await s.commit(ns, 'u1c', 'u1');
    expect((await s.usage(ns, 'u1c')).size).toBe(10_000);
    await s.remove(ns, 'u1c');
  });

  it('mounts a 128-layer chain, whose lowerdir list exceeds a page, and sees every layer', async () => {
    let parent = '';
    for (let i = 0; i < 128; i++) {
      const m = await s.prepare(ns, `x${i}`, parent);
      const root =
        m[0]!.type === 'bind' ? m[0]!.source : m[0]!.options.find((o) => o.startsWith('upperdir='))!.slice(9);
      await writeFile(join(root, `f${i}`), String(i));
      await s.commit(ns, `chain${i}`, `x${i}`);
      parent = `chain${i}`;
    }
    const top = await s.prepare(ns, 'top', parent);
    expect(top[0]!.options.join(',').length).toBeGreaterThan(4096);
    await withTempMount(top, async (m) => {
      const names = await readdir(m);
      expect(names.length).toBe(128);
      expect(await readFile(join(m, 'f0'), 'utf8')).toBe('0');
      expect(await readFile(join(m, 'f127'), 'utf8')).toBe('127');
    });
    await s.remove(ns, 'top');
    for (let i = 127; i >= 0; i--) await s.remove(ns, `chain${i}`);
  });

  it('cleanup removes directories and links no record owns (what a crash leaves)', async () => {
    const snaps = join(dir, 'snapshotter', 'snapshots');
    await mkdir(join(snaps, 'new-deadbeef', 'fs'), { recursive: true });
    await mkdir(join(snaps, '9999', 'fs'), { recursive: true });
    const keep = await s.prepare(ns, 'keep');
    await s.cleanup();
    const left = await readdir(snaps);
    expect(left).not.toContain('new-deadbeef');
    expect(left).not.toContain('9999');
    expect((await stat(keep[0]!.source)).isDirectory()).toBe(true);
    await s.remove(ns, 'keep');
  });
});
