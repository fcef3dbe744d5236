#!/usr/bin/env bash
# Installs the Debian 12 packages berth needs to build, run and test it. Idempotent:
# does nothing (and needs no network) when every package is already there; otherwise
# runs `apt-get update` once and installs only the missing ones. Run as root.
# Does not start containerd: it is here for `ctr` (our external client) and as the
# benchmark anchor, and must not hold /run/containerd while tests run.
set -euo pipefail

PACKAGES=(
  nats-server       # event bus (JetStream)
  containerd        # ctr, and the benchmark anchor
  runc              # default OCI runtime
  crun              # alternative OCI runtime (berth run --runtime crun)
  tini              # init for `berth run --init` (tini-static)
  protobuf-compiler # protoc for proto/ codegen
  libprotobuf-dev   # well-known .proto types (google/protobuf/*.proto)
  openssl
  iproute2
  iptables
  busybox-static    # rootfs for test images
  ca-certificates
  curl
  build-essential   # native/ (berth-monitor, addon)
  docker-registry   # distribution 2.8: local registry for pull/push system tests
  apache2-utils     # htpasswd -B for the test registry's auth
  skopeo            # reads/writes docker-archive and OCI archives in the import/export tests
)
NODE_MAJOR_MIN=20

die() {
  echo "install-deps: error: $*" >&2
  exit 1
}

command -v dpkg-query >/dev/null && command -v apt-get >/dev/null ||
  die "this script needs Debian 12 (apt-get, dpkg-query); install by hand: ${PACKAGES[*]}"

installed() { [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]; }

missing=()
for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done

if ((${#missing[@]})); then
  [[ $(id -u) -eq 0 ]] || die "missing packages (${missing[*]}); run this script as root"
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp /tmp/berth-install-deps.XXXXXX)
  # Keep package scripts from starting daemons (containerd, nats-server) while we install.
  policy=/usr/sbin/policy-rc.d
  own_policy=
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  fi
  cleanup() { [[ -n $own_policy ]] && rm -f "$policy"; rm -f "$log"; }
  trap cleanup EXIT
  apt-get update -qq >"$log" 2>&1 ||
    { cat "$log" >&2; die "apt-get update failed (see above)"; }
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 ||
    { tail -n 40 "$log" >&2; die "apt-get install ${missing[*]} failed (see above)"; }
  for p in "${missing[@]}"; do installed "$p" || die "package $p is still not installed after apt-get install"; done
fi

# The binaries the project calls, checked by name so a broken install is caught here, not in a test.
for bin in nats-server ctr runc protoc openssl ip iptables busybox curl cc make; do
  PATH="$PATH:/usr/sbin:/sbin" command -v "$bin" >/dev/null || die "$bin not found after installing its package"
done

# Node is not a Debian package here (bookworm ships 18); it must already be on the machine.
command -v node >/dev/null || die "node (>= $NODE_MAJOR_MIN) not found on PATH"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= NODE_MAJOR_MIN)) || die "node $(node -v) is too old; berth needs node >= $NODE_MAJOR_MIN"

echo "install-deps: ok (${#PACKAGES[@]} packages, node $(node -v))"
