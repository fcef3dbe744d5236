#!/usr/bin/env node
// Generates TypeScript (ts-proto + grpc-js service definitions) from every
// .proto under proto/containerd, proto/berth and proto/google/rpc into
// proto/src/gen (wiped first; the directory is gitignored).
//
// Needs Debian's protoc (/usr/bin/protoc, package protobuf-compiler) and the
// well-known types in /usr/include/google/protobuf (package libprotobuf-dev).
// Run from anywhere: paths are resolved relative to this file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const protoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(protoRoot, 'src', 'gen');
const wktInclude = '/usr/include';
const sourceDirs = ['containerd', 'berth', join('google', 'rpc')];

function fail(message) {
  console.error(`gen.mjs: ${message}`);
  process.exit(1);
}

function findProtoc() {
  const fromEnv = process.env.PROTOC;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'protoc'))) return join(dir, 'protoc');
  }
  return existsSync('/usr/bin/protoc') ? '/usr/bin/protoc' : undefined;
}

function listProtos(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...listProtos(full));
    else if (name.endsWith('.proto')) found.push(full);
  }
  return found;
}

const protoc = findProtoc();
if (!protoc) {
  fail(
    'protoc not found (need /usr/bin/protoc and /usr/include/google/protobuf); run deploy/install-deps.sh',
  );
}
if (!existsSync(join(wktInclude, 'google', 'protobuf', 'any.proto'))) {
  fail(`protobuf well-known types missing under ${wktInclude}/google/protobuf; run deploy/install-deps.sh`);
}

// ts-proto ships its plugin as a bin script; resolve it from this package so
// the build does not depend on node_modules/.bin being on PATH.
const require = createRequire(import.meta.url);
let plugin;
try {
  plugin = join(dirname(require.resolve('ts-proto/package.json')), 'protoc-gen-ts_proto');
} catch {
  fail('ts-proto is not installed; run `npm install` from the repository root');
}

const files = sourceDirs
  .flatMap((d) => listProtos(join(protoRoot, d)))
  .map((f) => relative(protoRoot, f).split(sep).join('/'));
if (files.length === 0) fail('no .proto files found');

const tsProtoOpts = [
  'outputServices=grpc-js',
  'esModuleInterop=true',
  'importSuffix=.js',
  'forceLong=number',
  'useDate=true',
  'env=node',
  'oneof=unions-value',
  'outputTypeRegistry=false',
].join(',');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const args = [
  `--plugin=protoc-gen-ts_proto=${plugin}`,
  `--ts_proto_out=${outDir}`,
  `--ts_proto_opt=${tsProtoOpts}`,
  `--proto_path=${protoRoot}`,
  `--proto_path=${wktInclude}`,
  ...files,
];

const result = spawnSync(protoc, args, { cwd: protoRoot, stdio: 'inherit' });
if (result.error) fail(`could not run ${protoc}: ${result.error.message}; run deploy/install-deps.sh`);
if (result.status !== 0) fail(`protoc exited with status ${result.status}`);
console.log(`gen.mjs: generated ${files.length} proto files into ${relative(process.cwd(), outDir) || '.'}`);
