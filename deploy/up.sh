#!/usr/bin/env bash
# One command from a fresh Debian 12 clone to a running berth suite:
# Debian + npm dependencies, build, `berth`/`berth-suite` on the PATH, the suite
# started (nats-server and every berth service), and a short demo that
# shows it working — running containers, and containerd's own `ctr` talking to berth.
#
# Relocatable like the suite: BERTH_ROOT, BERTH_STATE, BERTH_LOG_DIR, BERTH_NATS.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
repo=$(pwd)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Debian packages"
deploy/install-deps.sh

step "npm dependencies"
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

step "build"
npm run build

step "berth and berth-suite on the PATH (/usr/local/bin)"
ln -sf "$repo/apps/cli/dist/berth.mjs" /usr/local/bin/berth
ln -sf "$repo/deploy/berth-suite" /usr/local/bin/berth-suite
chmod +x "$repo/apps/cli/dist/berth.mjs"

step "start the suite"
berth-suite restart
berth-suite status

state=${BERTH_STATE:-/run/berth}
export BERTH_ADDRESS="$state/berth.sock"

step "demo"
demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
head -c $((32 * 1024 * 1024)) /dev/urandom >"$demo/layer.tar"
run() { printf '$ %s\n' "$*"; "$@"; }
run berth version
digest=$(berth content ingest "$demo/layer.tar")
echo "\$ berth content ingest layer.tar"
echo "$digest"
run berth content label "$digest" team=web
run berth content ls
berth content get "$digest" -o "$demo/out.tar"
cmp "$demo/layer.tar" "$demo/out.tar" && echo "\$ berth content get $digest -o out.tar   # byte-identical"
ns=demo-$$
run berth namespaces create "$ns" env=demo
run berth -n "$ns" content ls
run berth namespaces ls
run berth namespaces rm "$ns"
run ctr --address "$BERTH_ADDRESS" content ls
run ctr --address "$BERTH_ADDRESS" plugins ls
run berth content rm "$digest"

# Layers: containerd's ctr imports an image and unpacks it through berth's
# snapshotter and diff services; berth shows the snapshot.
deploy/make-busybox-image.sh "$demo/busybox.tar" >/dev/null
run ctr --address "$BERTH_ADDRESS" images import "$demo/busybox.tar"
run berth images
run berth snapshots tree

# Containers: each runs under its own berth-monitor driving runc.
run berth run --rm busybox echo "hello from a berth container"
web=demo-web-$$
run berth run -d --name "$web" -e GREETING=hi busybox sh -c 'echo "$GREETING from $(hostname)"; exec sleep 300'
run berth ps
run berth exec "$web" sh -c 'echo "exec sees pid 1: $(cat /proc/1/comm)"'
run berth logs "$web"
run berth top "$web"
run berth stop -t 1 "$web"
run berth ps -a --filter "name=$web"
run berth rm "$web"
# Networks: a published port (host port picked by berth) reached from the host through DNAT.
site=demo-site-$$
run berth run -d --name "$site" -p 127.0.0.1::80 busybox sh -c 'echo "hello through a published port" > /tmp/index.html; exec httpd -f -p 80 -h /tmp'
run berth port "$site"
hostport=$(berth port "$site" 80/tcp | sed 's/.*://')
for _ in 1 2 3 4 5 6 7 8 9 10; do curl -fsS "http://127.0.0.1:$hostport/" 2>/dev/null && break; sleep 0.2; done
run berth rm -f "$site"
run ctr --address "$BERTH_ADDRESS" run --rm docker.io/library/busybox:latest "demo-ctr-$$" echo "hello from containerd's ctr, run by berth"
printf '\nberth is running. Try: berth events   (in another terminal), berth --help, berth-suite status|stop\n'
