// Shared benchmark plumbing: timing, a berth suite and a real containerd under
// throwaway roots, and the ratio table. Anchors run in the same process tree,
// on the same files, in the same run, so ratios compare like with like.
import { pickSuiteNetwork, removeSuiteNetworking } from '@berth/testkit';
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  rmSync,
  writeFileSync,
  mkdirSync,
  existsSync,
  openSync,
  closeSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'node:net';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cli = join(repo, 'apps/cli/dist/berth.mjs');
export const MiB = 1 << 20;

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs a command to completion; returns wall milliseconds. Throws with stderr on failure. */
export function timeCmd(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Writes `size` bytes of fresh random data (anchors dedupe content they have seen). */
export function randomFile(path, size) {
  const fd = openSync(path, 'w');
  const chunk = 16 * MiB;
  for (let off = 0; off < size; off += chunk) writeSync(fd, randomBytes(Math.min(chunk, size - off)));
  closeSync(fd);
  return path;
}

export function workdir(name) {
  const dir = mkdtempSync(join(tmpdir(), `berth-bench-${name}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function waitSocket(path, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      const s = connect(path);
      s.once('connect', () => (s.destroy(), resolve()));
      s.once('error', () =>
        Date.now() > deadline ? reject(new Error(`${path} never answered`)) : setTimeout(tryOnce, 50),
      );
    };
    tryOnce();
  });
}

/**
 * Starts nats + the berth services through deploy/berth-suite under `dir`. berth-network makes
 * a real bridge: unless the caller chose one (BERTH_NETWORK_* in process.env), the suite gets
 * testkit's locked pick of a bridge name and subnets, removed again at stop.
 */
export async function startBerth(dir) {
  const picked = process.env.BERTH_NETWORK_DEFAULT_BRIDGE ? undefined : await pickSuiteNetwork();
  const env = {
    ...(picked?.net.env ?? {}),
    ...process.env,
    BERTH_ROOT: join(dir, 'root'),
    BERTH_STATE: join(dir, 'run'),
    BERTH_LOG_DIR: join(dir, 'logs'),
    BERTH_CONFIG: join(dir, 'none.toml'),
    BERTH_NATS: `nats://127.0.0.1:${20000 + Math.floor(Math.random() * 20000)}`,
  };
  const r = spawnSync(join(repo, 'deploy/berth-suite'), ['start'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`berth-suite start failed: ${r.stderr}`);
  return {
    address: join(dir, 'run', 'berth.sock'),
    env,
    stop: async () => {
      spawnSync(join(repo, 'deploy/berth-suite'), ['stop'], { env });
      if (picked) {
        await removeSuiteNetworking(picked.net);
        picked.release();
      }
    },
    pids: () =>
      spawnSync('bash', ['-c', `cat ${join(dir, 'run', 'pids')}/*.pid`], { encoding: 'utf8' })
        .stdout.split(/\s+/)
        .filter(Boolean),
  };
}

/** Starts a real containerd (Debian's) with every path under `dir`; CRI off so it writes nowhere else. */
export async function startContainerd(dir) {
  const address = join(dir, 'containerd.sock');
  mkdirSync(join(dir, 'root'), { recursive: true });
  const config = join(dir, 'config.toml');
  writeFileSync(
    config,
    [
      'version = 2',
      `root = "${join(dir, 'root')}"`,
      `state = "${join(dir, 'state')}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${address}"`,
      '[ttrpc]',
      `  address = "${address}.ttrpc"`,
      '[debug]',
      `  address = "${join(dir, 'debug.sock')}"`,
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = "${join(dir, 'opt')}"`,
    ].join('\n'),
  );
  const proc = spawn('containerd', ['--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => (log += d));
  await waitSocket(address).catch((e) => {
    proc.kill('SIGKILL');
    throw new Error(`${e.message}\n${log.slice(-2000)}`);
  });
  return {
    address,
    pid: proc.pid,
    stop: () =>
      new Promise((resolve) => {
        proc.once('exit', resolve);
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export const hasBinary = (name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

export function rssKiB(pid) {
  const r = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  return Number(r.stdout.trim()) || 0;
}

/** Prints rows `{ what, value, unit, anchor, anchorValue, ratio, budget, ok }` and saves JSON. */
export function report(name, rows) {
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\n${name}`);
  console.log(pad('measure', 44) + pad('berth', 14) + pad('anchor', 36) + pad('ratio', 8) + 'budget');
  for (const r of rows) {
    console.log(
      pad(r.what, 44) +
        pad(`${r.value.toFixed(1)} ${r.unit}`, 14) +
        pad(`${r.anchor} ${r.anchorValue.toFixed(1)} ${r.unit}`, 36) +
        pad(r.ratio.toFixed(2), 8) +
        `${r.budget} ${r.ok ? 'ok' : 'MISSED'}`,
    );
  }
  const out = join(repo, 'bench', 'results');
  if (!existsSync(out)) mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify(rows, null, 2),
  );
}
