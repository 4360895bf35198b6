#!/usr/bin/env bash
# Runs the benchmarks (all, or the ones named) and rewrites BENCHMARKS.md. Root only.
# Not part of the test suite: scripts/test.sh never calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p . >/dev/null || true   # emits even if an unrelated file has a type error
exec node dist/bench/run-all.js "$@"
