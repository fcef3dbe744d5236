#!/usr/bin/env node
// bench/snapshots: unpack throughput (Diff.Apply of a multi-MB layer into a
// prepared snapshot) against GNU `tar -x` of the same tar, and prepare/commit
// latency over 100 snapshots against a real containerd, both driven by the
// same client (containerd's ctr), so only the servers differ.
//
//   node bench/snapshots.mjs        (BENCH_RUNS=3, BENCH_SNAPSHOTS=100)
import { join } from 'node:path';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { DiffClient } from '@berth/proto/diff/v1';
import { SnapshotsClient } from '@berth/proto/snapshots/v1';
import { dial, unary } from '@berth/grpc';
import { MiB, cli, median, report, startBerth, startContainerd, timeCmd, workdir } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const N = Number(process.env.BENCH_SNAPSHOTS ?? 100);

/** A layer worth unpacking: a slice of this machine's /usr (binaries, libraries, many small files). */
function makeLayer(dir) {
  const tar = join(dir, 'layer.tar');
  const r = spawnSync(
    'tar',
    ['-C', '/', '-cf', tar, 'usr/bin', 'usr/lib/x86_64-linux-gnu/perl-base', 'usr/share/perl5'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0 && r.status !== 1) throw new Error(`tar failed: ${r.stderr}`);
  return tar;
}

const wd = workdir('snapshots');
let berth, containerd;
try {
  berth = await startBerth(join(wd.dir, 'berth'));
  containerd = await startContainerd(join(wd.dir, 'containerd'));
  const tar = makeLayer(wd.dir);
  const size = statSync(tar).size;
  const digest = timeCmd('node', [cli, '--address', berth.address, 'content', 'ingest', tar])
    .stdout.toString()
    .trim();

  const snaps = dial(SnapshotsClient, berth.address);
  const diff = dial(DiffClient, berth.address);
  const o = { ns: 'default' };
  const gnu = [];
  const apply = [];
  for (let i = 0; i < RUNS; i++) {
    const out = join(wd.dir, `gnu-${i}`);
    mkdirSync(out);
    gnu.push(timeCmd('tar', ['-C', out, '-xf', tar]).ms);
    rmSync(out, { recursive: true, force: true });

    const key = `unpack-${i}`;
    const { mounts } = await unary(
      snaps,
      snaps.prepare,
      { snapshotter: 'overlayfs', key, parent: '', labels: {} },
      o,
    );
    const t0 = performance.now();
    await unary(
      diff,
      diff.apply,
      {
        diff: { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size, annotations: {} },
        mounts,
        payloads: {},
      },
      o,
    );
    apply.push(performance.now() - t0);
    await unary(snaps, snaps.remove, { snapshotter: 'overlayfs', key }, o);
  }

  const latency = (address, verb) => {
    const t = [];
    for (let i = 0; i < N; i++) t.push(timeCmd('ctr', ['--address', address, 'snapshots', ...verb(i)]).ms);
    return median(t);
  };
  const rows = [];
  const mbps = (ms) => size / MiB / (ms / 1000);
  rows.push({
    what: `layer unpack (${(size / MiB).toFixed(0)} MiB tar, Diff.Apply)`,
    value: mbps(median(apply)),
    unit: 'MiB/s',
    anchor: 'GNU tar -x',
    anchorValue: mbps(median(gnu)),
    ratio: median(gnu) / median(apply),
    budget: '>= 0.9',
    ok: median(gnu) / median(apply) >= 0.9,
  });
  for (const [name, address] of [
    ['berth', berth.address],
    ['containerd', containerd.address],
  ]) {
    const p = latency(address, (i) => ['prepare', `p${i}`]);
    const c = latency(address, (i) => ['commit', `c${i}`, `p${i}`]);
    rows.push({ name, p, c });
  }
  const [b, c] = rows.splice(1, 2);
  rows.push(
    {
      what: `snapshots prepare ×${N} via ctr (ms each)`,
      value: b.p,
      unit: 'ms',
      anchor: 'containerd',
      anchorValue: c.p,
      ratio: c.p / b.p,
      budget: '>= 1 (no slower)',
      ok: c.p / b.p >= 1,
    },
    {
      what: `snapshots commit ×${N} via ctr (ms each)`,
      value: b.c,
      unit: 'ms',
      anchor: 'containerd',
      anchorValue: c.c,
      ratio: c.c / b.c,
      budget: '>= 1 (no slower)',
      ok: c.c / b.c >= 1,
    },
  );
  snaps.close();
  diff.close();
  report('snapshots', rows);
} finally {
  await berth?.stop();
  await containerd?.stop();
  wd.cleanup();
}
