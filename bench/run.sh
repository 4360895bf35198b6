#!/usr/bin/env bash
# Runs the benchmarks (all, or the ones named) and rewrites BENCHMARKS.md. Root only.
# Not part of the test suite: scripts/test.sh never calls this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tools only the benchmarks need (scripts/setup.sh installs what conet and its tests need).
# iperf3 measures overlay-throughput; its package offers a service, which must not start here.
need=()
command -v iperf3 >/dev/null || need+=(iperf3)
if [ "${#need[@]}" -gt 0 ]; then
  echo "bench: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
  fi
  trap '[ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
  trap - EXIT
fi

npx tsc -p . >/dev/null || true   # emits even if an unrelated file has a type error
exec node dist/bench/run-all.js "$@"
