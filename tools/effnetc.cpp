//===- effnetc.cpp - the EfficientNet compiler driver ---------------------===//
//
// Builds a variant's stage table, runs the shared pipeline and prints the
// statistics or the IR at the level asked for.
//
//===----------------------------------------------------------------------===//

#include "codegen/Codegen.h"
#include "codegen/Version.h"
#include "models/Files.h"
#include "models/Models.h"
#include "models/Safetensors.h"
#include "models/WeightNames.h"
#include "passes/Passes.h"
#include "tools/CacheOptions.h"
#include "tools/HugePageHeap.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/core.h>

#include <chrono>
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
// Options passed on to the pipeline have no "not given" value: whether they
// were given is read from getNumOccurrences(), so every given value, even a
// NaN or an empty string, reaches the pass that checks it.
cl::opt<double> phi("phi", cl::desc("custom compound coefficient"),
                    cl::cat(category));
cl::opt<double> width("width", cl::desc("custom width multiplier"),
                      cl::cat(category));
cl::opt<double> depth("depth", cl::desc("custom depth multiplier"),
                      cl::cat(category));
cl::opt<int64_t>
    resolution("resolution",
               cl::desc("input resolution (default: the variant's)"),
               cl::cat(category));
cl::opt<int64_t> numClasses("num-classes", cl::desc("classifier outputs"),
                            cl::init(1000), cl::cat(category));
cl::opt<int64_t> inChannels(
    "in-channels",
    cl::desc("channels of the input image (default 3; 1 for grey images)"),
    cl::init(3), cl::cat(category));
cl::opt<int64_t> batch("batch",
                       cl::desc("images per call in the IR (0: dynamic)"),
                       cl::init(1), cl::cat(category));
cl::opt<bool> perLayer("per-layer",
                       cl::desc("with --stats, a row for every layer first"),
                       cl::cat(category));
/// What --emit prints: the IR at a level, or codegen's plan.
enum class Emit { Stages, Blocks, Primitives, Groups, Tiled, Plan, Driver };
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
                          "the arena and the weight blob"),
               clEnumValN(Emit::Driver, "driver",
                          "the LLVM IR of the library's entry points (named "
                          "after -o's NAME, else 'model'; the weights are an object of their own)")),
    cl::cat(category));
cl::opt<std::string> emitWeights(
    "emit-weights",
    cl::desc("where --emit=groups and --emit=tiled put the bound weights: "
             "a safetensors FILE, which the IR names and --input reads "
             "(relative to the IR's folder, else to the current one), or "
             "'inline' (hex in the IR: B0 is 20 MB). Default: left out, and "
             "--input then needs --weights"),
    cl::value_desc("FILE|inline"), cl::cat(category));
cl::opt<std::string> schedules(
    "schedules",
    cl::desc("schedule file: its entries for --target replace the default "
             "schedules"),
    cl::value_desc("file"), cl::cat(category));
cl::opt<bool> retile(
    "retile",
    cl::desc("with --input: choose every group's schedule again for "
             "--target (and --schedules), replacing those the groups carry"),
    cl::cat(category));
cl::opt<std::string>
    outputPath("o", cl::desc("compile to DIR/NAME.a and DIR/NAME.h"),
               cl::value_desc("DIR/NAME"), cl::cat(category));
cl::opt<std::string>
    weightsFile("weights",
                cl::desc("safetensors file of the weights (names: see "
                         "--naming)"),
                cl::value_desc("file"), cl::cat(category));
cl::opt<std::string> naming(
    "naming",
    cl::desc("tensor names in --weights: torchvision, efficientnet-pytorch "
             "(implies --padding tf-same, and --bn-eps 1e-3 unless given), "
             "timm or canonical (default: detected from the names)"),
    cl::value_desc("scheme"), cl::cat(category));
cl::opt<int64_t> randomWeights(
    "random-weights",
    cl::desc("seed of deterministic random weights (default 0, used when "
             "no --weights is given)"),
    cl::cat(category));
cl::opt<std::string> padding(
    "padding",
    cl::desc("how convolutions pad: torchvision (default) or tf-same "
             "(TensorFlow's, for checkpoints ported from it)"),
    cl::value_desc("mode"), cl::init("torchvision"), cl::cat(category));
cl::opt<std::string> outputs(
    "outputs",
    cl::desc("what the library returns, in this order, separated by commas: "
             "logits (default), features (the head's activation before "
             "pooling), reduction_1 .. reduction_6 (EfficientNet-PyTorch's "
             "endpoints)"),
    cl::value_desc("list"), cl::cat(category));
cl::opt<std::string> normalize(
    "normalize",
    cl::desc("how NAME_run_rgb8 normalizes 8-bit RGB pixels: imagenet "
             "(default: torchvision's mean and std), advprop ([-1, 1]) or "
             "MEAN,MEAN,MEAN:STD,STD,STD"),
    cl::value_desc("values"), cl::cat(category));
cl::opt<int64_t> resize(
    "resize",
    cl::desc("the shorter side NAME_run_image resizes images to before it "
             "crops the centre (default: torchvision's evaluation resize for "
             "the variant's weights, e.g. 256 for b0 at 224, scaled with "
             "--resolution)"),
    cl::value_desc("pixels"), cl::cat(category));
cl::opt<bool> antialias(
    "antialias",
    cl::desc("NAME_run_image antialiases as it resizes (torchvision's "
             "antialias=True; default off, as torchvision's evaluation "
             "transform on a uint8 tensor)"),
    cl::cat(category));
cl::opt<bool> fp16Weights(
    "fp16-weights",
    cl::desc("store convolutions' and dense layers' weights as IEEE half "
             "floats: half the library's size, computed in float as before; "
             "answers move by 5e-4 to 4e-3 of the largest logit (measured: "
             "the README)"),
    cl::cat(category));
cl::opt<double>
    bnEps("bn-eps",
          cl::desc("batch-norm epsilon (default: the variant's; 1e-3 for "
                   "checkpoints ported from TensorFlow)"),
          cl::value_desc("x"), cl::cat(category));
cl::opt<std::string> maxMemory(
    "max-memory",
    cl::desc("refuse models that would take more memory than this to "
             "compile or run (default 8G)"),
    cl::value_desc("size"), cl::init("8G"), cl::cat(category));
cl::opt<std::string>
    target("target",
           cl::desc("portable (the default on x86-64: one library with "
                    "AVX-512, AVX2 and SSE4.1 paths, the best the CPU has "
                    "chosen at its first call), host (this machine's CPU; "
                    "the default elsewhere) or a Halide target string; "
                    "several, A,B,... (each TARGET or TAG=TARGET), write a "
                    "library per target, DIR/NAME_TAG (TAG: cuda, opencl, "
                    "cpu for host and portable, else the architecture)"),
           cl::cat(category));
cl::opt<unsigned> jobs("jobs",
                       cl::desc("kernels compiled at once (0: all cores; at "
                                "most 256)"),
                       cl::init(0), cl::cat(category));
cl::opt<bool> quiet("quiet", cl::desc("no progress or timing on stderr"),
                    cl::cat(category));
CacheOptions cacheOptions(category, "compile every kernel: no kernel cache");
cl::opt<std::string> inputFile(
    "input",
    cl::desc("take the model from this .mlir file (stages, blocks, "
             "primitives or groups, as effnet-opt writes them) instead of a "
             "variant's table"),
    cl::value_desc("file.mlir"), cl::cat(category));
} // namespace

/// With --target A,B,...: the target and the -o of the library run()
/// compiles now.
static std::optional<std::string> eachTarget, eachOutput;

/// -o's value, or the library's of --target A,B,... being compiled.
static std::string outputName() {
  return eachOutput ? *eachOutput : outputPath.getValue();
}

/// --target's value, or the default: portable on x86-64 machines, host
/// elsewhere; but host for --emit=tiled and --input, whatever the machine:
/// tiled IR holds one target's schedules, so what --emit=tiled prints and
/// what --input reads back (effnetc --emit=tiled > t.mlir, edit,
/// effnetc --input t.mlir) are for one target, this machine's.
static std::string targetName() {
  if (eachTarget)
    return *eachTarget;
  if (target.getNumOccurrences())
    return target.getValue();
  if (inputFile.getNumOccurrences() ||
      (emit.getNumOccurrences() && emit.getValue() == Emit::Tiled))
    return "host";
  return codegen::defaultTarget();
}

/// An option's value for the pipeline, or nothing when it was not given.
template <typename T, typename Option>
static void passOn(const cl::opt<T> &given, Option &option) {
  if (given.getNumOccurrences())
    option = given.getValue();
}

/// Options that follow from how --weights names its tensors (given or
/// detected here, so that they reach the passes before weight binding):
/// EfficientNet-PyTorch ports TensorFlow's checkpoints, so they pad as
/// TensorFlow does (every convolution of that package does: another
/// --padding contradicts the file) and use its batch-norm epsilon. A file
/// that cannot be read or whose scheme cannot be told is left to
/// effnet-bind-weights to report.
static llvm::Error impliedByNaming(PipelineOptions &options) {
  std::optional<WeightNaming> scheme;
  if (naming.getNumOccurrences()) {
    scheme = lookupWeightNaming(naming);
  } else {
    llvm::Expected<SafetensorsFile> file = SafetensorsFile::open(weightsFile);
    if (!file) {
      llvm::consumeError(file.takeError());
      return llvm::Error::success();
    }
    llvm::Expected<WeightNaming> detected = detectWeightNaming(file->names());
    if (!detected) {
      llvm::consumeError(detected.takeError());
      return llvm::Error::success();
    }
    scheme = *detected;
    options.naming = getWeightNamingName(*scheme).str();
    if (!quiet)
      fmt::print(stderr, "effnetc: {}: tensors named as in {} (detected)\n",
                 weightsFile.getValue(), getWeightNamingName(*scheme).str());
  }
  if (scheme != WeightNaming::EfficientNetPyTorch)
    return llvm::Error::success();
  if (padding.getNumOccurrences() && padding != "tf-same")
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        fmt::format("--padding {} contradicts efficientnet-pytorch weights, "
                    "whose every convolution pads as TensorFlow does "
                    "(tf-same, implied when --padding is not given)",
                    padding.getValue()));
  std::string implied;
  if (!padding.getNumOccurrences()) {
    options.padding = "tf-same";
    implied += " --padding tf-same";
  }
  if (!bnEps.getNumOccurrences()) {
    options.bnEps = 1e-3;
    implied += " --bn-eps 1e-3";
  }
  if (!quiet && !implied.empty())
    fmt::print(stderr, "effnetc: efficientnet-pytorch weights imply{}\n",
               implied);
  return llvm::Error::success();
}

static int fail(const std::string &message) {
  fmt::print(stderr, "effnetc: error: {}\n", message);
  return 1;
}

/// What effnetc was asked to do.
struct Request {
  bool stats = false;
  bool emitting = false;
  bool compiling = false;
  bool fromFile = false;
  /// The variant, or for custom scaling the stage table.
  Variant variant = getVariants().front();
  PipelineOptions pipeline;
  /// The targets a library's paths are tiled and compiled for, best first
  /// (several for --target portable); empty below the tiled level.
  std::vector<std::string> targets;
};

/// The first of effnetc's options that takes a value and was given more than
/// once, if any. LLVM's cl::opt keeps the last of repeated values silently
/// (cl::Optional allows repeats since LLVM 15); two -o or two --target are
/// a mistake to report, not to guess at. A repeated flag (--quiet) says the
/// same thing twice and is fine.
static std::optional<std::string> findRepeatedOption() {
  // The first by name, whatever the map's order.
  const cl::Option *first = nullptr;
  for (const auto &entry : cl::getRegisteredOptions()) {
    const cl::Option *option = entry.second;
    if (entry.first() == option->ArgStr &&
        llvm::is_contained(option->Categories, &category) &&
        option->getValueExpectedFlag() == cl::ValueRequired &&
        option->getNumOccurrences() > 1 &&
        (!first || option->ArgStr < first->ArgStr))
      first = option;
  }
  if (!first)
    return std::nullopt;
  return fmt::format("{}{} is given {} times: give it once",
                     first->ArgStr.size() == 1 ? "-" : "--",
                     first->ArgStr.str(), first->getNumOccurrences());
}

/// Checks the combinations only effnetc knows about (ranges are checked by
/// the pass or the builder that takes each value) and gathers the pipeline
/// options that were given.
static llvm::Error readOptions(bool stats, Request &request) {
  auto error = [](const std::string &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  if (std::optional<std::string> repeated = findRepeatedOption())
    return error(*repeated);
  request.stats = stats;
  request.emitting = emit.getNumOccurrences() > 0;
  request.compiling = outputPath.getNumOccurrences() > 0;
  request.fromFile = inputFile.getNumOccurrences() > 0;
  if (!request.stats && !request.emitting && !request.compiling)
    return error("nothing to do: give -o DIR/NAME, --stats or --emit=LEVEL");
  bool custom = phi.getNumOccurrences() || width.getNumOccurrences() ||
                depth.getNumOccurrences();
  if (request.fromFile &&
      (variantName.getNumOccurrences() || custom ||
       numClasses.getNumOccurrences() || batch.getNumOccurrences() ||
       inChannels.getNumOccurrences()))
    return error("--input takes the model from the file: drop --variant, "
                 "--phi, --width, --depth, --num-classes, --in-channels and "
                 "--batch");
  std::string name =
      variantName.getNumOccurrences() ? variantName.getValue() : "b0";
  std::optional<Variant> variant = lookupVariant(name);
  if (!variant)
    return error(fmt::format("unknown variant '{}' (expected one of {})", name,
                             listVariantNames()));
  if (custom && variant->name != variant->table)
    return error(fmt::format(
        "--phi, --width and --depth scale a stage table: give --variant {} "
        "(the table of {}), or no --variant",
        variant->table.str(), name));
  request.variant = *variant;
  if (request.compiling && batch.getNumOccurrences() && batch != 1)
    return error("-o compiles a library that takes any batch at run time; "
                 "leave --batch at 1");
  // What codegen takes is checked before anything is built.
  if (request.compiling)
    if (llvm::Error err = codegen::checkOutputPath(outputName()))
      return err;
  if (llvm::Error err = codegen::checkJobs(jobs))
    return err;
  if (normalize.getNumOccurrences())
    if (llvm::Error err = codegen::checkNormalization(normalize))
      return err;

  PipelineOptions &options = request.pipeline;
  if (!custom && !request.fromFile)
    options.variant = variant->name.str();
  passOn(phi, options.phi);
  passOn(width, options.width);
  passOn(depth, options.depth);
  passOn(resolution, options.resolution);
  passOn(weightsFile, options.weights);
  passOn(naming, options.naming);
  passOn(randomWeights, options.randomSeed);
  passOn(schedules, options.schedules);
  passOn(retile, options.retile);
  passOn(maxMemory, options.maxMemory);
  passOn(padding, options.padding);
  passOn(outputs, options.outputs);
  passOn(bnEps, options.bnEps);

  // The deepest level asked for; the statistics are those of the model as
  // written (primitives, before batch norms fold).
  bool emitCode = request.emitting && (emit.getValue() == Emit::Plan ||
                                       emit.getValue() == Emit::Driver);
  Level deepest = Level::Stages;
  if (request.compiling || emitCode)
    deepest = Level::Tiled;
  else if (request.emitting)
    deepest = static_cast<Level>(emit.getValue());
  if (request.stats)
    deepest = std::max(deepest, Level::Primitives);
  options.level = deepest;
  if (naming.getNumOccurrences() || weightsFile.getNumOccurrences())
    if (llvm::Error err = impliedByNaming(options))
      return err;
  if (emitWeights.getNumOccurrences() &&
      (!request.emitting || (emit.getValue() != Emit::Groups &&
                             emit.getValue() != Emit::Tiled)))
    return error("--emit-weights says where --emit=groups and --emit=tiled "
                 "put the weights: give one of them");
  if (emitWeights.getNumOccurrences() && emitWeights.getValue().empty())
    return error("--emit-weights takes a file name, or 'inline'");
  if (retile.getNumOccurrences() && deepest < Level::Tiled)
    return error("--retile takes effect at the tiled level: give -o "
                 "DIR/NAME, --emit=tiled or --emit=plan");
  if (schedules.getNumOccurrences() && deepest < Level::Tiled)
    return error("--schedules takes effect at the tiled level: give -o "
                 "DIR/NAME, --emit=tiled or --emit=plan");
  if (normalize.getNumOccurrences() && !request.compiling && !emitCode)
    return error("--normalize shapes the library's 8-bit entry: give -o "
                 "DIR/NAME, --emit=plan or --emit=driver");
  if (fp16Weights && !request.compiling && !emitCode)
    return error("--fp16-weights shapes the library's weights: give -o "
                 "DIR/NAME, --emit=plan or --emit=driver");
  if ((resize.getNumOccurrences() || antialias.getNumOccurrences()) &&
      !request.compiling && !emitCode)
    return error("--resize and --antialias shape the library's image entry: "
                 "give -o DIR/NAME, --emit=plan or --emit=driver");
  // Schedules are chosen for what Halide will compile for.
  if (deepest >= Level::Tiled) {
    llvm::Expected<std::vector<std::string>> resolved =
        codegen::expandTargets(targetName());
    if (!resolved)
      return resolved.takeError();
    request.targets = *resolved;
    options.target = resolved->front();
  }
  return llvm::Error::success();
}

/// The model at the stage level (or the level of the --input file).
static FailureOr<OwningOpRef<ModuleOp>> buildModel(MLIRContext &context,
                                                   const Request &request) {
  if (request.fromFile) {
    // The file is read whole: it must fit the memory limit.
    llvm::Expected<uint64_t> limit = parseBytes(maxMemory);
    if (!limit) {
      fmt::print(stderr, "effnetc: error: --max-memory {}\n",
                 llvm::toString(limit.takeError()));
      return failure();
    }
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
        readInputFile(inputFile, *limit, "input file");
    if (!buffer) {
      fmt::print(stderr, "effnetc: error: {}\n",
                 llvm::toString(buffer.takeError()));
      return failure();
    }
    if (llvm::Error err = checkTextNesting((*buffer)->getBuffer(),
                                           "input file", inputFile)) {
      fmt::print(stderr, "effnetc: error: {}\n",
                 llvm::toString(std::move(err)));
      return failure();
    }
    context.loadDialect<EffNetDialect, func::FuncDialect>();
    llvm::SourceMgr sources;
    sources.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
    OwningOpRef<ModuleOp> parsed = parseSourceFile<ModuleOp>(sources, &context);
    if (!parsed)
      return failure();
    return parsed;
  }
  ModelOptions modelOptions;
  modelOptions.numClasses = numClasses;
  modelOptions.batch = batch;
  modelOptions.inChannels = inChannels;
  return buildStageModel(&context, *lookupStageTable(request.variant.table),
                         modelOptions);
}

/// What codegen needs besides the tiled `model`, or a message.
static llvm::Expected<codegen::LibraryOptions>
getLibraryOptions(func::FuncOp model) {
  codegen::LibraryOptions library;
  library.output =
      outputPath.getNumOccurrences() ? outputName() : "model";
  library.target = targetName();
  library.threads = jobs.getValue();
  auto variantAttr = model->getAttrOfType<StringAttr>("effnet.variant");
  library.variant = variantAttr ? variantAttr.str() : "custom";
  // The header reports what the compiled function takes and returns: the
  // logits' classes, when they are among its outputs.
  auto input = model.getNumArguments() == 1
                   ? dyn_cast<RankedTensorType>(model.getArgumentTypes()[0])
                   : nullptr;
  if (!input || input.getRank() != 4 ||
      input.getDimSize(2) != input.getDimSize(3))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "expects the model to take N x C x R x R");
  library.inChannels = input.getDimSize(1);
  library.resolution = input.getDimSize(2);
  // The image entries exist for models of RGB input only (as the 8-bit
  // entry, whose --normalize the library refuses the same way).
  if ((resize.getNumOccurrences() || antialias.getNumOccurrences()) &&
      library.inChannels != 3)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        fmt::format("--resize and --antialias are for NAME_run_image, which "
                    "takes RGB images: this model takes {} channels",
                    library.inChannels));
  auto names = model->getAttrOfType<ArrayAttr>(kOutputsAttrName);
  for (auto [index, type] : llvm::enumerate(model.getResultTypes())) {
    auto name = names && index < names.size()
                    ? dyn_cast<StringAttr>(names[index])
                    : StringAttr();
    auto tensor = dyn_cast<RankedTensorType>(type);
    if ((!name || name.getValue() == "logits") && tensor &&
        tensor.getRank() == 2)
      library.numClasses = tensor.getDimSize(1);
  }
  if (normalize.getNumOccurrences())
    library.normalize = normalize.getValue();
  library.resize = resize.getNumOccurrences()
                       ? resize.getValue()
                       : defaultImageResize(library.variant, library.resolution);
  library.antialias = antialias;
  library.halfWeights = fp16Weights;
  library.verbose = !quiet;
  llvm::Expected<CacheChoice> cache = cacheOptions.resolve();
  if (!cache)
    return cache.takeError();
  library.cacheDir = cache->dir;
  library.cacheMaxBytes = cache->maxBytes;
  library.cacheOptional = !cache->named;
  return library;
}

/// What the progress line says was built or read: the variant by name.
static std::string describeSource(const Request &request) {
  if (request.fromFile)
    return inputFile.getValue() + " read";
  std::string table = request.variant.table.str();
  if (request.pipeline.variant.empty())
    return fmt::format("a custom scaling of the {} stage table built", table);
  std::string name = request.variant.name.str();
  if (name == table)
    return name + " built";
  return fmt::format("{} (the {} stage table, compound scaled) built", name,
                     table);
}

/// The deepest level whose passes an input file's IR has been through, or
/// none for a stage table (compound scaling may still change it).
static std::optional<Level> levelOfInput(ModuleOp module) {
  bool stages = false, blocks = false, groups = false;
  module.walk([&](Operation *op) {
    if (isa<StageOp>(op))
      stages = true;
    else if (isa<StemOp, MBConvOp, FusedMBConvOp, HeadOp>(op))
      blocks = true;
    else if (isa<GroupOp>(op))
      groups = true;
  });
  if (stages)
    return std::nullopt;
  if (groups)
    return Level::Groups;
  return blocks ? Level::Blocks : Level::Primitives;
}

/// Prints `module` for --emit, its bound weights as --emit-weights says:
/// inline, written to a file the IR names (once, for a portable library's
/// paths, which share them), or left out (the default, said once on
/// stderr). Fails with a message when the file cannot be written.
static llvm::Error printIR(ModuleOp module) {
  static bool weightsHandled = false;
  SmallVector<WeightOp> bound;
  module.walk([&](WeightOp weight) {
    if (weight.getValueAttr())
      bound.push_back(weight);
  });
  if (bound.empty() || emitWeights.getValue() == "inline") {
    module->print(llvm::outs());
    return llvm::Error::success();
  }
  OwningOpRef<ModuleOp> copy(module.clone());
  MLIRContext *context = module.getContext();
  if (!emitWeights.empty()) {
    if (!weightsHandled) {
      std::vector<std::vector<float>> storage;
      std::vector<F32Tensor> tensors;
      llvm::StringSet<> names;
      for (WeightOp weight : bound) {
        if (!names.insert(weight.getName()).second)
          return llvm::createStringError(
              llvm::inconvertibleErrorCode(),
              "--emit-weights: two weights are called '" +
                  weight.getName().str() + "'");
        FailureOr<std::vector<float>> values = weight.readValues();
        if (failed(values))
          return llvm::createStringError(llvm::inconvertibleErrorCode(), "");
        storage.push_back(std::move(*values));
        auto type = cast<RankedTensorType>(weight.getType());
        tensors.push_back({weight.getName().str(),
                           std::vector<int64_t>(type.getShape().begin(),
                                                type.getShape().end()),
                           storage.back()});
      }
      if (llvm::Error err = writeSafetensors(
              emitWeights.getValue(), tensors,
              {{"format", "pt"},
               {"written_by", "effnetc --emit-weights, canonical names"}}))
        return err;
      weightsHandled = true;
    }
    (*copy)->setAttr(kWeightsFileAttrName,
                     StringAttr::get(context, emitWeights.getValue()));
  } else {
    if (!weightsHandled && !quiet) {
      uint64_t bytes = 0;
      for (WeightOp weight : bound)
        bytes += cast<RankedTensorType>(weight.getType()).getNumElements() *
                 sizeof(float);
      fmt::print(stderr,
                 "effnetc: note: the weights ({:.1f} MiB) are left out of the "
                 "printed IR: --emit-weights FILE writes them to a file the "
                 "IR names, --emit-weights inline prints them\n",
                 double(bytes) / (1 << 20));
      weightsHandled = true;
    }
    (*copy)->setAttr(kWeightsLeftOutAttrName, UnitAttr::get(context));
  }
  copy->walk([](WeightOp weight) { weight.removeValueAttr(); });
  (*copy)->print(llvm::outs());
  return llvm::Error::success();
}

/// For --input: where the file's weights are, when it names a weights file
/// (relative to its folder, else to the current one) and no --weights is
/// given; an error when they were left out and neither --weights nor
/// --random-weights is given.
static llvm::Error findInputWeights(ModuleOp module, Request &request) {
  auto error = [](const std::string &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  if (weightsFile.getNumOccurrences() || randomWeights.getNumOccurrences())
    return llvm::Error::success();
  if (auto file = module->getAttrOfType<StringAttr>(kWeightsFileAttrName)) {
    llvm::SmallString<256> path(file.getValue());
    if (!llvm::sys::path::is_absolute(path)) {
      llvm::SmallString<256> beside(
          llvm::sys::path::parent_path(inputFile.getValue()));
      llvm::sys::path::append(beside, file.getValue());
      if (llvm::sys::fs::exists(beside))
        path = beside;
    }
    request.pipeline.weights = path.str().str();
    request.pipeline.naming = "canonical";
    return llvm::Error::success();
  }
  if (module->hasAttr(kWeightsLeftOutAttrName))
    return error(fmt::format(
        "{}: its weights were left out when it was printed: give --weights "
        "FILE (print it again with --emit-weights FILE to have one), or "
        "--random-weights S",
        inputFile.getValue()));
  return llvm::Error::success();
}

/// Reports `err` (empty: the diagnostics said it) and returns the exit code.
static int report(llvm::Error err) {
  std::string message = llvm::toString(std::move(err));
  return message.empty() ? 1 : fail(message);
}

/// Does what the parsed command line asks; returns the exit code.
static int run(bool stats) {
  Request request;
  if (llvm::Error err = readOptions(stats, request))
    return fail(llvm::toString(std::move(err)));

  using Clock = std::chrono::steady_clock;
  Clock::time_point start = Clock::now();
  MLIRContext context;
  // Every diagnostic becomes one line on stderr.
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      fmt::print(stderr, "effnetc: error: {}\n", describeDiagnostic(diag));
    else if (diag.getSeverity() == DiagnosticSeverity::Warning)
      fmt::print(stderr, "effnetc: warning: {}\n", describeDiagnostic(diag));
    return success();
  });

  FailureOr<OwningOpRef<ModuleOp>> module = buildModel(context, request);
  if (failed(module))
    return 1;
  if (request.fromFile)
    if (llvm::Error err = findInputWeights(**module, request))
      return fail(llvm::toString(std::move(err)));
  if (!quiet)
    fmt::print(stderr, "effnetc: {} in {:.2f} s\n", describeSource(request),
               std::chrono::duration<double>(Clock::now() - start).count());
  // The levels a file's IR has been through print nothing: their passes
  // find nothing to do.
  std::optional<Level> done;
  if (request.fromFile)
    done = levelOfInput(**module);
  auto functions = (*module)->getOps<func::FuncOp>();
  if (std::distance(functions.begin(), functions.end()) != 1)
    return fail("expects exactly one func.func holding the model");
  func::FuncOp model = *functions.begin();

  // Lower one level at a time, printing what was asked for on the way.
  std::optional<Level> emitLevel;
  if (request.emitting && emit.getValue() != Emit::Plan)
    emitLevel = static_cast<Level>(emit.getValue());
  // A failed print (--emit-weights' file) ends the run after the level.
  std::optional<std::string> printFailure;
  auto print = [&](ModuleOp printed) {
    if (printFailure)
      return;
    if (llvm::Error err = printIR(printed))
      printFailure = llvm::toString(std::move(err));
  };
  auto afterLevel = [&](Level level, double seconds) {
    if (!quiet && (!done || level > *done))
      fmt::print(stderr, "effnetc: {} in {:.2f} s\n",
                 describeLevel(level).str(), seconds);
    if (emitLevel == level)
      print(**module);
    if (request.stats && level == Level::Primitives)
      printStats(llvm::outs(), computeStats(model), perLayer);
  };
  // A portable library's paths: the model to groups once, then tiled for
  // each target in a copy of its own.
  std::vector<OwningOpRef<ModuleOp>> copies;
  std::vector<func::FuncOp> paths{model};
  if (request.targets.size() > 1 &&
      request.pipeline.level == Level::Tiled) {
    PipelineOptions grouped;
    grouped.copyOptionValuesFrom(request.pipeline);
    grouped.level = Level::Groups;
    if (failed(runEffNetPipeline(**module, grouped, afterLevel)))
      return 1;
    paths.clear();
    Clock::time_point tileStart = Clock::now();
    for (auto [index, pathTarget] : llvm::enumerate(request.targets)) {
      copies.push_back(OwningOpRef<ModuleOp>((*module)->clone()));
      PipelineOptions tiled;
      tiled.copyOptionValuesFrom(request.pipeline);
      tiled.target = pathTarget;
      PassManager pm(&context);
      addPassesForLevel(pm, Level::Tiled, tiled);
      if (failed(pm.run(*copies.back())))
        return 1;
      if (emitLevel == Level::Tiled) {
        llvm::outs() << "// path " << index + 1 << " of "
                     << request.targets.size() << ": " << pathTarget << "\n";
        print(*copies.back());
      }
      paths.push_back(*copies.back()->getOps<func::FuncOp>().begin());
    }
    if (!quiet)
      fmt::print(stderr, "effnetc: {} for {} targets in {:.2f} s\n",
                 describeLevel(Level::Tiled).str(), request.targets.size(),
                 std::chrono::duration<double>(Clock::now() - tileStart)
                     .count());
  } else if (failed(runEffNetPipeline(**module, request.pipeline,
                                      afterLevel))) {
    return 1;
  }
  if (printFailure)
    return printFailure->empty() ? 1 : fail(*printFailure);

  bool emitCode = request.emitting && (emit.getValue() == Emit::Plan ||
                                       emit.getValue() == Emit::Driver);
  if (!request.compiling && !emitCode)
    return 0;
  llvm::Expected<codegen::LibraryOptions> library = getLibraryOptions(model);
  if (!library)
    return report(library.takeError());
  if (request.emitting && emit.getValue() == Emit::Plan)
    if (llvm::Error err = codegen::printPlan(paths, *library, llvm::outs()))
      return report(std::move(err));
  if (request.emitting && emit.getValue() == Emit::Driver)
    if (llvm::Error err = codegen::printDriver(paths, *library, llvm::outs()))
      return report(std::move(err));
  if (request.compiling)
    if (llvm::Error err = codegen::emitLibrary(paths, *library))
      return report(std::move(err));
  return 0;
}

/// --target A,B,...: a library per target, each compiled as run() compiles
/// one, DIR/NAME_TAG (codegen::splitTargets gives the tags); a bad target
/// writes none, and the first compile that fails ends the run.
static int runEachTarget(bool stats) {
  if (!outputPath.getNumOccurrences() || emit.getNumOccurrences() || stats)
    return fail("--target with several targets writes a library per "
                "target: give -o DIR/NAME, and no --emit or --stats");
  llvm::Expected<std::vector<codegen::TaggedTarget>> targets =
      codegen::splitTargets(target);
  if (!targets)
    return fail(llvm::toString(targets.takeError()));
  // Every target is checked before any library is written.
  for (const codegen::TaggedTarget &one : *targets)
    if (llvm::Expected<std::vector<std::string>> checked =
            codegen::expandTargets(one.target);
        !checked)
      return fail(llvm::toString(checked.takeError()));
  for (const codegen::TaggedTarget &one : *targets) {
    eachTarget = one.target;
    eachOutput = outputPath.getValue() + "_" + one.tag;
    if (!quiet)
      fmt::print(stderr, "effnetc: {} for {}\n", *eachOutput, one.target);
    if (int status = run(stats))
      return status;
  }
  return 0;
}

/// effnetc --version: ours, then the two compilers inside.
static void printVersion(llvm::raw_ostream &os) {
  os << "effnetc " << EFFNET_VERSION << " (git " << EFFNET_REVISION << ")\n"
     << "  MLIR and LLVM " << LLVM_VERSION_STRING
     << ": the IR, its passes and the libraries' driver code\n"
     << "  Halide " << EFFNET_HALIDE_VERSION << " (with LLVM "
     << EFFNET_HALIDE_LLVM_VERSION << "): the kernels\n";
}

int main(int argc, char **argv) {
  reserveHugePageHeap();
  llvm::InitLLVM init(argc, argv);
  // LLVM's own -stats (pass statistics) would clash with ours: drop it before
  // ours is registered.
  if (cl::Option *llvmStats = cl::getRegisteredOptions().lookup("stats"))
    llvmStats->removeArgument();
  cl::opt<bool> printStatsOpt(
      "stats", cl::desc("print 'params: N' and 'macs: N'"), cl::cat(category));
  cl::HideUnrelatedOptions(category);
  cl::SetVersionPrinter(printVersion);
  cl::ParseCommandLineOptions(argc, argv, "EfficientNet compiler\n");
  setHostTargetResolver(codegen::resolveHostTarget);
  int status = llvm::StringRef(target.getValue()).contains(',')
                   ? runEachTarget(printStatsOpt)
                   : run(printStatsOpt);
  // A failed write of the IR or statistics (/dev/full) is one line; left
  // set, the stream's destructor would end the process with "LLVM ERROR".
  llvm::outs().flush();
  if (llvm::outs().has_error()) {
    std::string message = llvm::outs().error().message();
    llvm::outs().clear_error();
    return fail("cannot write standard output: " + message);
  }
  return status;
}
