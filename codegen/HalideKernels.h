//===- HalideKernels.h - kernels compiled by Halide -------------*- C++ -*-===//
//
// The door to Halide: everything here takes and returns plain C++ and
// llvm::Error; Halide's types and exceptions stay inside HalideKernels.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_HALIDEKERNELS_H
#define EFFNET_CODEGEN_HALIDEKERNELS_H

#include "codegen/Kernel.h"

#include "llvm/Support/Error.h"

#include <string>

namespace mlir {
namespace effnet {
namespace codegen {

/// A Halide target, resolved.
struct TargetDescription {
  /// Halide's canonical string, "x86-64-linux-avx2-fma-..."
  std::string halide;
  /// The LLVM triple for the objects effnetc writes itself.
  std::string triple;
  /// The CPU features its code may use, bits 1 << enum effnet_cpu_feature
  /// (runtime/Runtime.h): what the target names and what the CPU model
  /// Halide gives LLVM for it implies. A library checks them at its first
  /// call.
  uint64_t cpuFeatures = 0;
};

/// Halide's library as the kernel cache tells compilers apart: its file,
/// size and modification time (an upgrade of the package is another
/// compiler).
std::string halideLibraryIdentity();

/// Resolves "host" or a Halide target string, or fails with a one-line
/// message.
llvm::Expected<TargetDescription> describeTarget(const std::string &name);

/// The stack each thread that calls compileKernel or compileRuntime must
/// have: Halide's lowering recurses deeply (Halide itself allows 32 MB).
constexpr unsigned kCompilerStackBytes = 64u << 20;

/// Makes Halide compile on the calling thread's own stack (which must hold
/// kCompilerStackBytes) instead of switching to a side stack of its own with
/// makecontext/swapcontext, which sanitizers and debuggers cannot follow.
/// Call once, before any compileKernel or compileRuntime.
void useCallerStackForHalide();

/// Compiles `spec` to an object file defining `int function(halide_buffer_t
/// *input0, ..., halide_buffer_t *weight0, ..., halide_buffer_t *output)`,
/// without a Halide runtime, or fails with a one-line message. Halide names
/// a pipeline's functions with process-wide counters, which reach the
/// object's symbols: effnetc compiles each kernel in a process of its own
/// (Child.h), so that its object depends on nothing compiled before it.
llvm::Error compileKernel(const KernelSpec &spec, const std::string &function,
                          const TargetDescription &target,
                          const std::string &objectPath);

/// Compiles the Halide runtime for `target` to an object file, or fails with
/// a one-line message. The runtime is compiled without the target's vector
/// extensions (SSE4.1 .. AVX-512, ARM's dot product, fp16 and SVE): it runs
/// beside every path of a portable library, and it must not execute an
/// instruction the CPU lacks before (or after: its destructors) a call has
/// checked the CPU.
llvm::Error compileRuntime(const TargetDescription &target,
                           const std::string &objectPath);

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_HALIDEKERNELS_H
