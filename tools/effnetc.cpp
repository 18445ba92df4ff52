//===- effnetc.cpp - the EfficientNet compiler driver ---------------------===//
//
// Builds a variant's stage table, runs the shared pipeline and prints the
// statistics or the IR at the level asked for.
//
//===----------------------------------------------------------------------===//

#include "models/Models.h"
#include "passes/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/core.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

using namespace mlir;
using namespace mlir::effnet;
namespace cl = llvm::cl;

namespace {
cl::OptionCategory category("effnetc options");

cl::opt<std::string>
    variantName("variant",
                cl::desc("variant: b0-b7, v2_s, v2_m, v2_l (default b0); with "
                         "--phi or --width/--depth, the table to scale"),
                cl::value_desc("name"), cl::cat(category));
cl::opt<double> phi("phi", cl::desc("custom compound coefficient"),
                    cl::init(std::numeric_limits<double>::quiet_NaN()),
                    cl::cat(category));
cl::opt<double> width("width", cl::desc("custom width multiplier"),
                      cl::init(std::numeric_limits<double>::quiet_NaN()),
                      cl::cat(category));
cl::opt<double> depth("depth", cl::desc("custom depth multiplier"),
                      cl::init(std::numeric_limits<double>::quiet_NaN()),
                      cl::cat(category));
cl::opt<int64_t>
    resolution("resolution",
               cl::desc("input resolution (default: the variant's)"),
               cl::init(0), cl::cat(category));
cl::opt<int64_t> numClasses("num-classes", cl::desc("classifier outputs"),
                            cl::init(1000), cl::cat(category));
cl::opt<int64_t> batch("batch",
                       cl::desc("images per call in the IR (0: dynamic)"),
                       cl::init(1), cl::cat(category));
cl::opt<bool> perLayer("per-layer",
                       cl::desc("with --stats, a row for every layer first"),
                       cl::cat(category));
cl::opt<Level> emit(
    "emit", cl::desc("print the IR at this level"),
    cl::values(clEnumValN(Level::Stages, "stages", "the scaled stage table"),
               clEnumValN(Level::Blocks, "blocks", "stem, blocks and head"),
               clEnumValN(Level::Primitives, "primitives",
                          "convolutions, batch norms, ...")),
    cl::cat(category));
} // namespace

static int fail(const std::string &message) {
  fmt::print(stderr, "effnetc: error: {}\n", message);
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // LLVM's own -stats (pass statistics) would clash with ours: drop it before
  // ours is registered.
  if (cl::Option *llvmStats = cl::getRegisteredOptions().lookup("stats"))
    llvmStats->removeArgument();
  cl::opt<bool> printStatsOpt(
      "stats", cl::desc("print 'params: N' and 'macs: N'"), cl::cat(category));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "EfficientNet compiler\n");

  bool custom = !std::isnan(phi) || !std::isnan(width) || !std::isnan(depth);
  std::string name = variantName.empty() ? "b0" : variantName.getValue();
  std::optional<Variant> variant = lookupVariant(name);
  if (!variant)
    return fail(fmt::format("unknown variant '{}' (expected one of {})", name,
                            listVariantNames()));
  if (custom && variant->name != variant->table)
    return fail(fmt::format(
        "--phi, --width and --depth scale a stage table: give --variant {} "
        "(the table of {}), or no --variant",
        variant->table.str(), name));
  if (!std::isnan(phi) && (!std::isnan(width) || !std::isnan(depth)))
    return fail("--phi conflicts with --width and --depth: give one or the "
                "other");
  if (numClasses < 1 || numClasses > (1 << 20))
    return fail(fmt::format("--num-classes must be in [1, {}], got {}", 1 << 20,
                            numClasses.getValue()));
  if (batch < 0 || batch > (1 << 20))
    return fail(fmt::format("--batch must be in [0, {}], got {}", 1 << 20,
                            batch.getValue()));
  if (resolution < 0 || resolution > 16384)
    return fail(fmt::format("--resolution must be in [1, 16384], got {}",
                            resolution.getValue()));
  bool emitting = emit.getNumOccurrences() > 0;
  if (!printStatsOpt && !emitting)
    return fail("nothing to do: give --stats and/or --emit=LEVEL");

  MLIRContext context;
  // Every diagnostic becomes one line on stderr.
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      fmt::print(stderr, "effnetc: error: {}\n", diag.str());
    return success();
  });

  ModelOptions modelOptions;
  modelOptions.numClasses = numClasses;
  modelOptions.batch = batch;
  FailureOr<OwningOpRef<ModuleOp>> module = buildStageModel(
      &context, *lookupStageTable(variant->table), modelOptions);
  if (failed(module))
    return 1;

  PipelineOptions options;
  if (!custom)
    options.variant = variant->name.str();
  options.phi = phi.getValue();
  options.width = width.getValue();
  options.depth = depth.getValue();
  options.resolution = resolution.getValue();
  options.level = emitting ? emit.getValue() : Level::Primitives;
  PassManager pm(&context);
  buildEffNetPipeline(pm, options);
  if (failed(pm.run(**module)))
    return 1;

  if (emitting)
    (*module)->print(llvm::outs());
  if (printStatsOpt) {
    auto func = *(*module)->getOps<func::FuncOp>().begin();
    printStats(llvm::outs(), computeStats(func), perLayer);
  }
  return 0;
}
