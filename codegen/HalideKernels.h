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

#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
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
  /// Whether its kernels run on a GPU (cuda, opencl, ...).
  bool gpu = false;
};

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

/// Runs the front end of kernel `index` (building its Halide pipeline and
/// lowering it) when every kernel before it has had its turn, one at a
/// time, as they have always run: Halide does not say that its front end
/// may run on several threads at once. The back end (LLVM) runs in
/// parallel. Kernels' names no longer depend on the order (HalideNames.h).
class FrontEndOrder {
public:
  /// Runs `frontEnd` in turn `index`; the turn passes on even if it throws.
  void run(size_t index, const std::function<void()> &frontEnd);
  /// Gives turn `index` up without waiting for it (a job given up, or an
  /// object the kernel cache held).
  void skip(size_t index);

private:
  /// Passes the turn on, past the turns given up; the lock held.
  void advance();

  std::mutex lock;
  std::condition_variable turn;
  size_t next = 0;
  std::set<size_t> skipped;
};

/// Compiles `spec` to an object file defining `int function(halide_buffer_t
/// *input0, ..., halide_buffer_t *weight0, ..., halide_buffer_t *output)`,
/// without a Halide runtime, its front end in turn `index` of `order`, or
/// fails with a one-line message. Safe to call from several threads at once.
llvm::Error compileKernel(const KernelSpec &spec, const std::string &function,
                          const TargetDescription &target,
                          const std::string &objectPath, size_t index,
                          FrontEndOrder &order);

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
