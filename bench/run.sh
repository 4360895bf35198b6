#!/usr/bin/env bash
# Runs the benchmarks (all, or the ones named) and rewrites BENCHMARKS.md. Root only.
# Not part of the test suite: scripts/test.sh never calls this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tools only the benchmarks need (scripts/setup.sh installs what conet and its tests need). Their
# packages offer services (dockerd, containerd, etcd, iperf3), which must not start here:
# apt_install denies service starts; the benchmarks start dockerd only in their own namespace.
#   docker.io                   Docker 20.10, the side-by-side reference (run-vs-docker, run-volumes, stats, restart, memory, overlay)
#   containernetworking-plugins the CNI bridge/portmap rows (network-setup, network-teardown)
#   netavark                    the netavark rows (network-setup, network-teardown)
#   etcd-server                 Docker's --cluster-store and conet's cluster mode (overlay-throughput)
#   iperf3                      throughput (overlay-throughput)
# Only what the chosen benchmarks use (all of them when none is named).
names=()
for arg in "$@"; do [[ "$arg" == --* ]] || names+=("$arg"); done
# wants NAME...: true when none is named, or one of these is.
wants() { [ "${#names[@]}" -eq 0 ] && return 0; local name; for name; do [[ " ${names[*]} " == *" $name "* ]] && return 0; done; return 1; }
need=()
{ [ -x /usr/sbin/dockerd ] && [ -x /usr/bin/containerd ]; } || need+=(docker.io)
if wants network-setup network-teardown; then
  [ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
  [ -x /usr/lib/podman/netavark ] || need+=(netavark)
fi
if wants overlay-throughput; then
  command -v etcd >/dev/null || need+=(etcd-server)
  command -v iperf3 >/dev/null || need+=(iperf3)
fi
[[ " $* " == *" --report-only "* ]] && need=()   # measures nothing
# shellcheck source=scripts/lib/apt.sh
. scripts/lib/apt.sh
apt_install bench "${need[@]}"

npx tsc -p . >/dev/null || true   # emits even if an unrelated file has a type error
exec node dist/bench/run-all.js "$@"
