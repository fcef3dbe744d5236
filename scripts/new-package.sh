#!/usr/bin/env bash
# Scaffolds a workspace package: new-package.sh <dir> <@berth/name> <type:lib|type:service|type:app> [dep ...]
# Keeps every package's manifest and tsconfig the same shape (source condition for tests/bundles, dist for node).
set -euo pipefail
dir=$1 name=$2 tag=$3; shift 3
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/$dir/src"
rel=$(realpath --relative-to="$root/$dir" "$root")
deps=""; refs=""
for d in "$@"; do
  deps+="\"$d\": \"*\","
  ddir=$(cd "$root" && node -e "const w=require('child_process').execSync('npm query .workspace',{encoding:'utf8'});const p=JSON.parse(w).find(x=>x.name===process.argv[1]);if(!p)process.exit(1);console.log(p.location)" "$d")
  refs+="{\"path\": \"$(realpath --relative-to="$root/$dir" "$root/$ddir")/tsconfig.build.json\"},"
done
cat > "$root/$dir/package.json" <<J
{
  "name": "$name",
  "version": "0.1.0",
  "private": true,
  "type": "module",
  "exports": {
    ".": { "@berth/source": "./src/index.ts", "types": "./dist/index.d.ts", "default": "./dist/index.js" }
  },
  "scripts": { "build": "tsc -b tsconfig.build.json" },
  "dependencies": { ${deps%,} },
  "nx": { "tags": ["$tag"] }
}
J
cat > "$root/$dir/tsconfig.build.json" <<J
{
  "extends": "$rel/tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/.tsbuildinfo" },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.test.ts"],
  "references": [${refs%,}]
}
J
npx --prefix "$root" prettier --write "$root/$dir/package.json" "$root/$dir/tsconfig.build.json" >/dev/null
