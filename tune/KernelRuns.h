//===- KernelRuns.h - one kernel compiled and run on its own ----*- C++ -*-===//
//
// What the schedule fuzzer and the tuner share: compiling one kernel (a
// KernelSpec) in a child process with a time limit, and running it against
// the kernel with the default schedule on the same random inputs and
// weights (tune/runner.c), optionally timing both in the same process.
// A compiler that crashes or hangs, or a run that dies, is a result with a
// reason, never the end of the caller.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_TUNE_KERNELRUNS_H
#define EFFNET_TUNE_KERNELRUNS_H

#include "codegen/HalideKernels.h"
#include "codegen/KernelCache.h"
#include "codegen/Kernel.h"

#include <cstdint>
#include <functional>
#include <string>

namespace mlir {
namespace effnet {
namespace tune {

/// Where and how kernels are compiled, linked and run.
struct RunSetup {
  /// A folder for objects, programs and descriptions.
  std::string workDir;
  /// The C compiler that links a run.
  std::string cc = "cc";
  /// A command the program runs through (e.g. qemu-aarch64 -L ...), or "".
  std::string runner;
  /// Seconds a compile or a run may take.
  unsigned limitSeconds = 300;
  /// The kernel cache candidates and runtimes are taken from and stored in,
  /// or null; and its options for whole-model compiles (LibraryOptions).
  codegen::KernelCache *cache = nullptr;
  std::string cacheDir;
  uint64_t cacheMaxBytes = codegen::kDefaultCacheBytes;
};

/// Runs `body` in a child process for at most `limitSeconds`; returns ""
/// when it exits 0, else why not (its message, a signal, the time limit).
std::string runInChild(const RunSetup &setup,
                       const std::function<std::string()> &body);

/// Runs a command line through the shell, at most `limitSeconds`; returns
/// its exit status (128 + the signal when killed) and its output.
int runShell(const RunSetup &setup, const std::string &command,
             std::string &output);

/// Compiles `spec` as `function` to `object` in a child process, unless the
/// kernel cache holds it; "" or why it failed.
std::string compileInChild(const RunSetup &setup,
                           const codegen::KernelSpec &spec,
                           const std::string &function,
                           const codegen::TargetDescription &target,
                           const std::string &object);

/// Compiles the Halide runtime for `target` and the runner once, into the
/// work folder; "" or why not.
std::string prepareRunner(const RunSetup &setup,
                          const codegen::TargetDescription &target);

/// Writes the runner's description of a kernel's arguments to
/// `prefix`.txt, and its weights (seeded random values, the same whatever
/// the schedule; Winograd's transformed from the direct convolution's) to
/// `prefix`-wN.bin.
void describeArguments(const codegen::KernelSpec &spec, uint64_t seed,
                       const std::string &prefix);

/// The verdict of one candidate against the reference.
struct RunResult {
  enum class Kind {
    /// The outputs agree (within 1e-5 of the largest reference value).
    Agrees,
    /// They differ: the runner's line says where.
    Differs,
    /// The run died, failed or took too long.
    Failed,
  } kind = Kind::Failed;
  std::string message;
  /// With timing: medians of the per-call times, in milliseconds, of the
  /// candidate and the reference, measured in alternating rounds.
  double candidateMs = 0, referenceMs = 0;
};

/// How a candidate is timed: `rounds` alternating rounds of `calls` calls
/// each after warm-up; no timing when rounds is 0.
struct Timing {
  unsigned rounds = 0;
  unsigned calls = 1;
};

/// Links the candidate's and the reference's objects (compiled as
/// `fuzz_candidate` and `fuzz_reference`) with the runner and runs it: the
/// candidate's outputs against the reference's, and with `timing` both
/// timed. Descriptions are `candidate`.txt and `reference`.txt in the work
/// folder (describeArguments). Sets `harnessError` when linking fails.
RunResult runAgainstReference(const RunSetup &setup,
                              const std::string &referenceObject,
                              const std::string &candidateObject,
                              uint64_t seed, const Timing &timing,
                              std::string &harnessError);

} // namespace tune
} // namespace effnet
} // namespace mlir

#endif // EFFNET_TUNE_KERNELRUNS_H
