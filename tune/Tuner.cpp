//===- Tuner.cpp - schedules chosen by measuring them ---------------------===//

#include "tune/Tuner.h"

#include "codegen/Codegen.h"
#include "codegen/Plan.h"
#include "passes/Passes.h"
#include "tune/Space.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include <fmt/core.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace mlir;
using namespace mlir::effnet;
using namespace mlir::effnet::tune;

static llvm::Error fail(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// FNV-1a: the same value for a key on every run and build.
static uint64_t hashOf(llvm::StringRef text) {
  uint64_t hash = 1469598103934665603ull;
  for (char ch : text) {
    hash ^= static_cast<unsigned char>(ch);
    hash *= 1099511628211ull;
  }
  return hash;
}

static std::string printed(Attribute attr) {
  std::string text;
  llvm::raw_string_ostream(text) << attr;
  return text;
}

/// One line of text: a reason kept in the journal.
static std::string oneLine(std::string text) {
  for (char &ch : text)
    if (ch == '\n' || ch == '\t' || ch == '\r')
      ch = ' ';
  return text;
}

llvm::Error tune::writeTextFile(const std::string &path,
                                const std::string &text) {
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

std::string tune::describeCpu() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (llvm::StringRef(line).starts_with("model name")) {
      size_t colon = line.find(':');
      if (colon != std::string::npos)
        return llvm::StringRef(line).drop_front(colon + 1).trim().str();
    }
  return "unknown CPU";
}

namespace {

/// A measurement, as the journal keeps it.
struct Measurement {
  bool agrees = false;
  double candidateMs = 0, referenceMs = 0;
  std::string reason;
};

/// The journal: every measurement made so far, by kernel key and schedule,
/// appended to as new ones are made.
class Journal {
public:
  llvm::Error open(const std::string &path, const std::string &header) {
    this->path = path;
    if (llvm::sys::fs::exists(path)) {
      auto buffer = llvm::MemoryBuffer::getFile(path);
      if (!buffer)
        return fail(fmt::format("cannot read the journal {}: {}", path,
                                buffer.getError().message()));
      llvm::SmallVector<llvm::StringRef> lines;
      (*buffer)->getBuffer().split(lines, '\n');
      if (lines.empty() || lines.front() != header)
        return fail(fmt::format(
            "the journal {} was made for another target, thread count, "
            "seed, candidate count or compiler ('{}'): remove it, or "
            "tune into another file",
            path, lines.empty() ? "" : lines.front().str()));
      for (llvm::StringRef line : llvm::ArrayRef(lines).drop_front()) {
        if (line.empty())
          continue;
        llvm::SmallVector<llvm::StringRef> fields;
        line.split(fields, '\t');
        // A line cut short by a kill is dropped: its candidate is measured
        // again.
        Measurement m;
        if (fields.size() == 6 && fields[0] == "m" && fields[3] == "agrees" &&
            !fields[4].getAsDouble(m.candidateMs) &&
            !fields[5].getAsDouble(m.referenceMs)) {
          m.agrees = true;
        } else if (fields.size() == 5 && fields[0] == "m" &&
                   fields[3] == "rejected") {
          m.reason = fields[4].str();
        } else {
          continue;
        }
        entries[{fields[1].str(), fields[2].str()}] = m;
      }
      out.open(path, std::ios::app);
    } else {
      out.open(path);
      out << header << "\n";
      out.flush();
    }
    if (!out)
      return fail("cannot write the journal " + path);
    return llvm::Error::success();
  }

  const Measurement *find(const std::string &key, const std::string &text) {
    auto it = entries.find({key, text});
    return it == entries.end() ? nullptr : &it->second;
  }

  void add(const std::string &key, const std::string &text,
           const Measurement &m) {
    entries[{key, text}] = m;
    if (m.agrees)
      out << fmt::format("m\t{}\t{}\tagrees\t{:.6f}\t{:.6f}\n", key, text,
                         m.candidateMs, m.referenceMs);
    else
      out << fmt::format("m\t{}\t{}\trejected\t{}\n", key, text,
                         oneLine(m.reason));
    out.flush();
  }

private:
  std::string path;
  std::map<std::pair<std::string, std::string>, Measurement> entries;
  std::ofstream out;
};

std::string clock(double seconds) {
  int s = static_cast<int>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60,
                                 s % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}

} // namespace

llvm::Expected<TuneResult> tune::tuneModel(func::FuncOp func,
                                           const TuneOptions &o) {
  std::string diagnostics;
  ScopedDiagnosticHandler handler(func.getContext(), [&](Diagnostic &d) {
    diagnostics = d.str();
    return success();
  });
  FailureOr<codegen::ModelPlan> defaults = codegen::planModel(func);
  if (failed(defaults))
    return fail("cannot plan the model with its default schedules: " +
                diagnostics);

  // Distinct kernels, largest first (their multiply-adds), then by key.
  std::map<std::string, std::vector<GroupOp>> byKey;
  func.walk([&](GroupOp group) {
    if (group.getScheduleAttr())
      byKey[group.getKernelKey()].push_back(group);
  });
  struct Kernel {
    std::string key;
    int64_t macs;
  };
  std::vector<Kernel> kernels;
  for (auto &[key, groups] : byKey)
    kernels.push_back({key, analyzeGroup(groups.front()).macs});
  std::stable_sort(kernels.begin(), kernels.end(),
                   [](const Kernel &a, const Kernel &b) {
                     return a.macs > b.macs;
                   });
  TuneResult result;
  result.modelKernels = kernels.size();
  std::vector<Kernel> mine;
  for (size_t i = 0; i < kernels.size(); ++i)
    if (i % o.shardCount == o.shardIndex)
      mine.push_back(kernels[i]);

  Journal journal;
  std::string header = fmt::format(
      "# effnet-tune journal 1\ttarget {}\tthreads {}\tseed {}\tcandidates "
      "{}\tcompiler {}",
      o.target.halide, o.threads, o.seed, o.candidates, o.compilerVersion);
  if (llvm::Error err = journal.open(o.journalPath, header))
    return std::move(err);

  if (std::error_code ec =
          llvm::sys::fs::create_directories(o.setup.workDir))
    return fail(fmt::format("cannot create {}: {}", o.setup.workDir,
                            ec.message()));
  if (std::string message = prepareRunner(o.setup, o.target); !message.empty())
    return fail(message);
  // The kernels' parallel loops on the app's threads.
  setenv("HL_NUM_THREADS", std::to_string(o.threads).c_str(), 1);

  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  unsigned newMeasurements = 0;
  const uint64_t seed = o.seed;
  for (size_t index = 0; index < mine.size(); ++index) {
    const std::string &key = mine[index].key;
    GroupOp group = byKey[key].front();
    KernelOutcome outcome;
    outcome.key = key;
    outcome.defaults = group.getScheduleAttr();
    outcome.best = outcome.defaults;
    std::vector<std::string> names;
    for (GroupOp g : byKey[key])
      names.push_back(g.getName().str());
    outcome.groups = llvm::join(names, ", ");
    const codegen::KernelSpec *reference = nullptr;
    for (const codegen::Step &step : defaults->steps)
      if (step.name == group.getName())
        reference = &defaults->kernels[step.kernel];
    if (!reference)
      return fail("no step computes " + group.getName().str());
    outcome.what = codegen::describeKernel(*reference);

    // The reference is compiled when the first candidate is measured.
    std::string referenceObject =
        fmt::format("{}/reference-{}.o", o.setup.workDir, index);
    bool referenceReady = false;
    Space space(group, seed * 1000003 ^ hashOf(key));
    double bestRatio = 1;
    std::string defaultText = printed(outcome.defaults);
    for (unsigned i = 0; i < o.candidates; ++i) {
      // First around the default, then around the best so far.
      ScheduleAttr from = i < (o.candidates + 1) / 2 ? outcome.defaults
                                                      : outcome.best;
      ScheduleAttr candidate = space.near(from);
      if (!candidate)
        break;
      std::string text = printed(candidate);
      if (text == defaultText)
        continue;
      Measurement m;
      if (const Measurement *known = journal.find(key, text)) {
        m = *known;
      } else {
        if (o.maxMeasurements && newMeasurements >= o.maxMeasurements) {
          result.stopped = true;
          result.stopReason = fmt::format(
              "stopped after {} measurements (--max-measurements)",
              newMeasurements);
        } else if (o.budgetSeconds > 0 && elapsed() > o.budgetSeconds) {
          result.stopped = true;
          result.stopReason =
              fmt::format("stopped at the budget of {}", clock(o.budgetSeconds));
        }
        if (result.stopped)
          break;
        if (o.progress) {
          double done = index + static_cast<double>(i) / o.candidates;
          std::string eta =
              newMeasurements ? clock(elapsed() / done * (mine.size() - done))
                              : "?";
          fmt::print(stderr,
                     "effnet-tune: [{}/{}] {} ({}): candidate {}/{}, best "
                     "{:.2f}x, {} elapsed, about {} left\n",
                     index + 1, mine.size(), names.front(), outcome.what,
                     i + 1, o.candidates, bestRatio, clock(elapsed()), eta);
        }
        ++newMeasurements;
        if (!referenceReady) {
          describeArguments(*reference, seed, o.setup.workDir + "/reference");
          if (std::string message =
                  compileInChild(o.setup, *reference, "fuzz_reference",
                                 o.target, referenceObject);
              !message.empty())
            return fail(fmt::format("the default schedule of {} does not "
                                    "compile: {}",
                                    names.front(), message));
          referenceReady = true;
        }
        group.setScheduleAttr(candidate);
        FailureOr<codegen::ModelPlan> plan = codegen::planModel(func);
        group.setScheduleAttr(outcome.defaults);
        if (failed(plan)) {
          m.reason = "refused by the plan: " + diagnostics;
        } else {
          const codegen::KernelSpec *spec = nullptr;
          for (const codegen::Step &step : plan->steps)
            if (step.name == group.getName())
              spec = &plan->kernels[step.kernel];
          std::string object = o.setup.workDir + "/candidate.o";
          describeArguments(*spec, seed, o.setup.workDir + "/candidate");
          if (std::string message = compileInChild(
                  o.setup, *spec, "fuzz_candidate", o.target, object);
              !message.empty()) {
            m.reason = "does not compile: " + message;
          } else {
            std::string harnessError;
            RunResult run = runAgainstReference(
                o.setup, referenceObject, object, seed, {o.rounds, 0},
                harnessError);
            if (!harnessError.empty())
              return fail(harnessError);
            m.agrees = run.kind == RunResult::Kind::Agrees;
            m.candidateMs = run.candidateMs;
            m.referenceMs = run.referenceMs;
            if (!m.agrees)
              m.reason = run.kind == RunResult::Kind::Differs
                             ? "differs from the default: " + run.message
                             : run.message;
          }
        }
        journal.add(key, text, m);
      }
      ++outcome.measured;
      if (!m.agrees) {
        ++outcome.rejected;
        if (outcome.firstRejection.empty())
          outcome.firstRejection = m.reason;
        continue;
      }
      double ratio = m.referenceMs > 0 ? m.candidateMs / m.referenceMs : 1;
      if (outcome.fastestRatio == 0 || ratio < outcome.fastestRatio)
        outcome.fastestRatio = ratio;
      if (ratio < bestRatio) {
        bestRatio = ratio;
        outcome.best = candidate;
        outcome.bestMs = m.candidateMs;
        outcome.defaultMs = m.referenceMs;
      }
    }
    outcome.complete = !result.stopped;
    result.kernels.push_back(outcome);
    if (result.stopped)
      break;
  }
  return result;
}

bool tune::isTuned(const KernelOutcome &k) {
  return !k.dropped && !k.slowerInModel && k.best != k.defaults &&
         k.defaultMs > 0 &&
         k.bestMs < k.defaultMs * (1 - kMinGain);
}

void tune::writeScheduleFile(llvm::raw_ostream &os, const TuneResult &result,
                             const TuneOptions &o) {
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  // Through a runner, the times are the runner's machine's (or, under an
  // emulator, mean nothing): the file says which.
  std::string where =
      o.setup.runner.empty()
          ? "on " + describeCpu()
          : fmt::format("through '{}' (from {})", o.setup.runner,
                        describeCpu());
  os << fmt::format("# Tuned by effnet-tune ({}) {}, {}, for {} "
                    "(schedule class {}), {} thread{}.\n",
                    o.compilerVersion, where, date, o.target.halide,
                    o.scheduleClass, o.threads, o.threads == 1 ? "" : "s");
  os << "# Times are milliseconds per call of one kernel on one image, "
        "the candidate's and the default's measured in the same runs "
        "(medians of alternating rounds).\n";
  if (o.shardCount > 1)
    os << fmt::format("# Shard {}/{} of the model's {} kernels.\n",
                      o.shardIndex, o.shardCount, result.modelKernels);
  if (result.stopped)
    os << "# Incomplete: " << result.stopReason
       << "; kernels not reached keep their default schedules.\n";
  if (result.screen.done)
    os << fmt::format("# Each winner timed inside the model (batch {}, {} "
                      "alternating rounds, every winner in one model): {} of "
                      "{} kept, at least {:.0f}% faster there than the "
                      "default kernel in the default model.\n",
                      result.screen.batch, result.screen.rounds,
                      result.screen.kept, result.screen.screened,
                      kMinGain * 100);
  if (result.model.done)
    os << fmt::format("# The whole model, batch {}, medians of {} alternating "
                      "rounds: tuned {:.3f} ms, default {:.3f} ms ({:.2f}x); "
                      "{} tuned kernel{} dropped as the model was slower "
                      "with {}.\n",
                      result.model.batch, result.model.rounds,
                      result.model.tunedMs, result.model.defaultMs,
                      result.model.tunedMs / result.model.defaultMs,
                      result.model.dropped,
                      result.model.dropped == 1 ? "" : "s",
                      result.model.dropped == 1 ? "it" : "them");
  for (const KernelOutcome &k : result.kernels) {
    bool tuned = isTuned(k);
    os << fmt::format("# {} ({}): ", k.groups, k.what);
    if (tuned)
      os << fmt::format("tuned {:.4f} ms, default {:.4f} ms ({:.2f}x)", k.bestMs,
                        k.defaultMs, k.bestMs / k.defaultMs)
         << (k.inModelRatio > 0
                 ? fmt::format(", in the model {:.2f}x", k.inModelRatio)
                 : std::string());
    else
      os << "default kept"
         << (k.fastestRatio > 0
                 ? fmt::format(" (fastest candidate {:.2f}x)", k.fastestRatio)
                 : std::string());
    os << fmt::format(", {} candidates, {} rejected{}{}{}\n", k.measured,
                      k.rejected, k.complete ? "" : ", cut short",
                      k.slowerInModel
                          ? fmt::format(", {:.2f}x inside the model",
                                        k.inModelRatio)
                          : std::string(),
                      k.dropped ? ", dropped by the whole-model check" : "");
    if (tuned)
      writeScheduleEntry(os, {o.scheduleClass, k.key, k.best, ""});
  }
}

/// How the tuner compiles a whole model: for the target, quietly.
static codegen::LibraryOptions libraryOptions(func::FuncOp func,
                                              const TuneOptions &o) {
  auto input = cast<RankedTensorType>(func.getArgumentTypes()[0]);
  codegen::LibraryOptions library;
  library.target = o.target.halide;
  library.variant = "tuning";
  library.inChannels = input.getDimSize(1);
  library.resolution = input.getDimSize(2);
  library.verbose = false;
  library.cacheDir = o.setup.cacheDir;
  library.cacheMaxBytes = o.setup.cacheMaxBytes;
  return library;
}

llvm::Expected<double> tune::timeModel(func::FuncOp func, const TuneOptions &o,
                                       unsigned batch, unsigned rounds,
                                       double maxSeconds,
                                       const std::string &dir) {
  codegen::LibraryOptions library = libraryOptions(func, o);
  library.output = dir + "/model";
  if (llvm::Error err = codegen::emitLibrary(func, library))
    return std::move(err);
  std::string output;
  if (runShell(o.setup,
               fmt::format("{} -O2 -DONE_MODEL=model -include {}/model.h {} "
                           "{}/model.a -o {}/timer -lpthread -ldl -lm",
                           o.setup.cc, dir, EFFNET_MODEL_TIMER_SOURCE, dir,
                           dir),
               output))
    return fail("cannot build the model timer: " + oneLine(output));
  if (runShell(o.setup,
               fmt::format("{} {}/timer {} {} {} {}", o.setup.runner, dir,
                           rounds, batch, o.threads, maxSeconds),
               output))
    return fail("the model timer failed: " + oneLine(output));
  double ms = 0;
  size_t at = output.find("time: ");
  if (at == std::string::npos ||
      std::sscanf(output.c_str() + at, "time: %lf", &ms) != 1)
    return fail("the model timer printed no time: " + oneLine(output));
  return ms;
}

namespace {
/// The kernels of `result` that keep a tuned schedule, and the groups of
/// `func` by kernel key, to compile the model with their schedules.
struct TunedKernels {
  std::vector<KernelOutcome *> kernels;
  std::map<std::string, std::vector<GroupOp>> groups;

  TunedKernels(func::FuncOp func, TuneResult &result) {
    for (KernelOutcome &k : result.kernels)
      if (isTuned(k))
        kernels.push_back(&k);
    func.walk(
        [&](GroupOp group) { groups[group.getKernelKey()].push_back(group); });
  }

  /// Gives the groups of the kernels not dropped their tuned schedules
  /// (`tuned`), or every group its default again.
  void apply(bool tuned) {
    for (KernelOutcome *k : kernels)
      for (GroupOp group : groups[k->key])
        group.setScheduleAttr(tuned && !k->dropped ? k->best : k->defaults);
  }
};
} // namespace

llvm::Error tune::checkWholeModel(func::FuncOp func, TuneResult &result,
                                  const TuneOptions &o, unsigned batch,
                                  unsigned rounds) {
  TunedKernels winners(func, result);
  std::vector<KernelOutcome *> &tuned = winners.kernels;
  if (tuned.empty())
    return llvm::Error::success();

  codegen::LibraryOptions library = libraryOptions(func, o);
  std::string dir = o.setup.workDir + "/model";
  library.output = dir + "/default_schedules";
  if (llvm::Error err = codegen::emitLibrary(func, library))
    return err;

  // Those that gained least go first: inside the model where they were
  // timed there (screenInModel), else alone.
  auto gain = [](const KernelOutcome *k) {
    return k->inModelRatio > 0 ? k->inModelRatio : k->bestMs / k->defaultMs;
  };
  std::stable_sort(tuned.begin(), tuned.end(),
                   [&](const KernelOutcome *a, const KernelOutcome *b) {
                     return gain(a) > gain(b);
                   });
  ModelCheck &check = result.model;
  check.batch = batch;
  check.rounds = rounds;
  while (true) {
    winners.apply(true);
    library.output = dir + "/tuned";
    llvm::Error compiled = codegen::emitLibrary(func, library);
    winners.apply(false);
    if (compiled)
      return compiled;
    std::string output;
    if (runShell(o.setup,
                 fmt::format("{} -O2 -include {}/tuned.h -include "
                             "{}/default_schedules.h {} {}/tuned.a "
                             "{}/default_schedules.a -o {}/timer -lpthread "
                             "-ldl -lm",
                             o.setup.cc, dir, dir, EFFNET_MODEL_TIMER_SOURCE,
                             dir, dir, dir),
                 output))
      return fail("cannot build the model timer: " + output);
    if (runShell(o.setup,
                 fmt::format("{} {}/timer {} {} {}", o.setup.runner, dir,
                             rounds, batch, o.threads),
                 output))
      return fail("the model timer failed: " + output);
    size_t at = output.find("time: ");
    if (at == std::string::npos ||
        std::sscanf(output.c_str() + at, "time: %lf %lf", &check.tunedMs,
                    &check.defaultMs) != 2)
      return fail("the model timer printed no times: " + output);
    check.done = true;
    if (o.progress)
      fmt::print(stderr,
                 "effnet-tune: the model with {} tuned kernels: {:.3f} ms, "
                 "with the defaults {:.3f} ms ({:.2f}x)\n",
                 tuned.size() - check.dropped, check.tunedMs, check.defaultMs,
                 check.tunedMs / check.defaultMs);
    if (check.tunedMs <= check.defaultMs || check.dropped == tuned.size())
      break;
    // Slower: drop the half that gained least, at least one.
    unsigned left = tuned.size() - check.dropped;
    for (unsigned i = 0, drop = std::max(1u, left / 2); i < drop; ++i)
      tuned[check.dropped++]->dropped = true;
  }
  return llvm::Error::success();
}

llvm::Error tune::screenInModel(func::FuncOp func, TuneResult &result,
                                const TuneOptions &o, unsigned batch,
                                unsigned rounds) {
  TunedKernels winners(func, result);
  if (winners.kernels.empty())
    return llvm::Error::success();
  std::string diagnostics;
  ScopedDiagnosticHandler handler(func.getContext(), [&](Diagnostic &d) {
    diagnostics = d.str();
    return success();
  });
  std::string dir = o.setup.workDir + "/screen";
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return fail("cannot create '" + dir + "': " + ec.message());

  // Model 0 has every winner, model 1 the defaults; each plan says which
  // of its kernels (NAME_kN) each step runs.
  const char *names[2] = {"tuned", "default_schedules"};
  codegen::LibraryOptions library = libraryOptions(func, o);
  FailureOr<codegen::ModelPlan> plans[2] = {failure(), failure()};
  plans[1] = codegen::planModel(func);
  if (failed(plans[1]))
    return fail("cannot plan the model: " + diagnostics);
  library.output = dir + "/" + names[1];
  if (llvm::Error err = codegen::emitLibrary(func, library))
    return err;
  winners.apply(true);
  plans[0] = codegen::planModel(func);
  library.output = dir + "/" + names[0];
  llvm::Error compiled =
      failed(plans[0])
          ? fail("cannot plan the model with the winners: " + diagnostics)
          : codegen::emitLibrary(func, library);
  winners.apply(false);
  if (compiled)
    return compiled;

  // Every kernel's entry wrapped (the linker's --wrap: the driver's calls
  // go to the wrapper, which times the kernel itself).
  size_t count = std::max(plans[0]->kernels.size(), plans[1]->kernels.size());
  std::string wrappers = fmt::format(
      "/* Written by effnet-tune: each kernel of both models timed where "
      "the driver calls it. */\n"
      "#include <time.h>\n"
      "double effnet_kernel_seconds[2][{0}];\n"
      "long effnet_kernel_calls[2][{0}];\n"
      "static double now(void) {{\n"
      "  struct timespec t;\n"
      "  clock_gettime(CLOCK_MONOTONIC, &t);\n"
      "  return t.tv_sec + t.tv_nsec * 1e-9;\n"
      "}}\n",
      count);
  std::string flags;
  for (int m = 0; m < 2; ++m)
    for (size_t k = 0; k < plans[m]->kernels.size(); ++k) {
      std::string symbol = fmt::format("{}_k{}_argv", names[m], k);
      wrappers += fmt::format(
          "int __real_{0}(void **);\n"
          "int __wrap_{0}(void **args) {{\n"
          "  double start = now();\n"
          "  int status = __real_{0}(args);\n"
          "  effnet_kernel_seconds[{1}][{2}] += now() - start;\n"
          "  ++effnet_kernel_calls[{1}][{2}];\n"
          "  return status;\n"
          "}}\n",
          symbol, m, k);
      flags += " -Wl,--wrap=" + symbol;
    }
  std::string wrappersPath = dir + "/kernel_wrappers.c";
  if (llvm::Error err = writeTextFile(wrappersPath, wrappers))
    return err;
  std::string output;
  if (runShell(o.setup,
               fmt::format("{0} -O2 -DKERNEL_TIMES={1} -include {2}/tuned.h "
                           "-include {2}/default_schedules.h {3} {4} "
                           "{2}/tuned.a {2}/default_schedules.a{5} -o "
                           "{2}/timer -lpthread -ldl -lm",
                           o.setup.cc, count, dir, EFFNET_MODEL_TIMER_SOURCE,
                           wrappersPath, flags),
               output))
    return fail("cannot build the kernel timer: " + oneLine(output));
  if (runShell(o.setup,
               fmt::format("{} {}/timer {} {} {}", o.setup.runner, dir, rounds,
                           batch, o.threads),
               output))
    return fail("the kernel timer failed: " + oneLine(output));

  std::vector<double> seconds[2] = {std::vector<double>(count, 0),
                                    std::vector<double>(count, 0)};
  std::vector<long> calls[2] = {std::vector<long>(count, 0),
                                std::vector<long>(count, 0)};
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    int m, k;
    double s;
    long c;
    if (std::sscanf(line.c_str(), "kernel %d %d %lf %ld", &m, &k, &s, &c) ==
            4 &&
        m >= 0 && m < 2 && k >= 0 && size_t(k) < count) {
      seconds[m][k] = s;
      calls[m][k] = c;
    }
  }
  // Every step's kernel ran, and only those: else the library's kernels
  // are not numbered as its plan (a timer that times nothing decides
  // nothing).
  for (int m = 0; m < 2; ++m) {
    std::vector<bool> used(count, false);
    for (const codegen::Step &step : plans[m]->steps)
      used[step.kernel] = true;
    for (size_t k = 0; k < count; ++k)
      if (used[k] != (calls[m][k] > 0))
        return fail(fmt::format("the kernel timer's {} kernel {} {} (its "
                                "plan says otherwise): {}",
                                names[m], k,
                                used[k] ? "never ran" : "ran",
                                oneLine(output)));
  }

  ModelScreen &screen = result.screen;
  screen = ModelScreen();
  screen.batch = batch;
  screen.rounds = rounds;
  for (KernelOutcome *k : winners.kernels) {
    double time[2] = {0, 0};
    for (int m = 0; m < 2; ++m) {
      std::vector<bool> mine(count, false);
      for (GroupOp group : winners.groups[k->key])
        for (const codegen::Step &step : plans[m]->steps)
          if (step.name == group.getName())
            mine[step.kernel] = true;
      for (size_t i = 0; i < count; ++i)
        if (mine[i])
          time[m] += seconds[m][i];
    }
    if (time[1] <= 0)
      continue;
    ++screen.screened;
    k->inModelRatio = time[0] / time[1];
    k->slowerInModel = k->inModelRatio > 1 - kMinGain;
    if (!k->slowerInModel)
      ++screen.kept;
  }
  screen.done = true;
  if (o.progress)
    fmt::print(stderr,
               "effnet-tune: inside the model, {} of {} winners at least "
               "{:.0f}% faster than the default; the rest keep their "
               "defaults\n",
               screen.kept, screen.screened, kMinGain * 100);
  return llvm::Error::success();
}
