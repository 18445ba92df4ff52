#!/bin/sh
# Builds, here, what scripts/gpu-check.sh runs where a GPU is (#26: the
# device tool lends a machine with an NVIDIA GPU to some sessions, and our
# compiler is not installed there): CUDA libraries of B0 and B4 with
# torchvision's random-initialized, calibrated weights stored as halves
# (--fp16-weights: both archives fit the 64 MiB the device tool carries),
# and torchvision's logits for 32 images of hashed pixels
# (export_torchvision.py --rgb8 --hashed-pixels --fp16-weights: the same
# rounded weights, in float32 on this CPU).
#
# Usage: scripts/gpu-prepare.sh [DIR] (default build-gpu), after
# scripts/setup.sh. EFFNET_GPU_TARGET overrides the target
# (host-cuda-cuda_capability_80: PTX, which newer GPUs compile when loaded).
set -eu
cd "$(dirname "$0")/.."
out=${1:-build-gpu}
target=${EFFNET_GPU_TARGET:-host-cuda-cuda_capability_80}
mkdir -p "$out"
rm -f "$out"/b0.* "$out"/b4.* "$out/target"
for variant in b0 b4; do
  /usr/bin/python3 test/oracle/export_torchvision.py "$variant" \
    "$out/$variant.safetensors" --seed 11 --batch 32 --rgb8 --hashed-pixels \
    --fp16-weights --input "$out/$variant.pixels" --output "$out/$variant.ref"
  build/bin/effnetc --variant "$variant" --weights "$out/$variant.safetensors" \
    --fp16-weights --target "$target" -o "$out/$variant" --quiet
  rm "$out/$variant.safetensors" "$out/$variant.pixels"
done
printf '%s\n' "$target" > "$out/target"
du -sh "$out"
