/**
 * System: berth-images' garbage collector with containerd's semantics. Images
 * are imported with containerd's `ctr` (client-side unpack through berth's
 * snapshots and diff); removing the last name of an image with `--sync`
 * removes its blobs and snapshots at once, without it shortly after; leases,
 * gc.root labels and active snapshots keep what they reach; Transfer.Collect
 * with dry_run only reports. Needs root (overlay unpack).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotsClient } from '@berth/proto/snapshots/v1';
import { runCli, startSuite, tempRoot, waitFor, type Suite, type TempRoot } from '@berth/testkit';
import { createContentProxy } from '@berth/content';
import { createSnapshotsProxy } from '@berth/snapshots';
import { dial, unary } from '@berth/grpc';
import { LeasesClient } from '@berth/proto/leases/v1';
import { TransferClient } from '@berth/proto/berth/images/v1';
import { ingest, sha256, missingImagePrerequisite } from './helpers.js';
import { ctrOk } from './ctr.js';
import { makeBusyboxArchive } from './fixtures/images/busybox.js';

const skip = missingImagePrerequisite();

const IMAGE = 'docker.io/library/busybox:latest';
const GC_EXPIRE = 'containerd.io/gc.expire';

describe.skipIf(skip !== undefined)(`garbage collection ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let suite: Suite;
  let tmp: TempRoot;
  let archive: { path: string; diffId: string };
  let content: ReturnType<typeof createContentProxy>;
  let snapshots: ReturnType<typeof createSnapshotsProxy>;
  let leases: LeasesClient;
  let transfer: TransferClient;

  const blobs = async (ns: string) =>
    (await ctrOk(suite.address, ['content', 'ls', '-q'], { ns })).stdout.split('\n').filter(Boolean);
  const snaps = async (ns: string) => (await ctrOk(suite.address, ['snapshots', 'ls'], { ns })).stdout;
  const collect = (ns: string, dryRun = false) =>
    unary(transfer, transfer.collect, { dryRun }, { ns, timeoutMs: 30_000 });
  const importBusybox = async (ns: string) => {
    await ctrOk(suite.address, ['images', 'import', archive.path], { ns });
    const all = await blobs(ns);
    expect(all.length).toBeGreaterThanOrEqual(3); // (index,) manifest, config, layer
    expect(await snaps(ns)).toMatch(new RegExp(`${archive.diffId}\\s+Committed`));
    return all;
  };
  const blob = (ns: string, text: string, opts: { labels?: Record<string, string>; lease?: string } = {}) =>
    ingest(content, ns, `ref-${text}`, Buffer.from(text), opts);

  beforeAll(async () => {
    suite = await startSuite({ services: ['content', 'snapshotter', 'images'] });
    tmp = tempRoot('berth-gc-');
    archive = makeBusyboxArchive(tmp.dir);
    content = createContentProxy(suite.address, 'berth');
    snapshots = createSnapshotsProxy(suite.address, 'overlayfs', 'berth');
    leases = dial(LeasesClient, suite.address);
    transfer = dial(TransferClient, suite.address);
  });
  afterAll(async () => {
    content?.close();
    snapshots?.close();
    leases?.close();
    transfer?.close();
    await tmp?.cleanup();
    await suite?.stop();
  });

  it('removes the blobs and the snapshot of an image once `ctr images rm --sync` returns', async () => {
    const ns = 'gc-rm';
    await importBusybox(ns);
    await ctrOk(suite.address, ['images', 'rm', '--sync', IMAGE], { ns });
    expect(await blobs(ns)).toEqual([]);
    expect(await snaps(ns)).not.toContain(archive.diffId);
  });

  it('collects in the background shortly after a delete without sync', async () => {
    const ns = 'gc-async';
    await importBusybox(ns);
    await ctrOk(suite.address, ['images', 'rm', IMAGE], { ns });
    await waitFor(async () => (await blobs(ns)).length === 0, { timeoutMs: 10_000, what: 'background GC' });
    expect(await snaps(ns)).not.toContain(archive.diffId);
  });

  it('keeps everything while a second name refers to the image', async () => {
    const ns = 'gc-two';
    await importBusybox(ns);
    // ctr's import also leaves the index it built from the archive's manifest.json, which only
    // its (now deleted) lease referred to: the first collection takes it.
    const stray = await collect(ns, true);
    expect(stray.removedSnapshots).toEqual([]);
    for (const d of stray.removedContent) {
      const index = (await ctrOk(suite.address, ['content', 'get', d], { ns })).stdout;
      expect(JSON.parse(index)).toHaveProperty('manifests');
    }
    expect((await collect(ns)).removedContent).toEqual(stray.removedContent);
    const all = await blobs(ns);
    const second = 'docker.io/library/busybox:second';
    await ctrOk(suite.address, ['images', 'tag', IMAGE, second], { ns });
    await ctrOk(suite.address, ['images', 'rm', '--sync', IMAGE], { ns });
    expect((await blobs(ns)).sort()).toEqual(all.sort());
    expect(await snaps(ns)).toContain(archive.diffId);
    await ctrOk(suite.address, ['images', 'rm', '--sync', second], { ns });
    expect(await blobs(ns)).toEqual([]);
    expect(await snaps(ns)).not.toContain(archive.diffId);
  });

  it('keeps content under an unexpired lease until the lease is deleted; expired leases protect nothing', async () => {
    const ns = 'gc-lease';
    const future = new Date(Date.now() + 3_600_000).toISOString();
    await unary(leases, leases.create, { id: 'live', labels: { [GC_EXPIRE]: future } }, { ns });
    await unary(
      leases,
      leases.create,
      { id: 'expired', labels: { [GC_EXPIRE]: '2000-01-01T00:00:00Z' } },
      { ns },
    );
    const kept = await blob(ns, 'leased', { lease: 'live' });
    const gone = await blob(ns, 'expired', { lease: 'expired' });
    const first = await collect(ns);
    expect(first.removedContent).toEqual([gone]);
    expect(await blobs(ns)).toEqual([kept]);
    await unary(leases, leases.delete, { id: 'live', sync: false }, { ns });
    expect((await collect(ns)).removedContent).toEqual([kept]);
    expect(await blobs(ns)).toEqual([]);
  });

  it('keeps a blob labelled containerd.io/gc.root and what its gc.ref labels name', async () => {
    const ns = 'gc-root';
    const child = await blob(ns, 'child');
    const root = await blob(ns, 'root', {
      labels: { 'containerd.io/gc.root': new Date().toISOString(), 'containerd.io/gc.ref.content.0': child },
    });
    const loose = await blob(ns, 'loose');
    expect((await collect(ns)).removedContent).toEqual([loose]);
    expect((await blobs(ns)).sort()).toEqual([child, root].sort());
  });

  it("keeps the committed chain under an active snapshot prepared on the image's top layer", async () => {
    const ns = 'gc-active';
    await importBusybox(ns);
    await snapshots.prepare(ns, 'rootfs', archive.diffId);
    await ctrOk(suite.address, ['images', 'rm', '--sync', IMAGE], { ns });
    expect(await blobs(ns)).toEqual([]);
    expect(await snaps(ns)).toMatch(new RegExp(`${archive.diffId}\\s+Committed`));
    await snapshots.remove(ns, 'rootfs');
    const r = await collect(ns);
    expect(r.removedSnapshots).toEqual([archive.diffId]);
    expect(Number(r.reclaimedBytes)).toBeGreaterThan(0);
    expect(await snaps(ns)).not.toContain(archive.diffId);
  });

  it('keeps a snapshot committed under a lease (registered by the snapshotter) until the lease goes', async () => {
    const ns = 'gc-snaplease';
    const raw = dial(SnapshotsClient, suite.address);
    try {
      await unary(leases, leases.create, { id: 'unpacking', labels: {} }, { ns });
      const o = { ns, lease: 'unpacking' };
      await unary(raw, raw.prepare, { snapshotter: 'overlayfs', key: 'extract', parent: '', labels: {} }, o);
      await unary(
        raw,
        raw.commit,
        { snapshotter: 'overlayfs', name: 'leased-layer', key: 'extract', labels: {} },
        o,
      );
      const { resources } = await unary(leases, leases.listResources, { id: 'unpacking' }, { ns });
      expect(resources).toContainEqual({ id: 'leased-layer', type: 'snapshots/overlayfs' });
      expect((await collect(ns)).removedSnapshots).toEqual([]);
      expect(await snaps(ns)).toContain('leased-layer');
      await unary(leases, leases.delete, { id: 'unpacking', sync: false }, { ns });
      expect((await collect(ns)).removedSnapshots).toEqual(['leased-layer']);
    } finally {
      raw.close();
    }
  });

  it('with dry_run lists what it would remove and removes nothing', async () => {
    const ns = 'gc-dry';
    const a = await blob(ns, 'dry-a');
    const b = await blob(ns, 'dry-bb');
    await snapshots.prepare(ns, 'tmp', '');
    await snapshots.commit(ns, 'layer', 'tmp');
    const dry = await collect(ns, true);
    expect(dry.removedContent.sort()).toEqual([a, b].sort());
    expect(dry.removedSnapshots).toEqual(['layer']);
    expect(Number(dry.reclaimedBytes)).toBeGreaterThanOrEqual(11);
    expect((await blobs(ns)).sort()).toEqual([a, b].sort());
    expect(await snaps(ns)).toContain('layer');
    const real = await collect(ns);
    expect(real.removedContent.sort()).toEqual(dry.removedContent.sort());
    expect(real.removedSnapshots).toEqual(['layer']);
    expect(await blobs(ns)).toEqual([]);
  });

  it('`berth image prune` runs the collector and prints what it removed', async () => {
    const ns = 'gc-prune';
    const d = await blob(ns, 'pruned');
    expect(d).toBe(sha256(Buffer.from('pruned')));
    const r = await runCli(['image', 'prune'], { address: suite.address, ns, timeoutMs: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`Deleted: ${d}\nTotal reclaimed space: 6 B\n`);
    expect(await blobs(ns)).toEqual([]);
  });
});
