// Builds build/Release/berth_native.node with the node-gyp that npm bundles, against the
// Node headers already on this machine. It never downloads headers: if none are found it
// stops and says what to install.
//
//   node scripts/build.mjs            # configure when needed, then an incremental make
//   node scripts/build.mjs --rebuild  # clean, configure and build from scratch
//
// Overrides: BERTH_NODEDIR (or npm's nodedir config) for the headers, BERTH_NODE_GYP for
// node-gyp.js, CC for the compiler.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const output = join(root, 'build', 'Release', 'berth_native.node');

function fail(message) {
  console.error(`@berth/native build: ${message}`);
  process.exit(1);
}

/** Returns the first existing path of `candidates`, or undefined. */
const firstExisting = (candidates) => candidates.find((p) => existsSync(p));

function findNodeGyp() {
  const explicit = process.env.BERTH_NODE_GYP;
  if (explicit) return existsSync(explicit) ? explicit : fail(`BERTH_NODE_GYP=${explicit} does not exist`);
  const bin = join('node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const candidates = [];
  // Under `npm run`, npm_execpath is npm's own npm-cli.js: its bundled node-gyp sits beside it.
  if (process.env.npm_execpath?.endsWith('npm-cli.js')) {
    candidates.push(join(dirname(process.env.npm_execpath), '..', bin));
  }
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package: fall back to npm's copy
  }
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', bin));
  return (
    firstExisting(candidates) ??
    fail(`node-gyp not found (looked in: ${candidates.join(', ')}); set BERTH_NODE_GYP`)
  );
}

// node-gyp with --nodedir=DIR reads DIR/include/node/{common.gypi,node_api.h,…}.
function findNodeDir() {
  const hasHeaders = (dir) =>
    ['node_api.h', 'common.gypi'].every((f) => existsSync(join(dir, 'include', 'node', f)));
  const explicit = process.env.BERTH_NODEDIR;
  if (explicit) {
    return hasHeaders(explicit)
      ? explicit
      : fail(`BERTH_NODEDIR=${explicit} has no include/node/node_api.h and common.gypi`);
  }
  const candidates = [
    process.env.npm_config_nodedir,
    resolve(dirname(process.execPath), '..'),
    '/usr',
    '/usr/local',
  ].filter(Boolean);
  return (
    candidates.find(hasHeaders) ??
    fail(
      `Node headers not found (no include/node/node_api.h + common.gypi under ${candidates.join(', ')}). ` +
        'Install them (Debian: apt-get install libnode-dev) and/or set BERTH_NODEDIR; headers are never downloaded.',
    )
  );
}

function requireTool(cmd, args, hint) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  if (r.error || r.status !== 0) fail(`${cmd} is missing or broken (${hint})`);
}

const rebuild = process.argv.includes('--rebuild');
const nodeGyp = findNodeGyp();
const nodedir = findNodeDir();
requireTool(process.env.CC || 'cc', ['--version'], 'Debian: apt-get install build-essential');
requireTool('make', ['--version'], 'Debian: apt-get install build-essential');
requireTool(process.env.PYTHON || 'python3', ['--version'], 'node-gyp needs Python 3');

// Reconfigure when binding.gyp changed since the last configure; make does the rest.
const makefile = join(root, 'build', 'Makefile');
const stale =
  !existsSync(makefile) || statSync(join(root, 'binding.gyp')).mtimeMs > statSync(makefile).mtimeMs;
const steps = rebuild ? [['rebuild']] : stale ? [['configure'], ['build']] : [['build']];

for (const [step] of steps) {
  const args = [nodeGyp, step, `--nodedir=${nodedir}`, '--loglevel=warn'];
  if (step !== 'configure') args.push('--jobs=max');
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.error) fail(`node-gyp ${step}: ${r.error.message}`);
  if (r.status !== 0) fail(`node-gyp ${step} failed (exit ${r.status ?? r.signal})`);
}
if (!existsSync(output)) fail(`node-gyp succeeded but ${output} is missing`);
console.log(`@berth/native: built ${output} (${statSync(output).size} bytes, headers from ${nodedir})`);
