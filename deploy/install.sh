#!/usr/bin/env bash
# Installs a built berth onto this host for systemd: the repository's runtime
# files to /opt/berth, the units to /etc/systemd/system, the example config to
# /etc/berth/config.toml (kept if present), and `berth`/`berth-suite` to
# /usr/local/bin. Run `npm run build` first. Does not start anything.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
dest=${BERTH_PREFIX:-/opt/berth}

[[ -f apps/cli/dist/berth.mjs && -f services/gateway/dist/main.js ]] || {
  echo "install.sh: build first (npm run build)" >&2
  exit 1
}
mkdir -p "$dest"
# node_modules holds the workspace links (@berth/* → libs/*), so copy the tree as is.
cp -a package.json node_modules proto libs services apps native deploy "$dest"/
install -m 0644 deploy/systemd/*.service /etc/systemd/system/
mkdir -p /etc/berth
[[ -f /etc/berth/config.toml ]] || install -m 0644 deploy/config.example.toml /etc/berth/config.toml
ln -sf "$dest/apps/cli/dist/berth.mjs" /usr/local/bin/berth
ln -sf "$dest/deploy/berth-suite" /usr/local/bin/berth-suite
if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then systemctl daemon-reload; fi
echo "installed to $dest; enable with: systemctl enable --now berth-nats berth-content berth-snapshotter berth-images berth-runtime berth-network berth-gateway"
