// Bundles the berth CLI into dist/berth.mjs (+ lazily loaded chunks) with esbuild.
//
// - `@berth/source` resolves every @berth/* package to its TypeScript sources, so
//   the bundle needs no prior tsc build of the libs.
// - splitting: each command's handler is a dynamic import() in src/main.ts and becomes
//   its own chunk; `berth --help` loads only the entry (commander + declarations), and
//   grpc-js is parsed only by commands that talk to the server.
// - The banner gives every chunk a CommonJS `require` (grpc-js and friends call it).
// - @grpc/proto-loader (with protobufjs, long, …) is replaced by a stub: grpc-js loads it
//   only to serve channelz/ORCA, which a client never does, and it is ~150 kB to compile.
// - Type checking is separate: `tsc --noEmit -p tsconfig.build.json` (package.json
//   "build"). That project is not composite (noEmit forbids it); it still lists the libs
//   as references, so it reads their dist/*.d.ts, which nx builds first (^build).
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const { version } = JSON.parse(readFileSync(`${here}package.json`, 'utf8'));

/** Resolves `@grpc/proto-loader` to a module that throws if grpc-js ever calls it. */
const stubProtoLoader = {
  name: 'stub-proto-loader',
  setup(b) {
    b.onResolve({ filter: /^@grpc\/proto-loader$/ }, () => ({ path: 'proto-loader', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      loader: 'js',
      contents:
        "module.exports = { loadSync() { throw new Error('@grpc/proto-loader is not bundled in the berth CLI'); } };",
    }));
  },
};

rmSync(`${here}dist`, { recursive: true, force: true });
const result = await build({
  absWorkingDir: here,
  entryPoints: { berth: 'src/main.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  conditions: ['@berth/source'],
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __berthCreateRequire } from 'module';",
      'const require = __berthCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  define: { __BERTH_VERSION__: JSON.stringify(version) },
  // Readable stack traces: keep names, drop only whitespace and dead syntax.
  minifyIdentifiers: false,
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: false,
  sourcemap: 'linked',
  legalComments: 'none',
  plugins: [stubProtoLoader],
  metafile: true,
  logLevel: 'warning',
});
chmodSync(`${here}dist/berth.mjs`, 0o755);

if (process.env.BERTH_BUILD_ANALYZE) {
  const { analyzeMetafile } = await import('esbuild');
  console.log(await analyzeMetafile(result.metafile));
}
