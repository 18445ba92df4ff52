//===- ScheduleTargets.cpp - what a target offers a schedule --------------===//
//
// The facts effnet-tile's defaults branch on (vector width, vector registers,
// L2 cache) from a Halide target string. `host` is the string code
// generation compiles for on this machine, from the resolver the tools set
// (setHostTargetResolver): one detection of the host, Halide's.
//
//===----------------------------------------------------------------------===//

#include "models/Files.h"
#include "passes/Passes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::effnet;

namespace {

/// What "host" stands for (setHostTargetResolver).
llvm::Expected<std::string> (*hostTargetResolver)() = nullptr;

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The x86 vector extension a feature list names, best first.
void applyX86Features(ScheduleTarget &target, bool avx512, bool avx2, bool avx,
                      bool sse41) {
  // AVX-512: 16 floats a vector, 32 vector registers.
  if (avx512) {
    target.isa = "avx512";
    target.vectorLanes = 16;
    target.vectorRegisters = 32;
  } else if (avx2 || avx) {
    target.isa = avx2 ? "avx2" : "avx";
    target.vectorLanes = 8;
    target.vectorRegisters = 16;
  } else {
    target.isa = sse41 ? "sse41" : "sse2";
    target.vectorLanes = 4;
    target.vectorRegisters = 16;
  }
}

} // namespace

void mlir::effnet::setHostTargetResolver(
    llvm::Expected<std::string> (*resolver)()) {
  hostTargetResolver = resolver;
}

std::string ScheduleTarget::className() const {
  // A GPU's schedules do not depend on the host that launches them.
  if (gpu)
    return gpuApi;
  return arch + "-" + std::to_string(bits) + (isa.empty() ? "" : "-" + isa);
}

llvm::Expected<ScheduleTarget>
mlir::effnet::describeScheduleTarget(llvm::StringRef name) {
  SmallVector<StringRef> tokens;
  name.split(tokens, '-');
  ScheduleTarget target;
  // Every x86-64 since Haswell and every recent ARM core has at least
  // 256 KiB of L2 per core; a larger L2 is shared with the activations.
  target.l2Bytes = 256 * 1024;
  auto has = [&](StringRef feature) {
    return llvm::is_contained(tokens, feature);
  };
  auto hasPrefix = [&](StringRef prefix) {
    return llvm::any_of(tokens,
                        [&](StringRef t) { return t.starts_with(prefix); });
  };
  target.gpu = has("cuda") || has("opencl") || has("metal") || has("vulkan");
  if (has("metal") || has("vulkan"))
    return fail("target '" + name +
                "': GPU schedules are written for cuda and opencl only");
  target.gpuApi = has("cuda") ? "cuda" : has("opencl") ? "opencl" : "";
  target.gpuSharedBytes = has("cuda")     ? 48 * 1024
                          : has("opencl") ? 32 * 1024
                                          : 0;
  if (has("cuda") && has("opencl"))
    return fail("target '" + name + "' names two GPU APIs: give one");

  if (!tokens.empty() && tokens.front() == "host") {
    // This machine, as code generation compiles for it, and what follows
    // "host" (host-cuda).
    if (!hostTargetResolver)
      return fail("target 'host' is not known here: this program does not "
                  "detect the host (give a Halide target string such as "
                  "x86-64-linux-avx2)");
    llvm::Expected<std::string> host = hostTargetResolver();
    if (!host)
      return host.takeError();
    if (StringRef(*host).split('-').first == "host")
      return fail("the host resolver gave '" + *host +
                  "', not a Halide target string");
    return describeScheduleTarget(*host + name.drop_front(4).str());
  }

  if (tokens.size() < 2)
    return fail("unknown target '" + name +
                "': expected host or a Halide target string such as "
                "x86-64-linux-avx512");
  StringRef arch = tokens[0];
  unsigned bits = 0;
  if (tokens[1].getAsInteger(10, bits) || (bits != 32 && bits != 64))
    return fail("unknown target '" + name +
                "': expected ARCH-BITS-OS-FEATURES, bits 32 or 64");
  target.arch = arch.str();
  target.bits = bits;
  if (arch == "x86") {
    applyX86Features(target, hasPrefix("avx512"), has("avx2"), has("avx"),
                     has("sse41"));
    // 32-bit x86 has 8 vector registers.
    if (bits == 32)
      target.vectorRegisters = 8;
  } else if (arch == "arm") {
    // NEON: 128-bit vectors; 32 of them on AArch64, 16 on 32-bit ARM.
    target.isa = "neon";
    target.vectorLanes = 4;
    target.vectorRegisters = bits == 64 ? 32 : 16;
    if (bits == 64) {
      // The core AArch64 defaults are reasoned for: a Cortex-A76 /
      // Neoverse-N1 class core (Arm's software optimization guides): two
      // 128-bit FMA pipes (V0, V1) with 4 cycles of latency, two load
      // pipes, 4 instructions decoded a cycle; 64 KiB of L1 data and
      // 256 KiB to 1 MiB of L2 per core (the smallest counted).
      target.fmaPipes = 2;
      target.fmaLatency = 4;
      target.loadPipes = 2;
      target.decodeWidth = 4;
    }
  } else if (arch == "powerpc" || arch == "riscv" || arch == "wasm" ||
             arch == "hexagon") {
    // 128-bit vectors (VSX, RVV at its minimum, SIMD128) and 32 registers
    // on each, but without a measured reason to assume more: the generic
    // defaults.
    target.vectorLanes = 4;
    target.vectorRegisters = arch == "wasm" ? 16 : 32;
  } else {
    return fail("unknown target '" + name + "': unknown architecture '" + arch +
                "'");
  }
  return target;
}

