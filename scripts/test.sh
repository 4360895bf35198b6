#!/usr/bin/env bash
# The whole test suite: set-up, unit tests, privileged kernel and end-to-end tests (each in
# throwaway network namespaces), then a leak check. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
if [ "$(id -u)" -ne 0 ]; then
  echo "test: the kernel and end-to-end tests need root (network namespaces)" >&2
  exit 1
fi

baseline=$(mktemp)
node dist/test/leak-check.js snapshot >"$baseline" || exit 1

status=0
# Layering, function length and the generated folder graph (docs/architecture.md).
bash scripts/check-architecture.sh || status=1
node --test --test-concurrency="${CONET_TEST_CONCURRENCY:-1}" dist/src/ dist/test/kernel/ dist/test/e2e/ || status=1

# Quiet on success, so the runner's summary stays the last lines.
node dist/test/leak-check.js compare "$baseline" || status=1
rm -f "$baseline"
exit "$status"
