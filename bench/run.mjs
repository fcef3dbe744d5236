#!/usr/bin/env node
// bench/run: starting containers, against the anchors on the same runc, in one run.
//
//   1. `berth run --rm busybox true` (median of BENCH_RUNS) as a ratio to containerd's
//      `ctr run --rm` (Debian's containerd, its own root, same runc) and to bare
//      `runc run` of a prepared bundle; `ctr run --rm` through berth's gateway is shown too.
//   2. BENCH_CONCURRENT (100) containers started at once (`berth run -d` vs `ctr run -d`),
//      wall time to all started.
//   3. Host memory per running container: berth-monitor RSS vs containerd-shim-runc-v2 RSS.
//
//   node bench/run.mjs       (BENCH_RUNS=15 BENCH_CONCURRENT=100 by default; needs root)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cli,
  hasBinary,
  median,
  report,
  rssKiB,
  startBerth,
  startContainerd,
  timeCmd,
  workdir,
} from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 100);
const IMAGE = 'docker.io/library/busybox:latest';

if (process.getuid?.() !== 0) {
  console.error('bench/run: needs root');
  process.exit(1);
}
for (const bin of ['runc', 'ctr', 'containerd']) {
  if (!hasBinary(bin)) {
    console.error(`bench/run: ${bin} is not installed (deploy/install-deps.sh)`);
    process.exit(1);
  }
}

const ctr = (address, args) => timeCmd('ctr', ['--address', address, ...args]);
const berth = (env, args) => timeCmd('node', [cli, ...args], { env });

/** Runs `n` commands at once; resolves with the wall time until all exited 0. */
function concurrently(n, cmd, argsOf, env) {
  const t0 = process.hrtime.bigint();
  return Promise.all(
    Array.from({ length: n }, (_, i) => {
      return new Promise((resolve, reject) => {
        const p = spawn(cmd, argsOf(i), { env, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d) => (err += d));
        p.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`${cmd} ${argsOf(i).join(' ')}: ${err}`)),
        );
      });
    }),
  ).then(() => Number(process.hrtime.bigint() - t0) / 1e6);
}

function pidsOf(name) {
  const r = spawnSync('pgrep', ['-f', name], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

const w = workdir('run');
const rows = [];
let containerd;
let suite;
try {
  const archive = join(w.dir, 'busybox.tar');
  spawnSync(join(import.meta.dirname, '..', 'deploy', 'make-busybox-image.sh'), [archive], {
    stdio: 'ignore',
  });

  // Bare runc: a bundle with the busybox rootfs and runc's default spec running `true`.
  const bundle = join(w.dir, 'bundle');
  mkdirSync(join(bundle, 'rootfs'), { recursive: true });
  const layerDir = join(w.dir, 'x');
  mkdirSync(layerDir);
  spawnSync('tar', ['-xf', archive, '-C', layerDir]);
  const layer = readdirSync(layerDir).find((d) => d.length === 64);
  spawnSync('tar', ['-xf', join(layerDir, layer, 'layer.tar'), '-C', join(bundle, 'rootfs')]);
  spawnSync('runc', ['spec'], { cwd: bundle });
  const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
  spec.process.terminal = false;
  spec.process.args = ['true'];
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  const runcRoot = join(w.dir, 'runc-root');
  const runc = [];
  for (let i = 0; i < RUNS; i++)
    runc.push(timeCmd('runc', ['--root', runcRoot, 'run', '--bundle', bundle, `b${i}`]).ms);

  containerd = await startContainerd(join(w.dir, 'containerd'));
  ctr(containerd.address, ['images', 'import', archive]);
  const ctrRun = [];
  for (let i = 0; i < RUNS; i++)
    ctrRun.push(ctr(containerd.address, ['run', '--rm', IMAGE, `c${i}`, 'true']).ms);

  suite = await startBerth(join(w.dir, 'berth'));
  const env = { ...process.env, BERTH_ADDRESS: suite.address };
  ctr(suite.address, ['images', 'import', archive]);
  const ctrOnBerth = [];
  for (let i = 0; i < RUNS; i++)
    ctrOnBerth.push(ctr(suite.address, ['run', '--rm', IMAGE, `c${i}`, 'true']).ms);
  const berthRun = [];
  for (let i = 0; i < RUNS; i++)
    berthRun.push(berth(env, ['run', '--rm', '--network', 'none', 'busybox', 'true']).ms);

  const m = {
    runc: median(runc),
    ctr: median(ctrRun),
    ctrOnBerth: median(ctrOnBerth),
    berth: median(berthRun),
  };
  rows.push(
    {
      what: 'berth run --rm busybox true',
      value: m.berth,
      unit: 'ms',
      anchor: 'ctr run --rm (containerd)',
      anchorValue: m.ctr,
      ratio: m.berth / m.ctr,
      budget: '≤ 0.8',
      ok: m.berth / m.ctr <= 0.8,
    },
    {
      what: 'berth run --rm busybox true',
      value: m.berth,
      unit: 'ms',
      anchor: 'bare runc run',
      anchorValue: m.runc,
      ratio: m.berth / m.runc,
      budget: 'info',
      ok: true,
    },
    {
      what: 'ctr run --rm through berth',
      value: m.ctrOnBerth,
      unit: 'ms',
      anchor: 'ctr run --rm (containerd)',
      anchorValue: m.ctr,
      ratio: m.ctrOnBerth / m.ctr,
      budget: 'info',
      ok: true,
    },
  );

  // Concurrent starts, then memory per running container while they run.
  const tBerth = await concurrently(
    CONCURRENT,
    'node',
    (i) => [cli, 'run', '-d', '--network', 'none', '--name', `p${i}`, 'busybox', 'sleep', '1000'],
    env,
  );
  const tCtr = await concurrently(CONCURRENT, 'ctr', (i) => [
    '--address',
    containerd.address,
    'run',
    '-d',
    IMAGE,
    `p${i}`,
    'sleep',
    '1000',
  ]);
  rows.push({
    what: `${CONCURRENT} × run -d concurrently`,
    value: tBerth,
    unit: 'ms',
    anchor: `${CONCURRENT} × ctr run -d (containerd)`,
    anchorValue: tCtr,
    ratio: tBerth / tCtr,
    budget: '≤ 0.8',
    ok: tBerth / tCtr <= 0.8,
  });
  const monitors = pidsOf('berth-monitor').map(rssKiB);
  const shims = pidsOf('containerd-shim-runc-v2').map(rssKiB);
  const mon = median(monitors);
  const shim = median(shims);
  rows.push({
    what: `host RSS per container (${monitors.length} monitors)`,
    value: mon / 1024,
    unit: 'MiB',
    anchor: `containerd-shim-runc-v2 (${shims.length})`,
    anchorValue: shim / 1024,
    ratio: mon / shim,
    budget: '≤ 0.25 and < 1 MiB',
    ok: mon / shim <= 0.25 && mon < 1024,
  });

  // Clean up the running containers on both sides.
  await concurrently(CONCURRENT, 'node', (i) => [cli, 'rm', '-f', `p${i}`], env);
  await concurrently(CONCURRENT, 'ctr', (i) => [
    '--address',
    containerd.address,
    'tasks',
    'kill',
    '-s',
    'SIGKILL',
    `p${i}`,
  ]).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1000));
  await concurrently(CONCURRENT, 'ctr', (i) => [
    '--address',
    containerd.address,
    'tasks',
    'rm',
    `p${i}`,
  ]).catch(() => undefined);
  report('run', rows);
} finally {
  await suite?.stop();
  if (containerd) {
    // Whatever a failed run left: containerd's shims and their containers outlive containerd.
    const ls = spawnSync('ctr', ['--address', containerd.address, 'tasks', 'ls', '-q'], { encoding: 'utf8' });
    for (const id of ls.stdout.split('\n').filter(Boolean)) {
      spawnSync('ctr', ['--address', containerd.address, 'tasks', 'kill', '-s', 'SIGKILL', id]);
      spawnSync('ctr', ['--address', containerd.address, 'tasks', 'rm', '-f', id]);
    }
    await containerd.stop();
  }
  spawnSync('sh', ['-c', `grep -o ' ${w.dir}[^ ]*' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]);
  w.cleanup();
}
