#!/usr/bin/env bash
# The benchmark: for each variant (default b0), the compile time of effnetc
# and the batch-1 latency of the generated library beside ONNX Runtime's and
# PyTorch's, measured in this run on this machine, 1 and 2 threads, medians of
# many runs after warm-up (for effnet and ONNX Runtime, the median of three
# alternating rounds), as ratios (below 1: effnet is faster).
# ONNX Runtime comes from the npm registry (onnxruntime-node).
# Usage: bench/run.sh [--runs N] [VARIANT...]
#        bench/run.sh --compile-times [VARIANT...]   (default: every variant)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=100
compile_only=0
if [[ "${1:-}" == "--runs" ]]; then runs=$2; shift 2; fi
if [[ "${1:-}" == "--compile-times" ]]; then compile_only=1; shift; fi
variants=("$@")
if ((compile_only)) && ((${#variants[@]} == 0)); then
  variants=(b0 b1 b2 b3 b4 b5 b6 b7 v2_s v2_m v2_l)
fi
((${#variants[@]})) || variants=(b0)
./scripts/setup.sh

if ((compile_only)); then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "effnetc compile times, $(date -u +%Y-%m-%d), $(nproc) cores (random weights, host target)"
  for variant in "${variants[@]}"; do
    start=$(date +%s%N)
    build/bin/effnetc --variant "$variant" -o "$work/m" --quiet
    printf '%-6s %6.1f s\n' "$variant" "$(($(date +%s%N) - start))e-9"
    rm -f "$work/m.a" "$work/m.h"
  done
  exit 0
fi
if ! command -v npm > /dev/null || ! command -v node > /dev/null; then
  echo "bench: installing Debian's nodejs and npm" >&2
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq nodejs npm > /dev/null
fi
if [[ ! -d bench/node_modules/onnxruntime-node ]]; then
  echo "bench: installing onnxruntime-node from the npm registry" >&2
  (cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --silent)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo "effnet benchmark, $(date -u +%Y-%m-%d), $(nproc) cores: ${cpu:-unknown CPU}"
printf '%-6s %5s %9s %7s | %10s %10s %10s | %9s %9s\n' variant res compile threads \
  effnet_ms ort_ms torch_ms vs_ort vs_torch
for variant in "${variants[@]}"; do
  dir="$work/$variant"
  mkdir -p "$dir"
  res=$(build/bin/effnetc --variant "$variant" --emit=stages 2>/dev/null |
        grep -o 'tensor<1x3x[0-9]*' | head -1 | sed 's/.*x//')
  /usr/bin/python3 test/oracle/export_torchvision.py "$variant" "$dir/w.safetensors" \
    --seed 1 --onnx "$dir/model.onnx" 2>/dev/null
  start=$(date +%s%N)
  build/bin/effnetc --variant "$variant" --weights "$dir/w.safetensors" -o "$dir/m" --quiet
  compile_ms=$((($(date +%s%N) - start) / 1000000))
  cc -O2 -DMODEL=m -include "$dir/m.h" bench/effnet_time.c "$dir/m.a" \
    -o "$dir/effnet_time" -lpthread -ldl -lm
  # The machine is shared: three rounds, effnet and ONNX Runtime alternating,
  # and the median of the rounds' medians.
  for round in 1 2 3; do
    "$dir/effnet_time" "$runs" 1 2 >> "$dir/effnet.txt"
    node bench/ort_time.js "$dir/model.onnx" "$res" "$runs" 1 2 >> "$dir/ort.txt"
  done
  /usr/bin/python3 bench/torch_time.py "$variant" "$res" "$((runs / 4 + 5))" 1 2 > "$dir/torch.txt"
  median() { awk -v t="$2" '$1 == t { print $2 }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
  for threads in 1 2; do
    ours=$(median "$dir/effnet.txt" "$threads")
    ort=$(median "$dir/ort.txt" "$threads")
    torch=$(median "$dir/torch.txt" "$threads")
    awk -v v="$variant" -v r="$res" -v c="$compile_ms" -v t="$threads" \
        -v a="$ours" -v o="$ort" -v p="$torch" 'BEGIN {
      printf "%-6s %5d %7.1f s %7d | %10.2f %10.2f %10.2f | %8.2fx %8.2fx\n",
             v, r, c / 1000, t, a, o, p, a / o, a / p }'
  done
  rm -rf "$dir"
done
