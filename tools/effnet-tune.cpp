//===- effnet-tune.cpp - schedules tuned by measuring them ----------------===//
//
// Builds a model tiled with the default schedules for --target, tunes its
// kernels (tune/Tuner.h) and writes a schedule file that effnetc
// --schedules reads; `effnet-tune merge` joins the files of shards.
//
//===----------------------------------------------------------------------===//

#include "codegen/Codegen.h"
#include "codegen/Version.h"
#include "models/Files.h"
#include "models/Models.h"
#include "passes/Passes.h"
#include "tune/Tuner.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <fmt/core.h>

#include <cmath>
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

/// Writes `text` to `path` whole, or says why not.
llvm::Error writeFile(const std::string &path, const std::string &text) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return llvm::createStringError(
        ec, fmt::format("cannot write {}: {}", path, ec.message()));
  out.os() << text;
  out.os().flush();
  if (out.os().has_error()) {
    std::string message = out.os().error().message();
    out.os().clear_error();
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        fmt::format("cannot write {}: {}", path, message));
  }
  out.keep();
  return llvm::Error::success();
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
  if (llvm::Error err = writeFile(outputPath, text))
    return fail(llvm::toString(std::move(err)));
  if (!quiet)
    fmt::print(stderr, "effnet-tune: merged {} entries from {} files into {}\n",
               seen.size(), files.size(), outputPath.getValue());
  return 0;
}

/// The model tiled with the default schedules for the target.
FailureOr<OwningOpRef<ModuleOp>> buildTiled(MLIRContext &context,
                                            const std::string &resolved) {
  PipelineOptions options;
  options.level = Level::Tiled;
  options.target = resolved;
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
    if (phi.getNumOccurrences())
      options.phi = phi.getValue();
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
  if (failed(runEffNetPipeline(*module, options, [](Level, double) {})))
    return failure();
  return module;
}

int tuneCommand() {
  unsigned threads = *threadsOption;
  if (outputPath.empty())
    return fail("give -o FILE, the schedule file to write");
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

  MLIRContext context;
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      fmt::print(stderr, "effnet-tune: error: {}\n", describeDiagnostic(diag));
    return success();
  });
  FailureOr<OwningOpRef<ModuleOp>> module = buildTiled(context, *resolved);
  if (failed(module))
    return 1;
  auto functions = (**module).getOps<func::FuncOp>();
  if (std::distance(functions.begin(), functions.end()) != 1)
    return fail("expects exactly one func.func holding the model");

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
  llvm::SmallString<128> temporary;
  if (workDir.empty()) {
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("effnet-tune", temporary))
      return fail("cannot create a work folder: " + ec.message());
    options.setup.workDir = temporary.str().str();
  } else {
    options.setup.workDir = workDir;
  }
  llvm::Expected<tune::TuneResult> result =
      tune::tuneModel(*functions.begin(), options);
  // The whole model, once every kernel of this run was tuned: a run that
  // stopped early leaves it to the run that finishes.
  llvm::Error checked = llvm::Error::success();
  if (result && !result->stopped && modelRounds > 0)
    checked = tune::checkWholeModel(*functions.begin(), *result, options,
                                    batch, modelRounds);
  if (!temporary.empty())
    llvm::sys::fs::remove_directories(temporary);
  if (!result)
    return fail(llvm::toString(result.takeError()));
  if (checked)
    return fail("the whole-model check: " + llvm::toString(std::move(checked)));
  std::string text;
  llvm::raw_string_ostream os(text);
  tune::writeScheduleFile(os, *result, options);
  if (llvm::Error err = writeFile(outputPath, text))
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
      "  effnet-tune merge A.schedules B.schedules -o all.schedules\n");
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
