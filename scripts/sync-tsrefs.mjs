// Keeps each package's tsconfig.build.json "references" equal to its @berth/* dependencies,
// so `tsc -b` builds in dependency order and nobody maintains the list by hand.
import { execSync } from 'node:child_process';
import { format, resolveConfig } from 'prettier';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ws = JSON.parse(execSync('npm query .workspace', { cwd: root, encoding: 'utf8' }));
const where = new Map(ws.map((p) => [p.name, join(root, p.location)]));
let changed = 0;
for (const [name, dir] of where) {
  const tsPath = join(dir, 'tsconfig.build.json');
  if (!existsSync(tsPath)) continue;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter(
    (d) => where.has(d) && d !== name,
  );
  const ts = JSON.parse(readFileSync(tsPath, 'utf8'));
  const refs = deps.sort().map((d) => ({ path: relative(dir, join(where.get(d), 'tsconfig.build.json')) }));
  if (JSON.stringify(ts.references ?? []) !== JSON.stringify(refs)) {
    ts.references = refs;
    writeFileSync(
      tsPath,
      await format(JSON.stringify(ts), { ...(await resolveConfig(tsPath)), filepath: tsPath }),
    );
    changed++;
  }
}
if (changed) console.log(`sync-tsrefs: updated ${changed} tsconfig.build.json`);
