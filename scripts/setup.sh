#!/usr/bin/env bash
# Installs what conet needs on Debian 12 (as root) and builds it. Idempotent: skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ip >/dev/null || need+=(iproute2)
command -v nft >/dev/null || need+=(nftables)
command -v conntrack >/dev/null || need+=(conntrack)  # flushes tracked flows of removed ports and containers
command -v nsenter >/dev/null || need+=(util-linux)
command -v curl >/dev/null || need+=(curl)  # also bin/conet-cni, the CNI forwarder to conetd (--url-query: curl 7.87+)
command -v jq >/dev/null || need+=(jq)  # bin/conet-cni reads a configuration's conetHost
command -v sysctl >/dev/null || need+=(procps)  # tests set per-namespace sysctls
command -v mount >/dev/null || need+=(mount)  # overlay roots of containers
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)  # static: it is copied into images
# Docker's own default seccomp profile (profiles/seccomp/default.json, 20.10), which containers run under.
dpkg -s golang-github-docker-docker-dev >/dev/null 2>&1 || need+=(golang-github-docker-docker-dev)
command -v runc >/dev/null || need+=(runc)
command -v conmon >/dev/null || need+=(conmon)
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
command -v cc >/dev/null || need+=(gcc)  # npm run build compiles native/netns-sockets.c (the resolver's socket helper)
[ -x /usr/bin/python3 ] || need+=(python3)  # node-gyp; docker cp chroots its busybox tar with /usr/bin/python3 (fexecve)
# bsdtar unpacks untrusted archives chrooted (--chroot); setfattr marks opaque overlay directories.
command -v bsdtar >/dev/null || need+=(libarchive-tools)
command -v setfattr >/dev/null || need+=(attr)
# socat relays stdin to conmon's SOCK_SEQPACKET attach socket; script (bsdutils) gives runc exec -t a terminal.
command -v socat >/dev/null || need+=(socat)
command -v script >/dev/null || need+=(bsdutils)
# tini-static is --init's PID 1 (Docker's docker-init), bind-mounted into the container.
[ -x /usr/bin/tini-static ] || need+=(tini)
# etcd is the cluster store of overlay networks; the tests start their own servers in namespaces.
command -v etcd >/dev/null || need+=(etcd-server)
command -v openssl >/dev/null || need+=(openssl)  # the TLS test's throwaway CA
command -v dnsperf >/dev/null || need+=(dnsperf)  # the embedded resolver's flood test (test/e2e/dns-attack.test.ts)
# Registry tests (issue 11): skopeo copies stand-in images into a test registry (and pulls),
# umoci builds those images as OCI layouts, docker-registry is the registry the tests start in a
# namespace, and htpasswd (apache2-utils) makes the bcrypt lines of its basic auth.
command -v skopeo >/dev/null || need+=(skopeo)
command -v umoci >/dev/null || need+=(umoci)
command -v zstd >/dev/null || need+=(zstd)  # unpacks pulled zstd-compressed layers (and saves them as tars)
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
command -v htpasswd >/dev/null || need+=(apache2-utils)
# compose v1 (docker-py 5.0.3) is the client of issue 12's compose acceptance test (test/e2e/compose.test.ts).
command -v docker-compose >/dev/null || need+=(docker-compose)
# chromium is the real browser the topology view's e2e test and benchmark drive (playwright-core).
command -v chromium >/dev/null || need+=(chromium)
# shellcheck source=scripts/lib/apt.sh
. scripts/lib/apt.sh
apt_install setup "${need[@]}"

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required (Debian: apt-get install nodejs from a Node 20 source)" >&2
  exit 1
fi

# npm ci only when the lock file changed since the last install.
stamp=node_modules/.conet-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
npm run --silent build
