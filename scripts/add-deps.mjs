// Adds dependencies to a workspace package.json without touching the network:
// node scripts/add-deps.mjs <dir> name[@range] ...  (@berth/* get "*", others need a range)
import { format, resolveConfig } from 'prettier';
import { readFileSync, writeFileSync } from 'node:fs';
const [dir, ...specs] = process.argv.slice(2);
const path = `${dir}/package.json`;
const pkg = JSON.parse(readFileSync(path, 'utf8'));
pkg.dependencies ??= {};
for (const s of specs) {
  const at = s.lastIndexOf('@');
  const [name, range] = at > 0 ? [s.slice(0, at), s.slice(at + 1)] : [s, '*'];
  pkg.dependencies[name] = range;
}
pkg.dependencies = Object.fromEntries(Object.entries(pkg.dependencies).sort());
writeFileSync(path, await format(JSON.stringify(pkg), { ...(await resolveConfig(path)), filepath: path }));
