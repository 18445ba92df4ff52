#!/usr/bin/env bash
# The benchmark: for each variant (default b0, b3 and v2_s), the latency of
# the generated library beside ONNX Runtime's and PyTorch's, measured in this
# run on this machine, at batch 1 and 8, 1 and 2 threads: medians of many
# runs after warm-up (for effnet and ONNX Runtime, the median of three
# alternating rounds), as ratios (below 1: effnet is faster), and as a share
# of this machine's measured FMA peak. Then a per-layer time profile of the
# first variant (effnet-profile: Halide's profiler), printed and drawn to
# bench/profile-VARIANT.svg.
# ONNX Runtime comes from the npm registry (onnxruntime-node); PyTorch is
# Debian's, with OpenBLAS's threaded build (libopenblas0-pthread) and one BLAS
# thread, as a user would time it.
# With tuned schedules for this machine's schedule class in
# schedules/TUNED/VARIANT.schedules (effnet-tune; TUNED defaults to
# x86-64-avx512-epyc on a CPU with AVX-512 (F, BW, DQ, VL: the x86-64-avx512
# class), else x86-64-avx2-epyc; --tuned DIR names another folder), the
# library compiled with them is timed in the same rounds: column tuned_ms,
# and tuned/default.
# effnet_ms is the library for this machine (--target host); port_ms the
# default library (portable on x86-64: the best path this CPU has), in the
# same rounds, and port/def their ratio.
# With --phi P, only the library of B0's table scaled to phi P (effnetc
# --phi, random weights, --target host) is timed at batch 1 on 1 and 2
# threads: the latency effnet-tune --budget-ms prints for that phi.
# Usage: bench/run.sh [--runs N] [--tuned DIR] [VARIANT...]
#        bench/run.sh [--runs N] --phi P
#        bench/run.sh --compile-times [VARIANT...]   (default: every variant):
#        each compiled cold (--no-cache) and recompiled with other weights from
#        a warm kernel cache, for this machine and portable
set -euo pipefail
cd "$(dirname "$0")/.."
runs=100
compile_only=0
tuned=schedules/x86-64-avx2-epyc
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512bw /proc/cpuinfo &&
   grep -qw avx512dq /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo; then
  tuned=schedules/x86-64-avx512-epyc
fi
if [[ "${1:-}" == "--runs" ]]; then runs=$2; shift 2; fi
if [[ "${1:-}" == "--tuned" ]]; then tuned=$2; shift 2; fi
if [[ "${1:-}" == "--compile-times" ]]; then compile_only=1; shift; fi
if [[ "${1:-}" == "--phi" ]]; then
  phi=$2
  ./scripts/setup.sh
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  build/bin/effnetc --phi "$phi" --target host -o "$work/m" --quiet
  res=$(build/bin/effnetc --phi "$phi" --emit=stages 2>/dev/null |
        grep -o 'tensor<1x3x[0-9]*' | head -1 | sed 's/.*x//')
  cc -O2 -DMODEL=m -include "$work/m.h" bench/effnet_time.c "$work/m.a" \
    -o "$work/effnet_time" -lpthread -ldl -lm
  for round in 1 2 3; do "$work/effnet_time" "$runs" 1 1 2; done > "$work/times.txt"
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
  echo "effnet benchmark, $(date -u +%Y-%m-%d), $(nproc) cores: ${cpu:-unknown CPU}"
  for threads in 1 2; do
    ms=$(awk -v t="$threads" '$1 == t { print $2 }' "$work/times.txt" | sort -g |
         awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    echo "phi $phi: resolution $res, batch 1, $threads thread(s): $ms ms (median of 3 rounds of $runs calls)"
  done
  exit 0
fi
variants=("$@")
if ((compile_only)) && ((${#variants[@]} == 0)); then
  variants=(b0 b1 b2 b3 b4 b5 b6 b7 v2_s v2_m v2_l)
fi
((${#variants[@]})) || variants=(b0 b3 v2_s)
./scripts/setup.sh

if ((compile_only)); then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
  echo "effnetc compile times, $(date -u +%Y-%m-%d), $(nproc) cores: ${cpu:-unknown CPU} (random weights)"
  echo "cold: every kernel compiled (--no-cache); warm: recompiled with other weights"
  echo "(--random-weights 1..5) from a kernel cache the cold compile filled, median of 5"
  printf '%-6s %10s %10s %10s %10s\n' variant host-cold host-warm port-cold port-warm
  seconds() { local start; start=$(date +%s%N); "$@"; echo "$(($(date +%s%N) - start))e-9"; }
  for variant in "${variants[@]}"; do
    row=()
    for target in host portable; do
      rm -rf "$work/cache"
      row+=("$(seconds build/bin/effnetc --variant "$variant" --target "$target" -o "$work/m" --quiet --no-cache)")
      build/bin/effnetc --variant "$variant" --target "$target" -o "$work/m" --quiet --cache-dir "$work/cache"
      warm=()
      for seed in 1 2 3 4 5; do
        warm+=("$(seconds build/bin/effnetc --variant "$variant" --target "$target" --random-weights "$seed" -o "$work/m" --quiet --cache-dir "$work/cache")")
      done
      row+=("$(printf '%s\n' "${warm[@]}" | sort -g | sed -n 3p)")
    done
    printf '%-6s %8.2f s %8.2f s %8.2f s %8.2f s\n' "$variant" "${row[@]}"
    rm -f "$work/m.a" "$work/m.h"
  done
  exit 0
fi
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
missing=()
command -v npm > /dev/null && command -v node > /dev/null || missing+=(nodejs npm)
dpkg-query -W -f='${Status}' libopenblas0-pthread 2> /dev/null | grep -q "install ok installed" ||
  missing+=(libopenblas0-pthread)
if ((${#missing[@]})); then
  echo "bench: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" > /dev/null
fi
if [[ ! -d bench/node_modules/onnxruntime-node ]]; then
  echo "bench: installing onnxruntime-node from the npm registry" >&2
  (cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --silent)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
cc -O2 -march=native -ffp-contract=fast bench/fma_peak.c -o "$work/fma_peak" -lpthread
peaks=$("$work/fma_peak" 1 2)
peak1=$(awk '$1 == 1 { print $2 }' <<< "$peaks")
peak2=$(awk '$1 == 2 { print $2 }' <<< "$peaks")
echo "effnet benchmark, $(date -u +%Y-%m-%d), $(nproc) cores: ${cpu:-unknown CPU}"
echo "measured FMA peak: $peak1 GFLOP/s on 1 thread, $peak2 on 2"
printf '%-6s %4s %5s %7s %7s | %9s %9s %9s %9s %9s | %7s %8s %8s %8s %8s | %6s %6s\n' variant res batch \
  compile threads effnet_ms tuned_ms port_ms ort_ms torch_ms vs_ort vs_torch tuned/ort tuned/def port/def peak% ort%
median() { awk -v t="$2" '$1 == t { print $2 }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for variant in "${variants[@]}"; do
  dir="$work/$variant"
  mkdir -p "$dir"
  res=$(build/bin/effnetc --variant "$variant" --emit=stages 2>/dev/null |
        grep -o 'tensor<1x3x[0-9]*' | head -1 | sed 's/.*x//')
  macs=$(build/bin/effnetc --variant "$variant" --stats 2>/dev/null | awk '/^macs:/ { print $2 }')
  /usr/bin/python3 test/oracle/export_torchvision.py "$variant" "$dir/w.safetensors" \
    --seed 1 --onnx "$dir/model.onnx" 2>/dev/null
  start=$(date +%s%N)
  # This machine's own code (host), as the other systems get theirs.
  build/bin/effnetc --variant "$variant" --weights "$dir/w.safetensors" --target host -o "$dir/m" --quiet
  compile_ms=$((($(date +%s%N) - start) / 1000000))
  cc -O2 -DMODEL=m -include "$dir/m.h" bench/effnet_time.c "$dir/m.a" \
    -o "$dir/effnet_time" -lpthread -ldl -lm
  # The default library (portable on x86-64: the best of its paths this CPU
  # has), against this machine's own.
  build/bin/effnetc --variant "$variant" --weights "$dir/w.safetensors" -o "$dir/d" --quiet
  cc -O2 -DMODEL=d -include "$dir/d.h" bench/effnet_time.c "$dir/d.a" \
    -o "$dir/portable_time" -lpthread -ldl -lm
  # Tuned schedules, when the folder has them for this variant; effnetc's
  # warnings say when entries do not apply to this machine's class.
  have_tuned=0
  if [[ -f "$tuned/$variant.schedules" ]]; then
    build/bin/effnetc --variant "$variant" --weights "$dir/w.safetensors" \
      --target host --schedules "$tuned/$variant.schedules" -o "$dir/t" --quiet
    cc -O2 -DMODEL=t -include "$dir/t.h" bench/effnet_time.c "$dir/t.a" \
      -o "$dir/tuned_time" -lpthread -ldl -lm
    have_tuned=1
  fi
  for batch in 1 8; do
    n=$((runs / batch > 10 ? runs / batch : 10))
    rm -f "$dir/effnet.txt" "$dir/tuned.txt" "$dir/portable.txt" "$dir/ort.txt"
    # The machine is shared: three rounds, effnet (default and tuned) and
    # ONNX Runtime alternating, and the median of the rounds' medians.
    for round in 1 2 3; do
      "$dir/effnet_time" "$n" "$batch" 1 2 >> "$dir/effnet.txt"
      ((have_tuned)) && "$dir/tuned_time" "$n" "$batch" 1 2 >> "$dir/tuned.txt"
      "$dir/portable_time" "$n" "$batch" 1 2 >> "$dir/portable.txt"
      node bench/ort_time.js "$dir/model.onnx" "$res" "$batch" "$n" 1 2 >> "$dir/ort.txt"
    done
    /usr/bin/python3 bench/torch_time.py "$variant" "$res" "$batch" "$((n / 4 + 5))" 1 2 > "$dir/torch.txt"
    for threads in 1 2; do
      ours=$(median "$dir/effnet.txt" "$threads")
      tuned_ms=0
      ((have_tuned)) && tuned_ms=$(median "$dir/tuned.txt" "$threads")
      port=$(median "$dir/portable.txt" "$threads")
      ort=$(median "$dir/ort.txt" "$threads")
      torch=$(median "$dir/torch.txt" "$threads")
      peak=$([[ $threads == 1 ]] && echo "$peak1" || echo "$peak2")
      awk -v v="$variant" -v r="$res" -v b="$batch" -v c="$compile_ms" -v t="$threads" \
          -v a="$ours" -v u="$tuned_ms" -v d="$port" -v o="$ort" -v p="$torch" -v m="$macs" -v k="$peak" 'BEGIN {
        flops = 2 * m * b / 1e9
        tuned = u > 0 ? sprintf("%9.2f", u) : sprintf("%9s", "-")
        vs = u > 0 ? sprintf("%7.2fx %7.2fx", u / o, u / a) : sprintf("%8s %8s", "-", "-")
        printf "%-6s %4d %5d %5.1f s %7d | %9.2f %s %9.2f %9.2f %9.2f | %6.2fx %7.2fx %s %7.2fx | %5.1f%% %5.1f%%\n",
               v, r, b, c / 1000, t, a, tuned, d, o, p, a / o, a / p, vs, d / a,
               100 * flops / (a / 1e3) / k, 100 * flops / (o / 1e3) / k }'
    done
  done
done

# Where the time goes: the first variant profiled by effnet-profile (the
# tool users run: Halide's profiler, each kernel's time per call given to
# the steps that call it), two threads, batch 1: the 15 longest steps
# printed, every step drawn.
variant=${variants[0]}
dir="$work/$variant"
echo
echo "per-layer profile of $variant, 2 threads (bench/profile-$variant.svg):"
build/bin/effnet-profile --variant "$variant" --weights "$dir/w.safetensors" \
  --threads 2 --batch 1 --peak-gflops "$peak2" --sort time --top 15 \
  --svg "bench/profile-$variant.svg" \
  --title "effnet $variant, batch 1, 2 threads, $(date -u +%Y-%m-%d), ${cpu:-unknown CPU}"
