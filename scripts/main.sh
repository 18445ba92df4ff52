#!/usr/bin/env bash
# The main job: build, then print a variant's IR at the block level and its
# parameter and multiply-add counts. Usage: scripts/main.sh [VARIANT]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec build/bin/effnetc --variant "${1:-b0}" --emit=blocks --stats
