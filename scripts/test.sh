#!/usr/bin/env bash
# Builds, then runs every test (lit + FileCheck, the torchvision oracle, unit
# tests) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec ctest --test-dir build --output-on-failure "$@"
