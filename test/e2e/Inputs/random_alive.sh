#!/usr/bin/env bash
# For each variant given: a library with random weights at RES, run on
# IMAGES (3 images: a black one and two of random pixels), and how far apart
# its logits are (logit_spread.py: at least LEAST of their range per pair).
# Usage: random_alive.sh BUILD_BIN WORK RES LEAST IMAGES VARIANT...
set -euo pipefail
bin=$1 work=$2 res=$3 least=$4 images=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
for variant in "$@"; do
  dir=$work/$variant
  mkdir -p "$dir"
  "$bin/effnetc" --target host --variant "$variant" --resolution "$res" \
    --random-weights 1 -o "$dir/m" --quiet
  cc -O2 -DMODEL=m -include "$dir/m.h" "$here/harness.c" "$dir/m.a" \
    -o "$dir/run" -lpthread -ldl -lm
  "$dir/run" 3 "$images" "$dir/out.bin"
  echo "$variant: $(${PYTHON:-python3} "$here/logit_spread.py" spread 1000 "$dir/out.bin" "$least" | tr '\n' ' ')"
  # The libraries take 3 GB together (V2-L's alone 0.9 GB): keep the logits.
  rm -f "$dir/m.a" "$dir/run"
done
