#!/usr/bin/env bash
# Builds a busybox image as a `docker save` archive from Debian's busybox-static,
# so a new machine (and the tests) have an image without any registry:
#
#   deploy/make-busybox-image.sh OUT.tar [TAG]     (TAG default busybox:latest)
#
# Prints the layer's diffID (sha256 of the uncompressed layer tar) on stdout.
# Load it with `ctr --address /run/berth/berth.sock images import OUT.tar`.
set -euo pipefail
out=$1
tag=${2:-busybox:latest}
busybox=${BUSYBOX:-/bin/busybox}
[[ -x $busybox ]] || { echo "make-busybox-image: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{bin,etc,root} "$work/img"
install -d -m 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in sh echo ls cat true false env sleep id wget httpd ping ip ps top hostname \
  wc tty pwd stty mkdir rm touch grep head tail sed printf kill nc seq yes date uname dd test \
  expr find tr cut sort uniq stat ln cp mv chmod chown whoami nslookup ifconfig route netstat \
  timeout nproc base64 sha256sum md5sum mount df du dirname basename readlink xargs tee vi; do
  ln -s busybox "$root/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
# Fixed owner and mtime so the same busybox always gives the same layer digest.
tar -C "$root" --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -cf "$work/layer.tar" .
layer=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
mkdir "$work/img/$layer"
mv "$work/layer.tar" "$work/img/$layer/layer.tar"
config=$(printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"],"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"deploy/make-busybox-image.sh"}]}' "$layer")
cfg=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
printf '%s' "$config" >"$work/img/$cfg.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$cfg" "$tag" "$layer" >"$work/img/manifest.json"
tar -C "$work/img" -cf "$out" .
echo "sha256:$layer"
