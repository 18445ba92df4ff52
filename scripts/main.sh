#!/usr/bin/env bash
# The main job: build the compiler, which compiles EfficientNet-B0 into a
# static library at build time (examples/CMakeLists.txt), link the example app
# against it, and classify a sample image, printing the top-5 and the latency.
# Usage: scripts/main.sh [IMAGE.{ppm,png}]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
build/bin/effnetc --variant b0 --stats
exec build/bin/classify "${1:-examples/classify/sample.ppm}"
