#!/usr/bin/env bash
# Builds, then runs every test (lit + FileCheck, the torchvision oracle, unit
# tests) through ctest.
# Usage: scripts/test.sh [--sanitize] [ctest options]
#   --sanitize: the same suite against the ASan + UBSan build (build-sanitize/);
#               any report fails the test that caused it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--sanitize" ]]; then
  shift
  ./scripts/setup.sh --sanitize
  source scripts/sanitizer-env.sh
  exec ctest --test-dir build-sanitize --output-on-failure "$@"
fi
./scripts/setup.sh
exec ctest --test-dir build --output-on-failure "$@"
