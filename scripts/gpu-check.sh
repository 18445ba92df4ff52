#!/bin/sh
# Runs, where an NVIDIA GPU is, the CUDA libraries scripts/gpu-prepare.sh
# built: B0 and B4 at batch 1 and 32, each checked against torchvision's
# logits (within 1e-3) and timed (bench/gpu_check.c: median of 20 calls
# after 3 warm-up calls), with the GPU's name and the date. Needs a C
# compiler and the NVIDIA driver; nothing of ours installed.
#
# Usage: scripts/gpu-check.sh [DIR] (default build-gpu). Through the device
# tool: run scripts/gpu-check.sh, carrying build-gpu.
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build-gpu}
echo "date: $(date -u +%Y-%m-%d)"
echo "target: $(cat "$dir/target")"
if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
else
  echo "nvidia-smi: not found"
fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
status=0
for variant in b0 b4; do
  cc -O2 -DMODEL="$variant" -include "$dir/$variant.h" bench/gpu_check.c \
    "$dir/$variant.a" -o "$bin/check-$variant" -lpthread -ldl -lm
  for batch in 1 32; do
    "$bin/check-$variant" "$dir/$variant.ref" "$batch" 20 || status=1
  done
done
exit $status
