#!/usr/bin/env node
// bench/images: `berth pull` of a ≥ 100 MB image from a local registry and `berth load` of
// the same image as a docker-archive, each as a ratio to `skopeo copy` of the same image to
// a local dir: in the same run, median of BENCH_RUNS.
//
// The image is built here: one layer, an uncompressed GNU tar of files from
// /usr/lib/x86_64-linux-gnu and /usr/bin up to BENCH_IMAGE_MIB (120 MiB by default), with a
// config and manifest.json as deploy/make-busybox-image.sh writes them. The docker-archive
// keeps the layer uncompressed (as `docker save` does); `skopeo copy` to the registry
// gzips it, so the registry holds a realistic compressed layer and both pulls download and
// verify the gzip blob (berth also decompresses it to check the diffID and unpacks it).
// Every berth measurement gets a fresh berth suite: blobs are shared across namespaces on
// disk, so a second pull or load in the same suite would adopt the bytes without work.
//
//   node bench/images.mjs        (BENCH_IMAGE_MIB=120 BENCH_RUNS=3 by default)
//   Needs root (berth unpacks with overlay), docker-registry and skopeo.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRegistry } from '@berth/testkit';
import { MiB, cli, hasBinary, median, report, startBerth, timeCmd, workdir } from './lib.mjs';

const LIMIT = Number(process.env.BENCH_IMAGE_MIB ?? 120) * MiB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SOURCES = ['usr/lib/x86_64-linux-gnu', 'usr/bin'];

for (const bin of ['docker-registry', 'skopeo', 'tar']) {
  if (!hasBinary(bin)) {
    console.error(`bench/images: ${bin} is not installed (deploy/install-deps.sh)`);
    process.exit(1);
  }
}
if (process.getuid?.() !== 0) {
  console.error('bench/images: needs root (berth unpacks layers with overlay mounts)');
  process.exit(1);
}

const sha256File = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * Writes a docker-archive at `out` tagged `tag`, whose single layer holds files of SOURCES
 * (and their directories) in name order until LIMIT bytes of file data. Returns its sizes.
 */
function buildArchive(dir, out, tag) {
  const list = [];
  let bytes = 0;
  for (const src of SOURCES) {
    const r = spawnSync('find', [`/${src}`, '-xdev', '-printf', '%y %s %P\\n'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    const entries = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [type, size, ...rest] = l.split(' ');
        return { type, size: Number(size), path: rest.join(' ') };
      })
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    list.push(src);
    for (const e of entries) {
      if (e.path === '' || e.path.includes('\n')) continue;
      if (e.type === 'f') {
        if (bytes + e.size > LIMIT) continue;
        bytes += e.size;
      } else if (e.type !== 'd' && e.type !== 'l') continue;
      list.push(`${src}/${e.path}`);
    }
  }
  const img = join(dir, 'img');
  mkdirSync(img, { recursive: true });
  const listFile = join(dir, 'files.txt');
  writeFileSync(listFile, list.join('\n') + '\n');
  const layerTmp = join(dir, 'layer.tar');
  timeCmd('tar', [
    '-C',
    '/',
    '--numeric-owner',
    '--owner=0',
    '--group=0',
    '--mtime=@0',
    '--no-recursion',
    // /usr/bin and /usr/lib hold many hard links: store every file's bytes.
    '--hard-dereference',
    '--verbatim-files-from',
    '-T',
    listFile,
    '-cf',
    layerTmp,
  ]);
  const layer = sha256File(layerTmp);
  mkdirSync(join(img, layer));
  timeCmd('mv', [layerTmp, join(img, layer, 'layer.tar')]);
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['sh'], Env: ['PATH=/usr/bin'] },
    rootfs: { type: 'layers', diff_ids: [`sha256:${layer}`] },
    history: [{ created_by: 'bench/images.mjs' }],
  });
  const cfg = createHash('sha256').update(config).digest('hex');
  writeFileSync(join(img, `${cfg}.json`), config);
  writeFileSync(
    join(img, 'manifest.json'),
    JSON.stringify([{ Config: `${cfg}.json`, RepoTags: [tag], Layers: [`${layer}/layer.tar`] }]),
  );
  timeCmd('tar', ['-C', img, '-cf', out, '.']);
  rmSync(img, { recursive: true, force: true });
  return { files: list.length, fileBytes: bytes, archiveBytes: statSync(out).size };
}

/** Times `berth ...args` against a berth suite started for this one command. */
async function timeBerthFresh(wd, name, args) {
  const dir = join(wd.dir, name);
  const suite = await startBerth(dir);
  try {
    return timeCmd('node', [cli, '--address', suite.address, '-n', 'bench', ...args]).ms;
  } finally {
    await suite.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Times `skopeo copy ...args dir:<fresh dir>`. */
function timeSkopeo(wd, args) {
  const out = join(wd.dir, 'skopeo-out');
  rmSync(out, { recursive: true, force: true });
  const ms = timeCmd('skopeo', ['copy', '-q', ...args, `dir:${out}`]).ms;
  rmSync(out, { recursive: true, force: true });
  return ms;
}

const wd = workdir('images');
let registry;
try {
  const archive = join(wd.dir, 'big.tar');
  const built = buildArchive(wd.dir, archive, 'bench/big:1');
  registry = await startRegistry();
  const remote = `${registry.host}/bench/big:1`;
  timeCmd('skopeo', [
    'copy',
    '-q',
    '--dest-tls-verify=false',
    `docker-archive:${archive}`,
    `docker://${remote}`,
  ]);
  const blobs = spawnSync('find', [join(registry.dir, 'storage'), '-name', 'data', '-size', '+1M'], {
    encoding: 'utf8',
  })
    .stdout.split('\n')
    .filter(Boolean);
  const compressed = blobs.reduce((n, f) => n + statSync(f).size, 0);

  const t = { pull: [], pullSkip: [], skopeoPull: [], load: [], skopeoLoad: [] };
  for (let i = 0; i < RUNS; i++) {
    t.pull.push(await timeBerthFresh(wd, `pull-${i}`, ['pull', '-q', remote]));
    t.pullSkip.push(await timeBerthFresh(wd, `pull-skip-${i}`, ['pull', '-q', '--skip-unpack', remote]));
    t.skopeoPull.push(timeSkopeo(wd, ['--src-tls-verify=false', `docker://${remote}`]));
    t.load.push(await timeBerthFresh(wd, `load-${i}`, ['load', '-q', '-i', archive]));
    t.skopeoLoad.push(timeSkopeo(wd, [`docker-archive:${archive}`]));
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  // Milliseconds, lower is better: ratio = anchor time / berth time. The issue gives no budget,
  // so the budget is parity with skopeo (>= 1).
  const row = (what, value, anchor, anchorValue, budget = 1) => {
    const ratio = anchorValue / value;
    return {
      what,
      value,
      unit: 'ms',
      anchor,
      anchorValue,
      ratio,
      budget: `>= ${budget}`,
      ok: ratio >= budget,
    };
  };
  console.log(
    `image: ${built.files} entries, ${(built.fileBytes / MiB).toFixed(1)} MiB of files; ` +
      `archive ${(built.archiveBytes / MiB).toFixed(1)} MiB (layer uncompressed); ` +
      `registry layer ${(compressed / MiB).toFixed(1)} MiB (gzip, by skopeo); ${RUNS} runs, ` +
      `fresh berth suite per berth run`,
  );
  report('images', [
    row('pull from registry (+ unpack)', m.pull, 'skopeo copy registry→dir', m.skopeoPull),
    row('pull --skip-unpack', m.pullSkip, 'skopeo copy registry→dir', m.skopeoPull),
    row('load -i docker-archive (+ unpack)', m.load, 'skopeo copy archive→dir', m.skopeoLoad),
  ]);
} finally {
  await registry?.stop();
  wd.cleanup();
}
