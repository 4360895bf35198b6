#!/usr/bin/env bash
# Runs the benchmarks (all, or the ones named) and rewrites BENCHMARKS.md. Root only.
# Not part of the test suite: scripts/test.sh never calls this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tools only the benchmarks need (scripts/setup.sh installs what conet and its tests need).
# iperf3 measures overlay-throughput; its package offers a service, which must not start here.
need=()
command -v iperf3 >/dev/null || need+=(iperf3)
# shellcheck source=scripts/lib/apt.sh
. scripts/lib/apt.sh
apt_install bench "${need[@]}"

npx tsc -p . >/dev/null || true   # emits even if an unrelated file has a type error
exec node dist/bench/run-all.js "$@"
