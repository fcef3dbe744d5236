#!/usr/bin/env node
// bench/network: berth-network against the CNI plugins it drives, run by hand, in one run.
//
//   1. Attach + Detach of a container on the default bridge network (Networks.Attach/Detach
//      through the gateway socket, generated gRPC client), median of BENCH_NET_ATTACH, as a
//      ratio to the same plugin chain invoked directly, cnitool-style: `ip netns add`, then
//      bridge → portmap → firewall with CNI_COMMAND=ADD (each fed the previous result), DEL in
//      reverse with the ADD result, `ip netns del`. The conflist is the one berth-network
//      writes (cni-config.ts), on a bridge, subnet and CNI network name of the bench's own.
//      The two are interleaved, one iteration each, so background load hits both alike.
//   2. TCP throughput into an attached "container" (a namespace with a node byte sink on
//      :5201): BENCH_NET_MIB through the published port on 127.0.0.1 (portmap's DNAT) vs
//      straight to the container's address over the bridge; median of BENCH_NET_RUNS each.
//
// Traffic goes only to loopback and the bench's own namespace. Everything made here (the
// attachments, namespaces, bridges, the anchor's iptables chains) is removed in `finally`.
//
//   node bench/network.mjs     (BENCH_NET_ATTACH=50 BENCH_NET_MIB=512 BENCH_NET_RUNS=3; root)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { dial, unary } from '@berth/grpc';
import { NetworksClient } from '@berth/proto/berth/network/v1';
import { pickSuiteNetwork, removeSuiteNetworking } from '@berth/testkit';
import { MiB, hasBinary, median, report, startBerth, workdir } from './lib.mjs';

const ITER = Number(process.env.BENCH_NET_ATTACH ?? 50);
const NET_MIB = Number(process.env.BENCH_NET_MIB ?? 512);
const NET_RUNS = Number(process.env.BENCH_NET_RUNS ?? 3);
const CNI_DIR = '/usr/lib/cni';
const SINK_PORT = 5201;

if (process.getuid?.() !== 0) {
  console.error('bench/network: needs root');
  process.exit(1);
}
for (const p of ['bridge', 'host-local', 'portmap', 'firewall'])
  if (!existsSync(join(CNI_DIR, p))) {
    console.error(`bench/network: ${CNI_DIR}/${p} is missing (containernetworking-plugins)`);
    process.exit(1);
  }
for (const bin of ['ip', 'iptables', 'nsenter']) {
  if (!hasBinary(bin)) {
    console.error(`bench/network: ${bin} is not installed`);
    process.exit(1);
  }
}

const hex = (n) => randomBytes(n).toString('hex');
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
};
const isMountPoint = (dir) =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[4] === dir);

// ---- the anchor: the plugin chain by hand ---------------------------------------------------

/** berth-network's conflist for a bridge network (services/network/src/cni-config.ts). */
function conflist(name, bridge, subnet, gateway, ipamDir) {
  return {
    cniVersion: '1.0.0',
    name,
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        capabilities: { ips: true },
        ipam: {
          type: 'host-local',
          dataDir: ipamDir,
          ranges: [[{ subnet, gateway }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', snat: true, capabilities: { portMappings: true } },
      { type: 'firewall', backend: 'iptables' },
    ],
  };
}

/** One plugin invocation, as libcni makes it (no capability args: nothing is published). */
function plugin(list, p, command, containerId, netns, prevResult) {
  const { capabilities: _c, ...conf } = p;
  const stdin = JSON.stringify({
    ...conf,
    name: list.name,
    cniVersion: list.cniVersion,
    ...(prevResult ? { prevResult } : {}),
  });
  const r = spawnSync(join(CNI_DIR, p.type), [], {
    input: stdin,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      CNI_COMMAND: command,
      CNI_CONTAINERID: containerId,
      CNI_NETNS: netns,
      CNI_IFNAME: 'eth0',
      CNI_ARGS: 'IgnoreUnknown=1',
      CNI_PATH: CNI_DIR,
    },
  });
  if (r.status !== 0) throw new Error(`${p.type} ${command} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return command === 'ADD' ? JSON.parse(r.stdout) : prevResult;
}

/** netns add → ADD ×3 → DEL ×3 (reverse, with the ADD result) → netns del; returns ms. */
function anchorOnce(list, pending) {
  const name = `bnb-${hex(6)}`;
  const netns = `/run/netns/${name}`;
  const containerId = `bench-anchor-${hex(8)}`;
  const t0 = performance.now();
  run('ip', ['netns', 'add', name]);
  pending.set(name, { containerId, result: undefined });
  let result;
  for (const p of list.plugins) {
    result = plugin(list, p, 'ADD', containerId, netns, result);
    pending.get(name).result = result;
  }
  for (const p of [...list.plugins].reverse()) plugin(list, p, 'DEL', containerId, netns, result);
  run('ip', ['netns', 'del', name]);
  pending.delete(name);
  return performance.now() - t0;
}

/** Whatever a failed anchor iteration left: DEL every plugin (best effort), then the netns. */
function anchorCleanup(list, pending) {
  for (const [name, { containerId, result }] of pending) {
    for (const p of [...list.plugins].reverse()) {
      try {
        plugin(list, p, 'DEL', containerId, `/run/netns/${name}`, result);
      } catch {
        // best effort
      }
    }
    spawnSync('ip', ['netns', 'del', name]);
  }
  pending.clear();
}

// ---- throughput -----------------------------------------------------------------------------

/** A byte sink in `netns` on :5201: counts what a connection sends, answers the total on EOF. */
function startSink(netns) {
  const script = `require('net').createServer(s=>{let n=0;s.on('data',b=>{n+=b.length});s.on('end',()=>s.end(String(n)))}).listen(${SINK_PORT},()=>console.log('ready'))`;
  const child = spawn('nsenter', [`--net=${netns}`, process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
      if (out.includes('ready')) resolve(child);
    });
    child.stderr.on('data', (b) => (out += b));
    child.once('exit', (code) => reject(new Error(`sink exited ${code}: ${out}`)));
  });
}

const chunk = Buffer.alloc(4 * MiB, 0x5a);

/** Sends `bytes` to host:port and waits for the sink's count; resolves with wall ms. */
function send(host, port, bytes) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const s = connect({ host, port });
    s.setTimeout(120_000, () => s.destroy(new Error(`timeout sending to ${host}:${port}`)));
    let sent = 0;
    let answer = '';
    const pump = () => {
      while (sent < bytes) {
        const n = Math.min(chunk.length, bytes - sent);
        sent += n;
        if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void s.once('drain', pump);
      }
      s.end();
    };
    s.once('connect', pump);
    s.on('data', (b) => (answer += b));
    s.on('end', () => {
      const ms = performance.now() - t0;
      if (Number(answer) !== bytes)
        reject(new Error(`sink at ${host}:${port} counted ${answer || 'nothing'}, sent ${bytes}`));
      else resolve(ms);
    });
    s.on('error', reject);
  });
}

// ---- the run --------------------------------------------------------------------------------

const w = workdir('network');
const rows = [];
let suite;
let net;
let picked;
let sink;
const attached = new Set();
const pending = new Map();
let list;
const anchorBridge = `bnb${hex(3)}`;
const hadRunNetns = existsSync('/run/netns');
try {
  // lib.mjs's startBerth picks 10.<200–249>.0.0/24 unlocked, which can land on the /16s the
  // system tests use (test/20 has 10.220–222, testkit suites 10.230–250): take two /16s from
  // testkit's locked picks instead; startBerth passes process.env over its own choice.
  picked = await pickSuiteNetwork();
  Object.assign(process.env, picked.net.env);
  const poolOctet = picked.net.subnetPool.split('.')[1];
  const anchorSubnet = `10.${poolOctet}.250.0/24`;
  list = conflist(
    `berth-bench-${anchorBridge}`,
    anchorBridge,
    anchorSubnet,
    `10.${poolOctet}.250.1`,
    join(w.dir, 'ipam'),
  );
  mkdirSync(join(w.dir, 'ipam'));

  suite = await startBerth(join(w.dir, 'berth'));
  net = dial(NetworksClient, suite.address);
  const attachReq = (containerId, ports = []) => ({
    containerId,
    name: '',
    mode: 'bridge',
    endpoints: [],
    ports,
    hostname: '',
    domainname: '',
    dns: [],
    dnsSearch: [],
    dnsOptions: [],
    extraHosts: [],
    links: [],
  });
  const o = { timeoutMs: 60_000 };
  const berthOnce = async () => {
    const id = hex(32);
    const t0 = performance.now();
    attached.add(id);
    await unary(net, net.attach, attachReq(id), o);
    await unary(net, net.detach, { containerId: id }, o);
    const ms = performance.now() - t0;
    attached.delete(id);
    return ms;
  };

  // Warm-up (the anchor's first ADD makes its bridge), then interleaved iterations.
  anchorOnce(list, pending);
  await berthOnce();
  const anchorMs = [];
  const berthMs = [];
  for (let i = 0; i < ITER; i++) {
    anchorMs.push(anchorOnce(list, pending));
    berthMs.push(await berthOnce());
  }
  const a = median(anchorMs);
  const b = median(berthMs);
  rows.push({
    what: `Attach+Detach, bridge (median of ${ITER})`,
    value: b,
    unit: 'ms',
    anchor: 'CNI plugins by hand',
    anchorValue: a,
    ratio: b / a,
    budget: 'info',
    ok: true,
  });

  // Throughput: one attached namespace with a published port, a sink inside it.
  const id = `bench-tput-${hex(8)}`;
  attached.add(id);
  const r = await unary(
    net,
    net.attach,
    attachReq(id, [{ hostIp: '', hostPort: 0, containerPort: SINK_PORT, protocol: 'tcp' }]),
    o,
  );
  const ip = r.endpoints[0]?.ip;
  const hostPort = r.ports[0]?.hostPort;
  if (!ip || !hostPort) throw new Error(`attach answered no address or port: ${JSON.stringify(r)}`);
  sink = await startSink(r.netns);
  const bytes = NET_MIB * MiB;
  await send('127.0.0.1', hostPort, 16 * MiB); // warm-up: conntrack entries, route_localnet path
  await send(ip, SINK_PORT, 16 * MiB);
  const viaPort = [];
  const direct = [];
  for (let i = 0; i < NET_RUNS; i++) {
    viaPort.push(await send('127.0.0.1', hostPort, bytes));
    direct.push(await send(ip, SINK_PORT, bytes));
  }
  const mibs = (ms) => NET_MIB / (ms / 1000);
  const p = mibs(median(viaPort));
  const d = mibs(median(direct));
  rows.push({
    what: `TCP ${NET_MIB} MiB via 127.0.0.1:${hostPort} (median ${NET_RUNS})`,
    value: p,
    unit: 'MiB/s',
    anchor: 'direct to container IP',
    anchorValue: d,
    ratio: p / d,
    budget: 'info',
    ok: true,
  });
  report('network', rows);
} finally {
  sink?.kill('SIGKILL');
  if (net) {
    for (const id of attached)
      await unary(net, net.detach, { containerId: id }, { timeoutMs: 30_000 }).catch(() => undefined);
    net.close();
  }
  if (list) anchorCleanup(list, pending);
  await suite?.stop();
  spawnSync('ip', ['link', 'del', anchorBridge]);
  // The anchor's subnet lies in the suite's pool: its leftover rules go with the suite's.
  if (picked) {
    await removeSuiteNetworking(picked.net);
    picked.release();
  }
  // `ip netns add` made /run/netns a shared bind mount of itself: undo that if it was ours.
  if (!hadRunNetns && isMountPoint('/run/netns') && readdirSync('/run/netns').length === 0) {
    spawnSync('umount', ['/run/netns']);
    try {
      rmdirSync('/run/netns');
    } catch {
      // not empty or already gone
    }
  }
  spawnSync('sh', ['-c', `grep -o ' ${w.dir}[^ ]*' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]);
  w.cleanup();
}
