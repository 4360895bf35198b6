#!/usr/bin/env bash
# Quick start: install what is missing, build, and run the daemon in the foreground on its
# embedded defaults (socket unix:///run/conet/docker.sock). Extra arguments go to `conet daemon`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node bin/conet daemon "$@"
