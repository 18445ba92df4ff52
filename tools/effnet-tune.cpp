//===- effnet-tune.cpp - schedules tuned by measuring them ----------------===//
//
// Builds a model tiled with the default schedules for --target, tunes its
// kernels (tune/Tuner.h) and writes a schedule file that effnetc
// --schedules reads; `effnet-tune merge` joins the files of shards.
//
//===----------------------------------------------------------------------===//

#include "codegen/Codegen.h"
#include "codegen/HalideNames.h"
#include "codegen/KernelCache.h"
#include "codegen/Version.h"
#include "models/Files.h"
#include "models/Models.h"
#include "passes/Passes.h"
#include "tools/CacheOptions.h"
#include "tune/PhiSearch.h"
#include "tune/Tuner.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <fmt/core.h>

#include <cmath>
#include <map>
#include <optional>
#include <set>

using namespace mlir;
using namespace mlir::effnet;
namespace cl = llvm::cl;

namespace {
cl::OptionCategory category("effnet-tune options");

cl::list<std::string> positional(cl::Positional,
                                 cl::desc("[merge FILE...]"),
                                 cl::cat(category));
cl::opt<std::string> variantName("variant",
                                 cl::desc("variant: b0-b7, v2_s, v2_m, v2_l "
                                          "(default b0)"),
                                 cl::value_desc("name"), cl::cat(category));
cl::opt<double> phi("phi", cl::desc("custom compound coefficient"),
                    cl::cat(category));
cl::opt<int64_t>
    resolution("resolution",
               cl::desc("input resolution (default: the variant's)"),
               cl::cat(category));
cl::opt<int64_t> numClasses("num-classes", cl::desc("classifier outputs"),
                            cl::init(1000), cl::cat(category));
cl::opt<std::string>
    inputFile("input",
              cl::desc("tune the model of this .mlir file (any level "
                       "effnetc --input takes)"),
              cl::value_desc("file.mlir"), cl::cat(category));
cl::opt<std::string>
    target("target", cl::desc("host (default) or a Halide target string"),
           cl::init("host"), cl::cat(category));
cl::opt<std::string> outputPath("o",
                                cl::desc("the schedule file to write"),
                                cl::value_desc("file"), cl::cat(category));
/// --threads, registered in main once the option of that name that a
/// library brings is dropped.
cl::opt<unsigned> *threadsOption = nullptr;
cl::opt<unsigned> candidates("candidates",
                             cl::desc("candidates measured per kernel "
                                      "(default 12)"),
                             cl::init(12), cl::cat(category));
cl::opt<unsigned> batch("batch",
                        cl::desc("images per call when the whole model is "
                                 "timed (default 1)"),
                        cl::init(1), cl::cat(category));
cl::opt<unsigned>
    modelRounds("model-rounds",
                cl::desc("alternating rounds that time the whole model, "
                         "tuned against the defaults (default 30; 0: no "
                         "whole-model check)"),
                cl::init(30), cl::cat(category));
cl::opt<double> budget("budget",
                       cl::desc("minutes the tuning may take (default 20; 0: "
                                "no limit); kernels not reached keep their "
                                "defaults"),
                       cl::init(20), cl::cat(category));
cl::opt<uint64_t> seed("seed", cl::desc("seed of the candidates (default 1)"),
                       cl::init(1), cl::cat(category));
cl::opt<std::string> shard("shard",
                           cl::desc("tune the I-th of N shares of the "
                                    "kernels (0 <= I < N)"),
                           cl::value_desc("I/N"), cl::cat(category));
cl::opt<std::string>
    journalPath("journal",
                cl::desc("the journal of measurements, resumed when it "
                         "exists (default: the output's path + .journal)"),
                cl::value_desc("file"), cl::cat(category));
CacheOptions cacheOptions(category,
                          "compile every candidate: no kernel cache");
cl::opt<std::string> workDir("work",
                             cl::desc("folder for objects and programs "
                                      "(default: a temporary one)"),
                             cl::value_desc("dir"), cl::cat(category));
cl::opt<std::string>
    runner("runner",
           cl::desc("a command the timing program runs through (ssh to a "
                    "board; qemu-aarch64 -L /usr/aarch64-linux-gnu, where "
                    "only correctness means anything)"),
           cl::value_desc("command"), cl::cat(category));
cl::opt<std::string> cc("cc",
                        cl::desc("the C compiler that links the timing "
                                 "program (default cc)"),
                        cl::init("cc"), cl::cat(category));
cl::opt<unsigned> limit("limit",
                        cl::desc("seconds a candidate's compile or run may "
                                 "take (default 120)"),
                        cl::init(120), cl::cat(category));
cl::opt<unsigned> maxMeasurements(
    "max-measurements",
    cl::desc("stop after this many new measurements, as a run that is "
             "interrupted does (for tests)"),
    cl::init(0), cl::Hidden, cl::cat(category));
cl::opt<bool> quiet("quiet", cl::desc("no progress on stderr"),
                    cl::cat(category));
cl::opt<double> budgetMs(
    "budget-ms",
    cl::desc("find the largest phi whose model runs within this many "
             "milliseconds a call (at --batch, on --threads threads) on the "
             "target; with -o, then tune it"),
    cl::value_desc("ms"), cl::cat(category));
cl::opt<double> phiMin("phi-min",
                       cl::desc("with --budget-ms, the smallest phi tried "
                                "(default -4)"),
                       cl::init(-4), cl::cat(category));
cl::opt<double> phiMax("phi-max",
                       cl::desc("with --budget-ms, the largest phi tried "
                                "(default 8)"),
                       cl::init(8), cl::cat(category));
cl::opt<double> phiStep("phi-step",
                        cl::desc("with --budget-ms, the steps between the "
                                 "phis tried (default 0.25)"),
                        cl::init(0.25), cl::cat(category));
cl::opt<std::string>
    schedulesFile("schedules",
                  cl::desc("with --budget-ms, schedules to time the models "
                           "with (a tuned file; the defaults elsewhere)"),
                  cl::value_desc("file"), cl::cat(category));

int fail(const std::string &message) {
  fmt::print(stderr, "effnet-tune: error: {}\n", message);
  return 1;
}

/// The compiler's version: the release, the git revision it was configured
/// at, and a hash of this very program, so that any rebuild (a change not
/// committed yet, or one built without re-running CMake) is another
/// version and its measurements are not mixed with the old ones.
std::string compilerVersion() {
  uint64_t hash = 1469598103934665603ull;
  if (auto binary = llvm::MemoryBuffer::getFile("/proc/self/exe",
                                                /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false))
    for (char ch : (*binary)->getBuffer()) {
      hash ^= static_cast<unsigned char>(ch);
      hash *= 1099511628211ull;
    }
  return fmt::format("effnet {} {} build {:08x}", EFFNET_VERSION,
                     EFFNET_REVISION, static_cast<uint32_t>(hash ^ (hash >> 32)));
}


/// `effnet-tune merge A B ... -o FILE`: the shards' files as one, their
/// comments kept; two entries for one kernel key and class are an error.
int merge(ArrayRef<std::string> files) {
  if (files.empty())
    return fail("merge: give the schedule files to merge");
  if (outputPath.empty())
    return fail("merge: give -o FILE");
  MLIRContext context;
  context.loadDialect<EffNetDialect>();
  std::string text;
  std::map<std::pair<std::string, std::string>, std::string> seen;
  for (const std::string &file : files) {
    llvm::Expected<std::vector<ScheduleEntry>> entries =
        readScheduleFile(file, &context);
    if (!entries)
      return fail(llvm::toString(entries.takeError()));
    for (const ScheduleEntry &entry : *entries) {
      auto [it, inserted] =
          seen.insert({{entry.targetClass, entry.key}, entry.where});
      if (!inserted)
        return fail(fmt::format("merge: {} and {} both give a schedule for "
                                "{} {}",
                                it->second, entry.where, entry.targetClass,
                                entry.key));
    }
    auto buffer = llvm::MemoryBuffer::getFile(file);
    if (!buffer)
      return fail("cannot read " + file);
    text += (*buffer)->getBuffer().str();
    if (!text.empty() && text.back() != '\n')
      text += "\n";
  }
  if (llvm::Error err = tune::writeTextFile(outputPath, text))
    return fail(llvm::toString(std::move(err)));
  if (!quiet)
    fmt::print(stderr, "effnet-tune: merged {} entries from {} files into {}\n",
               seen.size(), files.size(), outputPath.getValue());
  return 0;
}

/// The model tiled with the default schedules for the target (and those
/// of --schedules where given): --input's, or the --variant scaled to
/// `scaledTo` (a phi) or as it is. `stats`, when given, receives the
/// model's parameters and multiply-adds as effnetc --stats counts them.
FailureOr<OwningOpRef<ModuleOp>>
buildTiled(MLIRContext &context, const std::string &resolved,
           std::optional<double> scaledTo, ModelStats *stats = nullptr) {
  PipelineOptions options;
  options.level = Level::Tiled;
  options.target = resolved;
  if (!schedulesFile.empty())
    options.schedules = schedulesFile.getValue();
  OwningOpRef<ModuleOp> module;
  if (!inputFile.empty()) {
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
        readInputFile(inputFile, 1 << 30, "input file");
    if (!buffer) {
      fail(llvm::toString(buffer.takeError()));
      return failure();
    }
    context.loadDialect<EffNetDialect, func::FuncDialect>();
    llvm::SourceMgr sources;
    sources.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
    module = parseSourceFile<ModuleOp>(sources, &context);
    if (!module)
      return failure();
  } else {
    std::string name = variantName.empty() ? "b0" : variantName.getValue();
    std::optional<Variant> variant = lookupVariant(name);
    if (!variant) {
      fail(fmt::format("unknown variant '{}' (expected one of {})", name,
                       listVariantNames()));
      return failure();
    }
    if (scaledTo)
      options.phi = *scaledTo;
    else
      options.variant = variant->name.str();
    ModelOptions modelOptions;
    modelOptions.numClasses = numClasses;
    FailureOr<OwningOpRef<ModuleOp>> built = buildStageModel(
        &context, *lookupStageTable(variant->table), modelOptions);
    if (failed(built))
      return failure();
    module = std::move(*built);
  }
  if (resolution.getNumOccurrences())
    options.resolution = resolution.getValue();
  if (failed(runEffNetPipeline(*module, options, [&](Level level, double) {
        if (stats && level == Level::Primitives)
          for (auto func : module->getOps<func::FuncOp>())
            *stats = computeStats(func);
      })))
    return failure();
  return module;
}

/// The one function of a tiled model, or an error.
FailureOr<func::FuncOp> theModel(ModuleOp module) {
  auto functions = module.getOps<func::FuncOp>();
  if (std::distance(functions.begin(), functions.end()) != 1) {
    fail("expects exactly one func.func holding the model");
    return failure();
  }
  return *functions.begin();
}

/// Tunes the kernels of `model` with `options`, checks the whole model and
/// writes the schedule file (-o); `check` receives the whole-model times.
/// The exit status: 0, 1 (an error, printed) or 3 (stopped early).
int tuneAndWrite(func::FuncOp model, tune::TuneOptions &options,
                 tune::ModelCheck &check) {
  llvm::Expected<tune::TuneResult> result = tune::tuneModel(model, options);
  // The whole model, once every kernel of this run was tuned: a run that
  // stopped early leaves it to the run that finishes.
  llvm::Error checked = llvm::Error::success();
  if (result && !result->stopped && modelRounds > 0) {
    checked = tune::screenInModel(model, *result, options, batch, modelRounds);
    if (!checked)
      checked = tune::checkWholeModel(model, *result, options, batch,
                                      modelRounds);
  }
  if (!result)
    return fail(llvm::toString(result.takeError()));
  if (checked)
    return fail("the whole-model check: " + llvm::toString(std::move(checked)));
  check = result->model;
  std::string text;
  llvm::raw_string_ostream os(text);
  tune::writeScheduleFile(os, *result, options);
  if (llvm::Error err = tune::writeTextFile(outputPath, text))
    return fail(llvm::toString(std::move(err)));
  unsigned tuned = 0;
  for (const tune::KernelOutcome &k : result->kernels)
    tuned += tune::isTuned(k);
  if (!quiet)
    fmt::print(stderr, "effnet-tune: {} of {} kernels tuned{}; wrote {}{}\n",
               tuned, result->kernels.size(),
               options.shardCount > 1
                   ? fmt::format(" (shard {}/{} of {})", options.shardIndex,
                                 options.shardCount, result->modelKernels)
                   : "",
               outputPath.getValue(),
               result->stopped ? " (" + result->stopReason +
                                     ": run it again to go on)"
                               : "");
  // Stopped early: the file holds what was found, and a rerun resumes.
  return result->stopped ? 3 : 0;
}

/// What --budget-ms found for one phi.
struct Scaled {
  int64_t resolution = 0;
  ModelStats stats;
};

/// `effnet-tune --budget-ms X`: the largest phi of the grid whose model,
/// compiled for the target with the default schedules (and --schedules'),
/// runs within X ms (tune/PhiSearch.h); with -o, that model is then tuned
/// and timed again with its tuned schedules. Prints phi, the model's
/// resolution, width and depth multipliers, parameters, multiply-adds and
/// latency on stdout.
int budgetCommand(tune::TuneOptions &options, const std::string &resolved) {
  tune::PhiGrid grid{phiMin, phiMax, phiStep};
  if (std::string why = tune::checkPhiGrid(grid); !why.empty())
    return fail(why);
  // The timer stops a model's rounds after this long: one far over the
  // budget needs no more to say so.
  constexpr double kMaxTimingSeconds = 10;
  std::map<double, Scaled> scaled;
  auto measure = [&](double p) -> llvm::Expected<double> {
    MLIRContext context;
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error && message.empty())
        message = describeDiagnostic(diag);
      return success();
    });
    Scaled &s = scaled[p];
    FailureOr<OwningOpRef<ModuleOp>> module =
        buildTiled(context, resolved, p, &s.stats);
    FailureOr<func::FuncOp> model = failure();
    if (succeeded(module))
      model = theModel(**module);
    if (failed(model))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("phi {}: {}", p,
                      message.empty() ? "the model was not built" : message));
    s.resolution =
        cast<RankedTensorType>(model->getArgumentTypes()[0]).getDimSize(2);
    std::string dir = fmt::format("{}/phi{}", options.setup.workDir,
                                  scaled.size());
    if (std::error_code ec = llvm::sys::fs::create_directories(dir))
      return llvm::createStringError(ec, "cannot create " + dir + ": " +
                                             ec.message());
    llvm::Expected<double> ms =
        tune::timeModel(*model, options, batch, std::max(3u, modelRounds.getValue()),
                        kMaxTimingSeconds, dir);
    llvm::sys::fs::remove_directories(dir);
    if (!ms)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("phi {}: {}", p, llvm::toString(ms.takeError())));
    if (!quiet)
      fmt::print(stderr, "effnet-tune: phi {} ({} px): {:.3f} ms, {}\n", p,
                 s.resolution, *ms, *ms <= budgetMs ? "within the budget"
                                                    : "over the budget");
    return *ms;
  };
  llvm::Expected<tune::PhiChoice> choice =
      tune::searchPhi(grid, budgetMs, measure);
  if (!choice)
    return fail(llvm::toString(choice.takeError()));
  double chosen = choice->fits.phi, ms = choice->fits.ms;
  std::string how = schedulesFile.empty() ? "default schedules"
                                          : "schedules of " + schedulesFile;
  int status = 0;
  if (!outputPath.empty()) {
    MLIRContext context;
    ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error)
        fmt::print(stderr, "effnet-tune: error: {}\n",
                   describeDiagnostic(diag));
      return success();
    });
    FailureOr<OwningOpRef<ModuleOp>> module =
        buildTiled(context, resolved, chosen);
    if (failed(module))
      return 1;
    FailureOr<func::FuncOp> model = theModel(**module);
    if (failed(model))
      return 1;
    tune::ModelCheck check;
    status = tuneAndWrite(*model, options, check);
    if (status == 1)
      return status;
    // The whole-model check times the tuned model against the defaults;
    // with no kernel tuned (or stopped early), the search's time stands.
    if (check.done) {
      ms = check.tunedMs;
      how = "tuned schedules (" + outputPath + ")";
    }
  }
  const Scaled &s = scaled[chosen];
  fmt::print("phi {}: resolution {}, width x{:.4f}, depth x{:.4f}, {} "
             "parameters, {} multiply-adds, {:.3f} ms at batch {} on {} "
             "threads with {} (budget {} ms)\n",
             chosen, s.resolution, std::pow(kBeta, chosen),
             std::pow(kAlpha, chosen), s.stats.params, s.stats.macs, ms,
             batch.getValue(), options.threads, how, budgetMs.getValue());
  if (choice->over)
    fmt::print("next phi {}: {:.3f} ms, over the budget\n",
               choice->over->phi, choice->over->ms);
  else
    fmt::print("phi {} is --phi-max\n", chosen);
  return status;
}

int tuneCommand() {
  unsigned threads = *threadsOption;
  bool budgeted = budgetMs.getNumOccurrences();
  if (budgeted) {
    if (!(budgetMs > 0) || !std::isfinite(budgetMs))
      return fail("--budget-ms: expected milliseconds, more than 0");
    if (!inputFile.empty() || phi.getNumOccurrences() ||
        resolution.getNumOccurrences() || !shard.empty())
      return fail("--budget-ms chooses phi and with it the resolution: drop "
                  "--input, --phi, --resolution and --shard");
  } else {
    if (outputPath.empty())
      return fail("give -o FILE, the schedule file to write");
    for (cl::Option *option :
         std::initializer_list<cl::Option *>{&phiMin, &phiMax, &phiStep,
                                             &schedulesFile})
      if (option->getNumOccurrences())
        return fail(fmt::format("--{} goes with --budget-ms",
                                option->ArgStr.str()));
  }
  if (!inputFile.empty() &&
      (variantName.getNumOccurrences() || phi.getNumOccurrences() ||
       numClasses.getNumOccurrences()))
    return fail("--input takes the model from the file: drop --variant, "
                "--phi and --num-classes");
  if (threads < 1 || threads > 256)
    return fail(fmt::format("--threads {}: expected 1 to 256", threads));
  if (candidates < 1 || candidates > 100000)
    return fail(fmt::format("--candidates {}: expected 1 to 100000",
                            candidates));
  if (batch < 1 || batch > 4096)
    return fail(fmt::format("--batch {}: expected 1 to 4096", batch));
  if (modelRounds > 100000)
    return fail(fmt::format("--model-rounds {}: expected 0 to 100000",
                            modelRounds));
  if (!(budget >= 0) || !std::isfinite(budget))
    return fail("--budget: expected minutes, 0 or more");
  tune::TuneOptions options;
  if (!shard.empty()) {
    unsigned index = 0, count = 0;
    llvm::StringRef text(shard);
    auto [first, second] = text.split('/');
    if (first.getAsInteger(10, index) || second.getAsInteger(10, count) ||
        count < 1 || index >= count)
      return fail(fmt::format("--shard '{}': expected I/N with 0 <= I < N",
                              shard.getValue()));
    options.shardIndex = index;
    options.shardCount = count;
  }
  llvm::Expected<std::string> resolved = codegen::resolveTarget(target);
  if (!resolved)
    return fail("bad --target: " + llvm::toString(resolved.takeError()));
  llvm::Expected<codegen::TargetDescription> described =
      codegen::describeTarget(*resolved);
  if (!described)
    return fail("bad --target: " + llvm::toString(described.takeError()));
  llvm::Expected<ScheduleTarget> scheduleTarget =
      describeScheduleTarget(*resolved);
  if (!scheduleTarget)
    return fail("bad --target: " + llvm::toString(scheduleTarget.takeError()));

  options.target = *described;
  options.scheduleClass = scheduleTarget->className();
  options.threads = threads;
  options.candidates = candidates;
  options.budgetSeconds = budget * 60;
  options.seed = seed;
  options.journalPath =
      journalPath.empty() ? outputPath + ".journal" : journalPath.getValue();
  options.maxMeasurements = maxMeasurements;
  options.progress = !quiet;
  options.compilerVersion = compilerVersion();
  options.setup.cc = cc;
  options.setup.runner = runner;
  options.setup.limitSeconds = limit;
  llvm::Expected<CacheChoice> cacheChoice = cacheOptions.resolve();
  if (!cacheChoice)
    return fail(llvm::toString(cacheChoice.takeError()));
  std::optional<codegen::KernelCache> cache;
  if (!cacheChoice->dir.empty()) {
    if (!codegen::haveKernelNames())
      return fail("internal error: Halide's unique names are not counted "
                  "per kernel in this executable: use --no-cache");
    llvm::Expected<codegen::KernelCache> opened =
        codegen::KernelCache::open(cacheChoice->dir, cacheChoice->maxBytes);
    if (opened) {
      cache.emplace(std::move(*opened));
      options.setup.cache = &*cache;
      options.setup.cacheDir = cacheChoice->dir;
      options.setup.cacheMaxBytes = cacheChoice->maxBytes;
    } else if (cacheChoice->named) {
      return fail(llvm::toString(opened.takeError()));
    } else {
      llvm::consumeError(opened.takeError());
    }
  }
  auto trimCache = llvm::make_scope_exit([&] {
    if (!cache)
      return;
    cache->trim();
    if (!quiet)
      fmt::print(stderr,
                 "effnet-tune: kernel cache {}: {} kernels and runtimes "
                 "taken from it, {} compiled and stored\n",
                 cache->folder(), cache->hits(), cache->stores());
  });
  llvm::SmallString<128> temporary;
  if (workDir.empty()) {
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("effnet-tune", temporary))
      return fail("cannot create a work folder: " + ec.message());
    options.setup.workDir = temporary.str().str();
  } else {
    options.setup.workDir = workDir;
  }
  auto removeTemporary = llvm::make_scope_exit([&] {
    if (!temporary.empty())
      llvm::sys::fs::remove_directories(temporary);
  });
  if (budgeted)
    return budgetCommand(options, *resolved);

  MLIRContext context;
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      fmt::print(stderr, "effnet-tune: error: {}\n", describeDiagnostic(diag));
    return success();
  });
  std::optional<double> scaledTo;
  if (phi.getNumOccurrences())
    scaledTo = phi.getValue();
  FailureOr<OwningOpRef<ModuleOp>> module =
      buildTiled(context, *resolved, scaledTo);
  if (failed(module))
    return 1;
  FailureOr<func::FuncOp> model = theModel(**module);
  if (failed(model))
    return 1;
  tune::ModelCheck check;
  return tuneAndWrite(*model, options, check);
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  if (cl::Option *library = cl::getRegisteredOptions().lookup("threads"))
    library->removeArgument();
  cl::opt<unsigned> threadsOpt("threads",
                               cl::desc("threads the app runs the model on "
                                        "(default 2)"),
                               cl::init(2), cl::cat(category));
  threadsOption = &threadsOpt;
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "effnet-tune: schedules tuned per target by measuring them\n\n"
      "  effnet-tune --variant b0 --target host -o b0.schedules\n"
      "  effnet-tune merge A.schedules B.schedules -o all.schedules\n"
      "  effnet-tune --budget-ms 10 --target host   (the largest phi within "
      "10 ms)\n");
  setHostTargetResolver(codegen::resolveHostTarget);
  if (!positional.empty()) {
    if (positional.front() != "merge")
      return fail(fmt::format("unknown command '{}' (expected merge, or "
                              "options only)",
                              positional.front()));
    return merge(ArrayRef<std::string>(positional).drop_front());
  }
  return tuneCommand();
}
