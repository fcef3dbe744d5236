#!/usr/bin/env node
// bench/stats: `berth stats` over many running containers against reading the same cgroup
// files with a shell loop, and the memory berth-runtime and the monitors take for them.
//
//   1. BENCH_STATS_N containers (`berth run -d --network none busybox sleep 1000`, started
//      10 at a time); `berth stats --no-stream --format json` (median of BENCH_STATS_RUNS) vs
//      `sh -c 'for d in …; do cat …; done'` over each container's memory.usage_in_bytes,
//      memory.limit_in_bytes, cpuacct.usage, pids.current and blkio.throttle.io_service_bytes
//      at its spec's cgroupsPath (/sys/fs/cgroup/<controller>/berth/default/<id>). berth stats
//      --no-stream takes two readings 1 s apart by design (CPU % is a difference, as in
//      docker), so it is shown raw and with that 1 s taken off.
//   2. berth-runtime RSS idle and with the N containers running; berth-monitor RSS, median
//      over the N monitors.
//
//   node bench/stats.mjs       (BENCH_STATS_N=100 BENCH_STATS_RUNS=5; needs root)
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pickSuiteNetwork, removeSuiteNetworking } from '@berth/testkit';
import { cli, hasBinary, median, report, rssKiB, startBerth, timeCmd, workdir } from './lib.mjs';

const N = Number(process.env.BENCH_STATS_N ?? 100);
const RUNS = Number(process.env.BENCH_STATS_RUNS ?? 5);
const BATCH = 10;
/** berth stats --no-stream's gap between its two readings (apps/cli/src/commands/stats/stats.ts). */
const SAMPLE_GAP_MS = 1000;
const CGROUP_ROOT = '/sys/fs/cgroup';

if (process.getuid?.() !== 0) {
  console.error('bench/stats: needs root');
  process.exit(1);
}
if (!hasBinary('ctr')) {
  console.error('bench/stats: ctr is not installed (deploy/install-deps.sh)');
  process.exit(1);
}

/** Runs the CLI; resolves with stdout, rejects with stderr. */
function berthAsync(env, args) {
  return new Promise((resolve, reject) => {
    const p = spawn('node', [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`berth ${args.join(' ')} (${code}): ${err}`)),
    );
  });
}

const w = workdir('stats');
const rows = [];
let suite;
let picked;
let env;
const ids = [];
try {
  // lib.mjs's startBerth picks an unlocked 10.<200–249>.0.0/24 that can collide with the system
  // tests' networks: use testkit's locked /16s (startBerth passes process.env over its choice).
  picked = await pickSuiteNetwork();
  Object.assign(process.env, picked.net.env);
  suite = await startBerth(join(w.dir, 'berth'));
  env = { ...process.env, BERTH_ADDRESS: suite.address };
  const archive = join(w.dir, 'busybox.tar');
  timeCmd(join(import.meta.dirname, '..', 'deploy', 'make-busybox-image.sh'), [archive]);
  timeCmd('ctr', ['--address', suite.address, 'images', 'import', archive]);

  const runtimePid = Number(readFileSync(join(w.dir, 'berth', 'run', 'pids', 'runtime.pid'), 'utf8').trim());
  const runtimeIdle = rssKiB(runtimePid);

  for (let i = 0; i < N; i += BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(BATCH, N - i) }, () =>
        berthAsync(env, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '1000']).then((out) => {
          const id = out.trim().split('\n').pop();
          ids.push(id);
          return id;
        }),
      ),
    );
    if (batch.some((id) => !/^[0-9a-f]{64}$/.test(id))) throw new Error(`berth run -d printed ${batch}`);
  }

  // Each container's cgroup, from its spec (docker inspect's HostConfig.CgroupParent).
  const inspected = JSON.parse(timeCmd('node', [cli, 'inspect', ...ids], { env }).stdout.toString());
  const paths = inspected.map((c) => c.HostConfig?.CgroupParent);
  if (paths.some((p) => !p || !p.startsWith('/')))
    throw new Error(`inspect gave no cgroupsPath: ${paths.find((p) => !p || !p.startsWith('/'))}`);
  const files = (p) => [
    `${CGROUP_ROOT}/memory${p}/memory.usage_in_bytes`,
    `${CGROUP_ROOT}/memory${p}/memory.limit_in_bytes`,
    `${CGROUP_ROOT}/cpuacct${p}/cpuacct.usage`,
    `${CGROUP_ROOT}/pids${p}/pids.current`,
    `${CGROUP_ROOT}/blkio${p}/blkio.throttle.io_service_bytes`,
  ];
  const script = `for d in ${paths.join(' ')}; do cat ${files('$d').join(' ')}; done`;
  // Every file must be there (a missing one would make cat fail): a check of the paths too.
  timeCmd('sh', ['-c', script]);

  const statsMs = [];
  const shMs = [];
  for (let i = 0; i < RUNS; i++) {
    const s = timeCmd('node', [cli, 'stats', '--no-stream', '--format', 'json'], { env });
    const lines = s.stdout.toString().trim().split('\n').filter(Boolean);
    if (lines.length !== N) throw new Error(`berth stats listed ${lines.length} containers, not ${N}`);
    JSON.parse(lines[0]);
    statsMs.push(s.ms);
    shMs.push(timeCmd('sh', ['-c', script]).ms);
  }
  const runtimeLoaded = rssKiB(runtimePid);
  const monitorPids = spawnSync('pgrep', ['-f', `berth-monitor .*--bundle ${w.dir}/`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);
  const monitors = monitorPids.map(rssKiB).filter((k) => k > 0);

  const st = median(statsMs);
  const sh = median(shMs);
  rows.push(
    {
      what: `stats --no-stream json ×${N} (raw, 2 reads)`,
      value: st,
      unit: 'ms',
      anchor: `sh: cat 5 cgroup files ×${N}`,
      anchorValue: sh,
      ratio: st / sh,
      budget: 'info',
      ok: true,
    },
    {
      what: `stats --no-stream json ×${N} (minus 1 s gap)`,
      value: st - SAMPLE_GAP_MS,
      unit: 'ms',
      anchor: `sh: cat 5 cgroup files ×${N}`,
      anchorValue: sh,
      ratio: (st - SAMPLE_GAP_MS) / sh,
      budget: 'info',
      ok: true,
    },
    {
      what: `berth-runtime RSS, ${N} running`,
      value: runtimeLoaded / 1024,
      unit: 'MiB',
      anchor: 'berth-runtime idle',
      anchorValue: runtimeIdle / 1024,
      ratio: runtimeLoaded / runtimeIdle,
      budget: 'idle < 60 MiB',
      ok: runtimeIdle < 60 * 1024,
    },
    {
      what: `berth-monitor RSS (median of ${monitors.length})`,
      value: median(monitors) / 1024,
      unit: 'MiB',
      anchor: 'budget',
      anchorValue: 1,
      ratio: median(monitors) / 1024,
      budget: '< 1 MiB',
      ok: median(monitors) < 1024,
    },
  );
  report('stats', rows);
} finally {
  if (env) {
    for (let i = 0; i < ids.length; i += BATCH)
      await Promise.all(
        ids
          .slice(i, i + BATCH)
          .map((id) => berthAsync(env, ['rm', '-f', id]).catch((e) => console.error(e.message))),
      );
    // Whatever a failed run started that ids missed.
    const left = spawnSync('node', [cli, 'ps', '-aq', '--no-trunc'], { env, encoding: 'utf8' });
    for (const id of (left.stdout ?? '').split('\n').filter(Boolean))
      spawnSync('node', [cli, 'rm', '-f', id], { env });
  }
  await suite?.stop();
  if (picked) {
    await removeSuiteNetworking(picked.net);
    picked.release();
  }
  spawnSync('sh', ['-c', `grep -o ' ${w.dir}[^ ]*' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]);
  w.cleanup();
}
