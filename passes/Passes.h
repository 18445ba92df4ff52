//===- Passes.h - every effnet pass and the pipeline ------------*- C++ -*-===//
//
// The door of passes/: pass constructors and registration, the statistics
// analysis, and the one pipeline builder shared by effnet-opt and effnetc.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_PASSES_PASSES_H
#define EFFNET_PASSES_PASSES_H

#include "dialect/EffNet.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"
#include "llvm/Support/Error.h"

#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
namespace effnet {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

/// Refuses an option given more than once in a pass's or the pipeline's
/// option string ("target=a target=b"): pass options are LLVM cl::opts,
/// which keep the last value silently. `options` are all of the pass's own
/// options; passes call this from initializeOptions, once the string has
/// been parsed into them.
LogicalResult
checkOptionsGivenOnce(StringRef pass,
                      ArrayRef<const llvm::cl::Option *> options,
                      function_ref<LogicalResult(const Twine &)> errorHandler);

/// A diagnostic as one line for a tool's stderr: "FILE:LINE:COL: message"
/// where it points into a file that was read (as effnet-opt's do; a built
/// model's locations name no line), else the message alone.
std::string describeDiagnostic(Diagnostic &diag);

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

//===----------------------------------------------------------------------===//
// Statistics
//===----------------------------------------------------------------------===//

/// One counted op.
struct StatsRow {
  std::string layer;
  std::string op;
  std::string type;
  uint64_t params = 0;
  uint64_t macs = 0;
};

/// The counts of one function.
struct ModelStats {
  std::string function;
  std::vector<StatsRow> rows;
  uint64_t params = 0;
  uint64_t macs = 0;
};

/// Counts every op of `func` that implements the cost interface.
ModelStats computeStats(func::FuncOp func);

/// Prints `params: N` and `macs: N`, and before them a table with a row per
/// op when `perOp` is set.
void printStats(llvm::raw_ostream &os, const ModelStats &stats, bool perOp);

//===----------------------------------------------------------------------===//
// Schedules
//===----------------------------------------------------------------------===//

/// What a target offers a schedule: the facts effnet-tile's defaults branch
/// on.
struct ScheduleTarget {
  /// "x86", "arm", ...
  std::string arch;
  unsigned bits = 64;
  /// The vector extension: "avx512", "avx2", "sse41", "neon", or "".
  std::string isa;
  /// Floats per vector and vector registers.
  int vectorLanes = 4;
  int vectorRegisters = 16;
  /// L2 cache per core that a kernel may count on.
  int64_t l2Bytes = 256 * 1024;
  /// A core's pipes, where the defaults model the inner loop's cycles
  /// (AArch64, a Cortex-A76 / Neoverse-N1 class core); 0 where they choose
  /// by the measured x86 rules instead: vector FMAs issued a cycle, an FMA's
  /// latency in cycles, loads issued a cycle, instructions decoded a cycle.
  int fmaPipes = 0;
  int fmaLatency = 0;
  int loadPipes = 0;
  int decodeWidth = 0;
  /// The target names a GPU API (cuda, opencl, ...).
  bool gpu = false;
  /// That API: "cuda" or "opencl" (the schedule class of a GPU target).
  std::string gpuApi;
  /// Shared memory a GPU block may count on: 48 KiB on every CUDA
  /// capability Halide 14 compiles for (3.0 to 8.6, without opting in to
  /// more), 32 KiB on OpenCL (the least CL_DEVICE_LOCAL_MEM_SIZE a full
  /// profile device has).
  int64_t gpuSharedBytes = 0;

  /// What schedule files are keyed by: "x86-64-avx512", "arm-64-neon".
  std::string className() const;
};

/// Describes `host` (this machine, what follows it kept: host-cuda) or a
/// Halide target string.
llvm::Expected<ScheduleTarget> describeScheduleTarget(llvm::StringRef name);

/// Says what `host` is: `resolver` gives the Halide target string of this
/// machine as code generation compiles for it (codegen::resolveTarget, which
/// asks Halide). The tools set it once, at start, so that the schedules
/// effnet-tile picks for `host` are those of the code the library holds,
/// from one detection of the host; where none is set, `host` is refused.
void setHostTargetResolver(llvm::Expected<std::string> (*resolver)());

/// One line of a schedule file.
struct ScheduleEntry {
  std::string targetClass;
  /// GroupOp::getKernelKey() of the groups it applies to.
  std::string key;
  ScheduleAttr schedule;
  /// "FILE:LINE", for messages.
  std::string where;
};

/// Reads a schedule file; a malformed line is an error naming it.
llvm::Expected<std::vector<ScheduleEntry>>
readScheduleFile(llvm::StringRef path, MLIRContext *context);

/// Writes `entry` as one line of a schedule file.
void writeScheduleEntry(llvm::raw_ostream &os, const ScheduleEntry &entry);

//===----------------------------------------------------------------------===//
// Pipeline
//===----------------------------------------------------------------------===//

/// The levels of IR, in the order the pipeline reaches them.
enum class Level { Stages, Blocks, Primitives, Groups, Tiled };

struct PipelineOptions : public PassPipelineOptions<PipelineOptions> {
  Option<std::string> variant{*this, "variant",
                              llvm::cl::desc("named variant to scale to")};
  Option<double> phi{*this, "phi", llvm::cl::desc("compound coefficient"),
                     llvm::cl::init(std::numeric_limits<double>::quiet_NaN())};
  Option<double> width{
      *this, "width", llvm::cl::desc("width multiplier"),
      llvm::cl::init(std::numeric_limits<double>::quiet_NaN())};
  Option<double> depth{
      *this, "depth", llvm::cl::desc("depth multiplier"),
      llvm::cl::init(std::numeric_limits<double>::quiet_NaN())};
  Option<int64_t> resolution{
      *this, "resolution",
      llvm::cl::desc("input resolution (default: the variant's)"),
      llvm::cl::init(0)};
  Option<double> bnEps{
      *this, "bn-eps",
      llvm::cl::desc("batch-norm epsilon (default: the variant's)"),
      llvm::cl::init(std::numeric_limits<double>::quiet_NaN())};
  Option<Level> level{
      *this, "level", llvm::cl::desc("lowest level to reach"),
      llvm::cl::init(Level::Primitives),
      llvm::cl::values(
          clEnumValN(Level::Stages, "stages", "compound scaling only"),
          clEnumValN(Level::Blocks, "blocks", "stages expanded to blocks"),
          clEnumValN(Level::Primitives, "primitives",
                     "blocks expanded to primitive ops"),
          clEnumValN(Level::Groups, "groups",
                     "weights bound, batch norms folded, ops grouped"),
          clEnumValN(Level::Tiled, "tiled",
                     "every group given a schedule for the target"))};
  Option<std::string> weights{
      *this, "weights",
      llvm::cl::desc("safetensors file to bind (level=groups); without it, "
                     "random weights")};
  Option<std::string> naming{
      *this, "naming",
      llvm::cl::desc("tensor names in the weights file: torchvision, "
                     "efficientnet-pytorch, timm or canonical (default: "
                     "detected from the names)")};
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("host or a Halide target string (level=tiled)"),
      llvm::cl::init("host")};
  Option<std::string> schedules{
      *this, "schedules",
      llvm::cl::desc("schedule file to take schedules from (level=tiled)")};
  Option<bool> retile{
      *this, "retile",
      llvm::cl::desc("choose every group's schedule again for the target, "
                     "replacing those that groups carry (level=tiled)"),
      llvm::cl::init(false)};
  Option<int64_t> randomSeed{
      *this, "random-seed",
      llvm::cl::desc("seed of the random weights used without a file"),
      llvm::cl::init(0)};
  Option<std::string> padding{
      *this, "padding",
      llvm::cl::desc("how convolutions pad: torchvision or tf-same"),
      llvm::cl::init("torchvision")};
  Option<std::string> outputs{
      *this, "outputs",
      llvm::cl::desc("what the model returns: logits, features, reduction_K, "
                     "separated by commas"),
      llvm::cl::init("logits")};
  Option<std::string> maxMemory{
      *this, "max-memory",
      llvm::cl::desc("the most memory compiling or running the model may "
                     "take (bytes, or with a K, M, G, T, P or E suffix, "
                     "up to 4E)"),
      llvm::cl::init("8G")};
};

/// Adds the passes that lower the previous level's IR to `level`: compound
/// scaling for stages, stage expansion for blocks, block expansion for
/// primitives, weight binding, batch-norm folding and fusion for groups, and
/// schedules for tiled.
void addPassesForLevel(OpPassManager &pm, Level level,
                       const PipelineOptions &options);

/// The pipeline from a stage table to `options.level`: the passes of every
/// level in turn. Options the passes cannot honour fail the pass that meets
/// them, with a diagnostic.
void buildEffNetPipeline(OpPassManager &pm, const PipelineOptions &options);

/// What the passes of `level` do: "compound scaling", "tiling", ...
llvm::StringRef describeLevel(Level level);

/// Runs the pipeline on `module` one level at a time, from stages to
/// `options.level`, calling `afterLevel` with each level reached and the
/// seconds it took (to print the IR or statistics of that level). Fails
/// when a pass fails; its diagnostics have been emitted.
LogicalResult
runEffNetPipeline(ModuleOp module, const PipelineOptions &options,
                  llvm::function_ref<void(Level, double)> afterLevel);

/// Registers every pass and the `effnet-pipeline` pipeline.
void registerEffNetPassesAndPipeline();

} // namespace effnet
} // namespace mlir

#endif // EFFNET_PASSES_PASSES_H
