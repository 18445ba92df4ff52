//===- effnetc.cpp - the EfficientNet compiler driver ---------------------===//
//
// Builds a variant's stage table, runs the shared pipeline and prints the
// statistics or the IR at the level asked for.
//
//===----------------------------------------------------------------------===//

#include "codegen/Codegen.h"
#include "models/Models.h"
#include "passes/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/core.h>

#include <chrono>
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
/// What --emit prints: the IR at a level, or codegen's plan.
enum class Emit { Stages, Blocks, Primitives, Groups, Tiled, Plan };
cl::opt<Emit> emit(
    "emit", cl::desc("print the IR at this level, or the code plan"),
    cl::values(clEnumValN(Emit::Stages, "stages", "the scaled stage table"),
               clEnumValN(Emit::Blocks, "blocks", "stem, blocks and head"),
               clEnumValN(Emit::Primitives, "primitives",
                          "convolutions, batch norms, ..."),
               clEnumValN(Emit::Groups, "groups",
                          "weights bound, batch norms folded, ops grouped"),
               clEnumValN(Emit::Tiled, "tiled",
                          "every group with its schedule for --target"),
               clEnumValN(Emit::Plan, "plan",
                          "the kernels, their keys and schedules, the steps, "
                          "the arena and the weight blob")),
    cl::cat(category));
cl::opt<std::string> schedules(
    "schedules",
    cl::desc("schedule file: its entries for --target replace the default "
             "schedules"),
    cl::value_desc("file"), cl::cat(category));
cl::opt<std::string>
    outputPath("o", cl::desc("compile to DIR/NAME.a and DIR/NAME.h"),
               cl::value_desc("DIR/NAME"), cl::cat(category));
cl::opt<std::string>
    weightsFile("weights",
                cl::desc("safetensors file of the weights (torchvision names)"),
                cl::value_desc("file"), cl::cat(category));
cl::opt<std::string> naming(
    "naming",
    cl::desc("tensor names in --weights: torchvision (default) or canonical"),
    cl::init("torchvision"), cl::cat(category));
cl::opt<int64_t> randomWeights(
    "random-weights",
    cl::desc("seed of deterministic random weights (default 0, used when "
             "no --weights is given)"),
    cl::init(0), cl::cat(category));
cl::opt<std::string>
    target("target", cl::desc("host (default) or a Halide target string"),
           cl::init("host"), cl::cat(category));
cl::opt<unsigned> jobs("jobs",
                       cl::desc("kernels compiled at once (0: all cores)"),
                       cl::init(0), cl::cat(category));
cl::opt<bool> quiet("quiet", cl::desc("no progress or timing on stderr"),
                    cl::cat(category));
cl::opt<std::string> inputFile(
    "input",
    cl::desc("take the model from this .mlir file (stages, blocks, "
             "primitives or groups, as effnet-opt writes them) instead of a "
             "variant's table"),
    cl::value_desc("file.mlir"), cl::cat(category));
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
  bool fromFile = !inputFile.empty();
  if (fromFile && (variantName.getNumOccurrences() || custom ||
                   numClasses.getNumOccurrences() || batch.getNumOccurrences()))
    return fail("--input takes the model from the file: drop --variant, "
                "--phi, --width, --depth, --num-classes and --batch");
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
  bool compiling = !outputPath.empty();
  if (!printStatsOpt && !emitting && !compiling)
    return fail("nothing to do: give -o DIR/NAME, --stats or --emit=LEVEL");
  if (!weightsFile.empty() && randomWeights.getNumOccurrences())
    return fail("--weights and --random-weights exclude each other");
  if (randomWeights < 0)
    return fail(fmt::format("--random-weights must be a seed >= 0, got {}",
                            randomWeights.getValue()));
  if (compiling && batch != 1)
    return fail("-o compiles a library that takes any batch at run time; "
                "leave --batch at 1");

  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  Clock::time_point start = Clock::now();
  MLIRContext context;
  // Every diagnostic becomes one line on stderr.
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      fmt::print(stderr, "effnetc: error: {}\n", diag.str());
    else if (diag.getSeverity() == DiagnosticSeverity::Warning)
      fmt::print(stderr, "effnetc: warning: {}\n", diag.str());
    return success();
  });

  FailureOr<OwningOpRef<ModuleOp>> module = failure();
  if (fromFile) {
    context.loadDialect<EffNetDialect, func::FuncDialect>();
    OwningOpRef<ModuleOp> parsed =
        parseSourceFile<ModuleOp>(inputFile.getValue(), &context);
    if (!parsed)
      return 1;
    module = std::move(parsed);
    if (!quiet)
      fmt::print(stderr, "effnetc: {} read in {:.2f} s\n", inputFile.getValue(),
                 seconds(start));
  } else {
    ModelOptions modelOptions;
    modelOptions.numClasses = numClasses;
    modelOptions.batch = batch;
    module = buildStageModel(&context, *lookupStageTable(variant->table),
                             modelOptions);
    if (failed(module))
      return 1;
    if (!quiet)
      fmt::print(stderr, "effnetc: {} table built in {:.2f} s\n",
                 variant->table.str(), seconds(start));
  }
  auto functions = (*module)->getOps<func::FuncOp>();
  if (std::distance(functions.begin(), functions.end()) != 1)
    return fail("expects exactly one func.func holding the model");
  func::FuncOp model = *functions.begin();

  // Lower one level at a time, printing what was asked for on the way; the
  // statistics are those of the model as written (before batch norms fold).
  bool emitPlan = emitting && emit.getValue() == Emit::Plan;
  std::optional<Level> emitLevel;
  if (emitting && !emitPlan)
    emitLevel = static_cast<Level>(emit.getValue());
  Level deepest = compiling || emitPlan ? Level::Tiled
                  : emitLevel           ? *emitLevel
                                        : Level::Primitives;
  if (printStatsOpt && deepest < Level::Primitives)
    deepest = Level::Primitives;
  PipelineOptions options;
  if (!custom && !fromFile)
    options.variant = variant->name.str();
  options.phi = phi.getValue();
  options.width = width.getValue();
  options.depth = depth.getValue();
  options.resolution = resolution.getValue();
  options.weights = weightsFile.getValue();
  options.naming = naming.getValue();
  options.randomSeed = randomWeights.getValue();
  // Schedules are chosen for what Halide will compile for.
  if (deepest >= Level::Tiled) {
    llvm::Expected<std::string> resolved =
        codegen::resolveTarget(target.getValue());
    if (!resolved)
      return fail(llvm::toString(resolved.takeError()));
    options.target = *resolved;
  }
  options.schedules = schedules.getValue();
  if (!options.schedules.empty() && deepest < Level::Tiled)
    return fail("--schedules takes effect at the tiled level: give -o "
                "DIR/NAME, --emit=tiled or --emit=plan");

  static const char *const what[] = {
      "compound scaling", "stage expansion", "block expansion",
      "weight binding, batch-norm folding and fusion", "tiling"};
  for (Level level : {Level::Stages, Level::Blocks, Level::Primitives,
                      Level::Groups, Level::Tiled}) {
    if (level > deepest)
      break;
    Clock::time_point levelStart = Clock::now();
    PassManager pm(&context);
    addPassesForLevel(pm, level, options);
    if (failed(pm.run(**module)))
      return 1;
    if (!quiet)
      fmt::print(stderr, "effnetc: {} in {:.2f} s\n",
                 what[static_cast<int>(level)], seconds(levelStart));
    if (emitLevel == level)
      (*module)->print(llvm::outs());
    if (printStatsOpt && level == Level::Primitives)
      printStats(llvm::outs(), computeStats(model), perLayer);
  }

  if (emitPlan)
    if (llvm::Error err = codegen::printPlan(model, llvm::outs())) {
      std::string message = llvm::toString(std::move(err));
      return message.empty() ? 1 : fail(message);
    }

  if (compiling) {
    codegen::LibraryOptions library;
    library.output = outputPath.getValue();
    library.target = target.getValue();
    library.threads = jobs.getValue();
    auto variantAttr = model->getAttrOfType<StringAttr>("effnet.variant");
    library.variant = variantAttr ? variantAttr.str() : "custom";
    // The header reports what the compiled function takes and returns.
    if (model.getNumArguments() != 1 || model.getNumResults() != 1)
      return fail("expects the model to take N x 3 x R x R and return N x K");
    auto input = dyn_cast<RankedTensorType>(model.getArgumentTypes().front());
    auto output = dyn_cast<RankedTensorType>(model.getResultTypes().front());
    if (!input || input.getRank() != 4 || !output || output.getRank() != 2)
      return fail("expects the model to take N x 3 x R x R and return N x K");
    library.resolution = input.getDimSize(2);
    library.numClasses = output.getDimSize(1);
    library.verbose = !quiet;
    if (llvm::Error err = codegen::emitLibrary(model, library)) {
      std::string message = llvm::toString(std::move(err));
      return message.empty() ? 1 : fail(message);
    }
  }
  return 0;
}
