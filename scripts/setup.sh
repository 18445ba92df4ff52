#!/usr/bin/env bash
# Installs the Debian packages the project needs (only those missing; silent
# when none is), then configures and builds into build/. Safe to run again.
# Usage: scripts/setup.sh [--sanitize]
#   --sanitize: build with clang, ASan + UBSan and the libFuzzer harnesses into
#               build-sanitize/ instead.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools
  libhalide14-0-dev libfmt-dev libgtest-dev
  # The example app reads PNG files with libpng.
  libpng-dev
  # The numerical oracle of the tests: torchvision 0.14 in Debian's python.
  python3 python3-torch python3-torchvision
  # The schedule fuzzer's NEON draws and test/e2e/arm.test: linked for
  # AArch64, run under qemu.
  qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  # test/e2e/arm.test: libraries for 32-bit ARM, linked and run under qemu-arm.
  gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
  # The sanitizer build and the fuzz harnesses (libFuzzer).
  clang-19 libclang-rt-19-dev
  # The tuner's shards as a Slurm job array on a one-node cluster
  # (scripts/slurm-local.sh, test/e2e/tune-slurm.test).
  slurmctld slurmd slurm-client munge
  # test/tools/package.test builds apps the way a Makefile would, with the
  # NAME.pc that effnetc writes.
  pkgconf
  # test/e2e/gpu.test runs OpenCL libraries on POCL (OpenCL on the CPU);
  # Halide's runtime loads the unversioned libOpenCL.so of the -dev package.
  pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

build=build
options=(-DCMAKE_BUILD_TYPE=Release)
if [[ "${1:-}" == "--sanitize" ]]; then
  build=build-sanitize
  # Optimized, so that the test suite runs in minutes, with frame pointers
  # and line tables for readable reports.
  options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19
    -DEFFNET_SANITIZE=ON -DEFFNET_FUZZ=ON)
  # The build runs the sanitized effnetc (the example's and the fuzz
  # harness's models): the same options as the tests (scripts/test.sh).
  source scripts/sanitizer-env.sh
fi
if [[ ! -f $build/build.ninja ]]; then
  cmake -G Ninja -S . -B "$build" "${options[@]}" >/dev/null
fi
ninja -C "$build" --quiet
