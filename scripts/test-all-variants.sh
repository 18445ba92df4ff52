#!/usr/bin/env bash
# Every variant, B0-B7 and V2-S/M/L, at its paper resolution: torchvision's
# model with seeded random weights is exported as safetensors, compiled by
# effnetc, run through a plain C program for batch 3 and batch 1, and compared
# with torchvision's logits (max |ours - ref| / max |ref| <= 1e-4). Also
# prints each variant's compile time. Takes a while (B7 at 600x600 is large).
# Usage: scripts/test-all-variants.sh [VARIANT...]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
variants=("$@")
((${#variants[@]})) || variants=(b0 b1 b2 b3 b4 b5 b6 b7 v2_s v2_m v2_l)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1
failed=0
for variant in "${variants[@]}"; do
  dir="$work/$variant"
  mkdir -p "$dir"
  /usr/bin/python3 test/oracle/export_torchvision.py "$variant" "$dir/w.safetensors" \
    --seed 7 --batch 3 --input "$dir/in3.bin" --output "$dir/ref3.bin"
  start=$(date +%s%N)
  build/bin/effnetc --variant "$variant" --weights "$dir/w.safetensors" -o "$dir/lib/m" --quiet
  ms=$((($(date +%s%N) - start) / 1000000))
  cc -O2 -DMODEL=m -include "$dir/lib/m.h" test/e2e/Inputs/harness.c "$dir/lib/m.a" \
    -o "$dir/harness" -lpthread -ldl -lm
  "$dir/harness" 3 "$dir/in3.bin" "$dir/out3.bin"
  bytes_in=$(($(stat -c %s "$dir/in3.bin") / 3))
  bytes_out=$(($(stat -c %s "$dir/ref3.bin") / 3))
  head -c "$bytes_in" "$dir/in3.bin" > "$dir/in1.bin"
  head -c "$bytes_out" "$dir/ref3.bin" > "$dir/ref1.bin"
  "$dir/harness" 1 "$dir/in1.bin" "$dir/out1.bin"
  for batch in 3 1; do
    if result=$(/usr/bin/python3 test/oracle/compare.py "$dir/ref$batch.bin" "$dir/out$batch.bin"); then
      echo "$variant batch $batch: PASS $result (compiled in ${ms} ms)"
    else
      echo "$variant batch $batch: FAIL $result"
      failed=$((failed + 1))
    fi
  done
  rm -rf "$dir"
done
echo "$(( ${#variants[@]} * 2 - failed )) passed, $failed failed"
((failed == 0))
