#!/usr/bin/env bash
# Random schedules for every kind of group (stem, expansion, depthwise with a
# fused expansion, squeeze-excite pool and scale, projection, Winograd, head,
# dense), for the AVX-512, AVX2, SSE4.1 and NEON classes: each must be
# refused by the verifier or compute the default schedule's answer
# (test/schedule-fuzz/ScheduleFuzz.cpp). NEON kernels are compiled for
# arm-64-linux and run under qemu-aarch64; AVX-512 kernels run as AVX2 code
# on a machine without AVX-512 (the schedules are the AVX-512 class's).
# Usage: scripts/fuzz-schedules.sh [--draws N] [--seconds S] [--seeds "A B"]
#                                  [--classes "avx512 avx2 sse41 neon"]
#                                  [--work DIR] [--bin DIR]
#   --draws: schedules per seed, model and class (default 200);
#   --seconds: at most this long per seed, model and class (default: none);
#   --seeds: the seeds (default: one drawn from the clock, printed).
# A campaign: scripts/fuzz-schedules.sh --draws 700 (5,600 schedules).
# Exits 1 when a schedule is accepted and wrong; the findings are schedule
# file lines in WORK/CLASS-MODEL/findings.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
draws=200 seconds=0 seeds="" classes="avx512 avx2 sse41 neon"
work=$(mktemp -d /tmp/effnet-fuzz-schedules.XXXXXX) bin=$here/build/bin
while (($#)); do
  case "$1" in
    --draws) draws=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --classes) classes=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    *) echo "fuzz-schedules: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $seeds ]] || seeds=$(date +%s)
mkdir -p "$work"
echo "fuzz-schedules: seeds $seeds, in $work"

# Small models with odd extents, so that tiles leave tails: B0 at 36 with
# its expansions fused into the depthwise convolutions (18, 9, 5, 3 and 2
# pixels a row), V2-S at 44 (Winograd's stages).
models=(b0 v2)
model_options() {
  case "$1" in
    b0) echo "--variant b0 --resolution 36 --num-classes 5" ;;
    v2) echo "--variant v2_s --resolution 44 --num-classes 4" ;;
  esac
}
fuse="effnet-fuse{expand-min-bytes=0 expand-max-in-channels=1000000 expand-strided-only=false}"

has_flag() { grep -qw "$1" /proc/cpuinfo; }
status=0
for class in $classes; do
  cc=cc runner=""
  case "$class" in
    avx512) tile=x86-64-linux-avx512
            if has_flag avx512f; then target=$tile; else target=x86-64-linux-avx2-fma
              echo "fuzz-schedules: no AVX-512 here: the avx512 class's schedules run as AVX2 code"; fi ;;
    avx2) tile=x86-64-linux-avx2-fma target=$tile ;;
    sse41) tile=x86-64-linux-sse41 target=$tile ;;
    neon) tile=arm-64-linux target=$tile cc=aarch64-linux-gnu-gcc
          runner="qemu-aarch64 -L /usr/aarch64-linux-gnu" ;;
    *) echo "fuzz-schedules: unknown class $class" >&2; exit 2 ;;
  esac
  for model in "${models[@]}"; do
    dir=$work/$class-$model
    mkdir -p "$dir"
    "$bin/effnetc" $(model_options "$model") --random-weights 3 --emit=primitives --quiet > "$dir/p.mlir"
    "$bin/effnet-opt" "$dir/p.mlir" "--pass-pipeline=builtin.module(effnet-bind-weights{random=3},func.func(effnet-fold-batchnorm),canonicalize,func.func($fuse),effnet-tile{target=$tile})" -o "$dir/tiled.mlir"
    for seed in $seeds; do
      if ! "$bin/effnet-schedule-fuzz" --input "$dir/tiled.mlir" --target "$target" \
          --cc "$cc" --runner "$runner" --work "$dir" --seed "$seed" \
          --draws "$draws" --seconds "$seconds" | sed "s/^/$class $model: /"; then
        status=1
      fi
    done
  done
done
exit $status
