//===- Pipeline.cpp - the pipeline effnet-opt and effnetc share -----------===//

#include "passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>

using namespace mlir;
using namespace mlir::effnet;

/// `name=value` in pass-option syntax, exact for every type: doubles with
/// all 17 digits, strings in braces so that spaces survive.
static std::string formatOption(StringRef name, double value) {
  return (name + "=" + llvm::formatv("{0}", llvm::format("%.17g", value)))
      .str();
}
static std::string formatOption(StringRef name, int64_t value) {
  return (name + "=" + llvm::Twine(value)).str();
}
static std::string formatOption(StringRef name, bool value) {
  return (name + "=" + (value ? "true" : "false")).str();
}
static std::string formatOption(StringRef name, const std::string &value) {
  // `{}` would be taken literally; an empty value is written as nothing.
  if (value.empty())
    return (name + "=").str();
  return (name + "={" + value + "}").str();
}

/// The options of a pass in text: those of `options` (a name in the pass
/// and the pipeline's option) that were given, and only those, so that the
/// pass tells a given value from a default without any sentinel value.
class GivenOptions {
public:
  template <typename T>
  GivenOptions &add(StringRef name, const mlir::detail::PassOptions::Option<T> &option) {
    if (option.hasValue())
      text += " " + formatOption(name, T(option));
    return *this;
  }
  GivenOptions &always(StringRef nameAndValue) {
    text += " " + nameAndValue.str();
    return *this;
  }

  /// `pass` with these options.
  std::unique_ptr<Pass> to(std::unique_ptr<Pass> pass) const {
    // The values were printed from options of the same types, so they
    // parse: failing here is a bug in this file, not a user's mistake.
    if (failed(pass->initializeOptions(text, [&](const llvm::Twine &message) {
          llvm::report_fatal_error("effnet pipeline: " + message,
                                   /*gen_crash_diag=*/false);
          return failure();
        })))
      llvm::report_fatal_error(llvm::Twine("effnet pipeline: bad options '") + text + "'",
                               /*gen_crash_diag=*/false);
    return pass;
  }

private:
  std::string text;
};

void mlir::effnet::addPassesForLevel(OpPassManager &pm, Level level,
                                     const PipelineOptions &options) {
  switch (level) {
  case Level::Stages: {
    pm.addPass(GivenOptions()
                   .add("variant", options.variant)
                   .add("phi", options.phi)
                   .add("width", options.width)
                   .add("depth", options.depth)
                   .add("resolution", options.resolution)
                   .add("bn-eps", options.bnEps)
                   .to(createCompoundScale()));
    // Weights are materialized from the groups level on: that, and what
    // follows it, is what the limit guards.
    if (options.level >= Level::Groups)
      pm.addPass(GivenOptions()
                     .add("max-memory", options.maxMemory)
                     .to(createMemoryLimit()));
    return;
  }
  case Level::Blocks:
    pm.addNestedPass<func::FuncOp>(createExpandStages());
    return;
  case Level::Primitives:
    pm.addNestedPass<func::FuncOp>(GivenOptions()
                                       .add("padding", options.padding)
                                       .add("outputs", options.outputs)
                                       .to(createExpandBlocks()));
    pm.addPass(createCanonicalizerPass());
    return;
  case Level::Groups: {
    // Random weights (seed 0 unless given) when no file is given.
    GivenOptions bind;
    bind.add("naming", options.naming);
    bind.add("file", options.weights).add("random", options.randomSeed);
    if (!options.weights.hasValue() && !options.randomSeed.hasValue())
      bind.always("random=0");
    pm.addPass(bind.to(createBindWeights()));
    pm.addNestedPass<func::FuncOp>(createFoldBatchNorm());
    pm.addPass(createCanonicalizerPass());
    pm.addNestedPass<func::FuncOp>(createFuse());
    return;
  }
  case Level::Tiled: {
    pm.addPass(GivenOptions()
                   .add("target", options.target)
                   .add("schedules", options.schedules)
                   .add("overwrite", options.retile)
                   .to(createTile()));
    return;
  }
  }
}

void mlir::effnet::buildEffNetPipeline(OpPassManager &pm,
                                       const PipelineOptions &options) {
  for (Level level : {Level::Stages, Level::Blocks, Level::Primitives,
                      Level::Groups, Level::Tiled}) {
    addPassesForLevel(pm, level, options);
    if (level == options.level)
      return;
  }
}

StringRef mlir::effnet::describeLevel(Level level) {
  switch (level) {
  case Level::Stages:
    return "compound scaling";
  case Level::Blocks:
    return "stage expansion";
  case Level::Primitives:
    return "block expansion";
  case Level::Groups:
    return "weight binding, batch-norm folding and fusion";
  case Level::Tiled:
    return "tiling";
  }
  llvm_unreachable("every level is described");
}

LogicalResult
mlir::effnet::runEffNetPipeline(ModuleOp module, const PipelineOptions &options,
                                function_ref<void(Level, double)> afterLevel) {
  using Clock = std::chrono::steady_clock;
  for (Level level : {Level::Stages, Level::Blocks, Level::Primitives,
                      Level::Groups, Level::Tiled}) {
    if (level > options.level)
      break;
    Clock::time_point start = Clock::now();
    PassManager pm(module.getContext());
    addPassesForLevel(pm, level, options);
    if (failed(pm.run(module)))
      return failure();
    afterLevel(level,
               std::chrono::duration<double>(Clock::now() - start).count());
  }
  return success();
}

LogicalResult mlir::effnet::checkOptionsGivenOnce(
    StringRef pass, ArrayRef<const llvm::cl::Option *> options,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  for (const llvm::cl::Option *option : options)
    if (option->getNumOccurrences() > 1)
      return errorHandler(pass + ": '" + option->ArgStr + "' is given " +
                          Twine(option->getNumOccurrences()) +
                          " times: give it once");
  return success();
}

void mlir::effnet::registerEffNetPassesAndPipeline() {
  registerEffNetPasses();
  // PassPipelineRegistration<PipelineOptions>, with the options checked as
  // the passes check theirs.
  registerPassPipeline(
      "effnet-pipeline",
      "Scale a stage table and lower it to blocks, primitives, groups or "
      "tiled groups",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        PipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        if (failed(checkOptionsGivenOnce(
                "effnet-pipeline",
                {&options.variant, &options.phi, &options.width,
                 &options.depth, &options.resolution, &options.bnEps,
                 &options.level, &options.weights, &options.naming,
                 &options.target, &options.schedules, &options.retile,
                 &options.randomSeed,
                 &options.padding, &options.outputs, &options.maxMemory},
                errorHandler)))
          return failure();
        buildEffNetPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const mlir::detail::PassOptions &)> optHandler) {
        optHandler(PipelineOptions());
      });
}

std::string mlir::effnet::describeDiagnostic(Diagnostic &diag) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto file = diag.getLocation()->findInstanceOf<FileLineColLoc>())
    if (file.getLine() > 0)
      os << file.getFilename().getValue() << ":" << file.getLine() << ":"
         << file.getColumn() << ": ";
  os << diag.str();
  return text;
}
