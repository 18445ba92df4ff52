//===- Driver.h - the generated driver and weight blob ----------*- C++ -*-===//
//
// The object effnetc writes with LLVM 19 for the library's target: the packed
// weights as one read-only global, the model as data for the runtime
// (runtime/Runtime.h), the functions of the library's C header, each a call
// into the runtime, and the runtime itself, which runs the kernels in order
// over one activation arena per image.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_DRIVER_H
#define EFFNET_CODEGEN_DRIVER_H

#include "codegen/Plan.h"
// The error codes of the generated functions (enum effnet_error).
#include "codegen/runtime/Runtime.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace mlir {
namespace effnet {
namespace codegen {

/// What the header promises about the model.
struct ModelInfo {
  /// The C prefix of every symbol: NAME_run, NAME_workspace_size, ...
  std::string name;
  std::string variant;
  /// Every path's Halide target, best first, separated by commas.
  std::string target;
  int64_t inChannels = 3;
  int64_t resolution = 0;
  int64_t numClasses = 0;
};

/// One path of a library: the model planned and compiled for one target. A
/// library has one path, or for a portable one several, best first, of
/// which each call runs the first the CPU has every feature of.
struct DriverPath {
  const ModelPlan *plan = nullptr;
  /// Halide's target string.
  std::string target;
  /// Bits 1 << enum effnet_cpu_feature its code may use.
  uint64_t cpuFeatures = 0;
  /// The kernels' symbols, NAME_k0, ... (NAME_sse41_k0, ... in a portable
  /// library).
  std::vector<std::string> kernelNames;
};

/// Bytes between the arenas of images that run at once (a multiple of 64):
/// the most any path needs, so that a workspace fits every path.
int64_t arenaStride(llvm::ArrayRef<DriverPath> paths);

/// Bytes of workspace a call needs at least, for any batch: one arena and
/// its alignment (images then run one at a time). NAME_workspace_size(batch)
/// adds an arena per image that can run at once.
int64_t workspaceBytes(llvm::ArrayRef<DriverPath> paths);

class KernelCache;

/// Writes the driver's object for `triple`: the model's tables and entry
/// points and the runtime, the weight blobs declared. Taken from `cache`
/// (unless null) when it holds one for the same IR, else compiled and
/// stored there.
llvm::Error emitDriverObject(llvm::ArrayRef<DriverPath> paths,
                             const ModelInfo &info, const std::string &triple,
                             const std::string &objectPath,
                             KernelCache *cache);

/// Writes the object that defines the weight blobs the driver declares
/// (NAME_weights, or NAME_pP_weights per distinct blob of a portable
/// library), hidden symbols.
llvm::Error emitWeightsObject(llvm::ArrayRef<DriverPath> paths,
                              const ModelInfo &info, const std::string &triple,
                              const std::string &objectPath);

/// Prints the driver's LLVM IR for `triple`: what emitDriverObject
/// compiles, the model's globals and entry points first, then the runtime
/// linked in; the weight blobs are declarations.
llvm::Error printDriver(llvm::ArrayRef<DriverPath> paths,
                        const ModelInfo &info, const std::string &triple,
                        llvm::raw_ostream &os);

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_DRIVER_H
