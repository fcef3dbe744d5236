#!/usr/bin/env node
// bench/content: content ingest and read throughput through the berth CLI and
// gateway, as ratios against `openssl dgst -sha256` and containerd's `ctr`
// (against a real containerd) on the same machine in the same run; and the
// CLI's cold start (`berth version`) against `ctr version`.
//
//   node bench/content.mjs            (BENCH_SIZE_MIB=1024 BENCH_RUNS=3 by default)
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import {
  MiB,
  cli,
  median,
  randomFile,
  report,
  rssKiB,
  startBerth,
  startContainerd,
  timeCmd,
  workdir,
} from './lib.mjs';

const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 1024) * MiB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STARTS = Number(process.env.BENCH_STARTS ?? 20);
const rate = (ms) => SIZE / MiB / (ms / 1000);

const wd = workdir('content');
let berth, containerd;
try {
  berth = await startBerth(join(wd.dir, 'berth'));
  containerd = await startContainerd(join(wd.dir, 'containerd'));
  const b = (...args) => ['--address', berth.address, ...args];
  const c = (...args) => ['--address', containerd.address, ...args];

  const o = { openssl: [], berthIn: [], ctrIn: [], berthOut: [], ctrOut: [] };
  for (let i = 0; i < RUNS; i++) {
    // Fresh bytes per run and per engine: both stores answer "already exists" for known digests.
    const f1 = randomFile(join(wd.dir, 'a.bin'), SIZE);
    o.openssl.push(timeCmd('openssl', ['dgst', '-sha256', f1]).ms);
    const ing = timeCmd('node', [cli, ...b('content', 'ingest', f1)]);
    o.berthIn.push(ing.ms);
    const digest = ing.stdout.toString().trim();
    o.berthOut.push(timeCmd('node', [cli, ...b('content', 'get', digest, '-o', join(wd.dir, 'out.bin'))]).ms);
    timeCmd('node', [cli, ...b('content', 'rm', digest)]);

    const f2 = randomFile(join(wd.dir, 'b.bin'), SIZE);
    o.ctrIn.push(
      timeCmd('sh', ['-c', `ctr --address ${containerd.address} content ingest bench-${i} < ${f2}`]).ms,
    );
    const cdigest = timeCmd('sh', ['-c', `sha256sum ${f2} | cut -d' ' -f1`])
      .stdout.toString()
      .trim();
    o.ctrOut.push(
      timeCmd('sh', [
        '-c',
        `ctr --address ${containerd.address} content get sha256:${cdigest} > ${join(wd.dir, 'out.bin')}`,
      ]).ms,
    );
    timeCmd('ctr', c('content', 'rm', `sha256:${cdigest}`));
    rmSync(f1);
    rmSync(f2);
  }

  const starts = { berth: [], ctr: [] };
  for (let i = 0; i < STARTS; i++) {
    starts.berth.push(timeCmd('node', [cli, ...b('version')]).ms);
    starts.ctr.push(timeCmd('ctr', c('version')).ms);
  }

  const m = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, median(v)]));
  const row = (what, value, unit, anchor, anchorValue, budget, higherIsBetter = true) => {
    const ratio = higherIsBetter ? value / anchorValue : anchorValue / value;
    return { what, value, unit, anchor, anchorValue, ratio, budget: `>= ${budget}`, ok: ratio >= budget };
  };
  const rows = [
    row(
      'content ingest (CLI → gateway → content)',
      rate(m.berthIn),
      'MiB/s',
      'openssl dgst -sha256',
      rate(m.openssl),
      0.7,
    ),
    row(
      'content ingest (CLI → gateway → content)',
      rate(m.berthIn),
      'MiB/s',
      'ctr content ingest',
      rate(m.ctrIn),
      3,
    ),
    row('content get (read)', rate(m.berthOut), 'MiB/s', 'openssl dgst -sha256', rate(m.openssl), 0.7),
    row('content get (read)', rate(m.berthOut), 'MiB/s', 'ctr content get', rate(m.ctrOut), 1),
  ];
  const bStart = median(starts.berth);
  const cStart = median(starts.ctr);
  rows.push({
    what: 'CLI cold start: berth version (ms, lower better)',
    value: bStart,
    unit: 'ms',
    anchor: 'ctr version',
    anchorValue: cStart,
    ratio: cStart / bStart,
    budget: '< 100 ms absolute',
    ok: bStart < 100,
  });
  console.log(
    `sizes: ${SIZE / MiB} MiB × ${RUNS} runs; idle RSS after the run: ${berth
      .pids()
      .map((p) => `${p}=${(rssKiB(p) / 1024).toFixed(0)} MiB`)
      .join(', ')}`,
  );
  report('content', rows);
} finally {
  await berth?.stop();
  await containerd?.stop();
  wd.cleanup();
}
