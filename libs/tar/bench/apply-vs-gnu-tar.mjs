// Layer unpack benchmark: applyLayer vs GNU `tar -xf` (`-xzf` for a .gz) on the same tar,
// each into a fresh directory, N runs each, interleaved, `sync` before every run so one
// run's writeback does not land on the next; prints medians and the ratio (tar time /
// ours: ≥ 0.9 meets the budget in ARCHITECTURE.md). Needs `npm run build` in libs/tar.
//
//   node libs/tar/bench/apply-vs-gnu-tar.mjs /tmp/usr.tar [runs=3] [scratch=/var/tmp]
//
// Make a tar e.g. with: tar -C / -cf /tmp/usr.tar usr/lib/x86_64-linux-gnu usr/bin (trim it).
// The scratch dir decides what is measured: a disk filesystem (as the snapshotter's) or
// tmpfs (/dev/shm: no I/O, so only CPU overhead counts).
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyLayer } from '../dist/index.js';

const [file, runsArg, scratch = '/var/tmp'] = process.argv.slice(2);
if (!file) {
  console.error('usage: apply-vs-gnu-tar.mjs TAR [runs] [scratch dir]');
  process.exit(2);
}
const runs = Number(runsArg ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeOurs() {
  const dir = mkdtempSync(join(scratch, 'berth-bench-'));
  spawnSync('sync');
  const t0 = performance.now();
  await applyLayer(createReadStream(file, { highWaterMark: 1 << 20 }), dir, { whiteouts: 'remove' });
  const ms = performance.now() - t0;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

function timeTar() {
  const dir = mkdtempSync(join(scratch, 'berth-bench-'));
  spawnSync('sync');
  const t0 = performance.now();
  const r = spawnSync('tar', ['-C', dir, file.endsWith('.gz') ? '-xzf' : '-xf', file], { stdio: 'inherit' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`tar exited ${r.status}`);
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

await timeOurs(); // warm the page cache and the JIT
timeTar();
const ours = [];
const tar = [];
for (let i = 0; i < runs; i++) {
  tar.push(timeTar());
  ours.push(await timeOurs());
}
const o = median(ours);
const t = median(tar);
console.log(`${file}: GNU tar -x ${t.toFixed(0)} ms, applyLayer ${o.toFixed(0)} ms (medians of ${runs})`);
console.log(`ratio (tar/applyLayer, budget >= 0.9): ${(t / o).toFixed(2)}`);
