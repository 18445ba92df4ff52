//===- Tuner.h - schedules chosen by measuring them -------------*- C++ -*-===//
//
// effnet-tune's library. For every distinct kernel of a tiled model (its
// kernel key), largest first, candidates drawn around the default schedule
// and then around the best so far (tune/Space.h) are compiled and run
// against the default schedule's kernel on the same random inputs: one
// that does not compile, dies, takes too long or differs by more than 1e-5
// of the largest value is rejected with its reason; one that agrees is
// timed in the same process as the default, in alternating rounds after
// warm-up, on the thread count the app will use. Every measurement is
// appended to a journal as it is made, so a run that is stopped resumes
// where it was and measures nothing twice.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_TUNE_TUNER_H
#define EFFNET_TUNE_TUNER_H

#include "dialect/EffNet.h"
#include "tune/KernelRuns.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace mlir {
namespace effnet {
namespace tune {

struct TuneOptions {
  RunSetup setup;
  codegen::TargetDescription target;
  /// The schedule class entries are written for (ScheduleTarget).
  std::string scheduleClass;
  /// Threads the kernels' parallel loops run on, as in the app.
  unsigned threads = 2;
  /// Candidates measured per kernel.
  unsigned candidates = 12;
  /// Seconds the whole run may take (0: no limit); kernels not reached
  /// keep their default schedules.
  double budgetSeconds = 0;
  uint64_t seed = 1;
  /// This run tunes the kernels whose index (largest first) is
  /// shardIndex modulo shardCount.
  unsigned shardIndex = 0, shardCount = 1;
  /// The journal: created, or resumed when it exists.
  std::string journalPath;
  /// Stop after this many new measurements (0: no limit), as an
  /// interrupted run would.
  unsigned maxMeasurements = 0;
  /// Timing rounds per candidate.
  unsigned rounds = 7;
  /// A progress line per measurement on stderr.
  bool progress = true;
  /// Identifies the compiler: measurements of another are not reused.
  std::string compilerVersion;
};

/// What tuning found for one kernel key.
struct KernelOutcome {
  std::string key;
  /// What it computes (describeKernel) and the groups that use it.
  std::string what, groups;
  ScheduleAttr defaults, best;
  /// Milliseconds per call, measured in the same runs: the best
  /// candidate's and the default's (0 when nothing agreed).
  double bestMs = 0, defaultMs = 0;
  /// The fastest agreeing candidate's time over the default's in its run
  /// (0 when none agreed).
  double fastestRatio = 0;
  unsigned measured = 0, rejected = 0;
  /// Every candidate of the kernel was measured.
  bool complete = false;
  /// The first reason a candidate was rejected, for the record.
  std::string firstRejection;
  /// Dropped by the whole-model check: the model was not faster with it.
  bool dropped = false;
  /// Its time inside the model with every winner over the default
  /// schedule's inside the default model (screenInModel; 0: not screened).
  double inModelRatio = 0;
  /// Screened out: inside the model it was not kMinGain faster.
  bool slowerInModel = false;
};

/// The winners timed inside the whole model (screenInModel).
struct ModelScreen {
  bool done = false;
  unsigned batch = 1, rounds = 0;
  /// Winners screened, and those kept.
  unsigned screened = 0, kept = 0;
};

/// The whole model timed with the tuned schedules and with the defaults.
struct ModelCheck {
  bool done = false;
  double tunedMs = 0, defaultMs = 0;
  unsigned batch = 1, rounds = 0;
  /// Tuned kernels dropped until the model was not slower.
  unsigned dropped = 0;
};

struct TuneResult {
  std::vector<KernelOutcome> kernels;
  /// Kernels of the model, and of this shard.
  unsigned modelKernels = 0;
  /// The run stopped before the end (budget or maxMeasurements).
  bool stopped = false;
  std::string stopReason;
  ModelScreen screen;
  ModelCheck model;
};

/// Tunes the kernels of `model` (tiled: every group carries its default
/// schedule for the target).
llvm::Expected<TuneResult> tuneModel(func::FuncOp model,
                                     const TuneOptions &options);

/// Times every kernel inside the whole model: the model compiled with
/// every winner of `result` and with the defaults, `rounds` alternating
/// rounds of `batch` images a call, each kernel's calls timed where it
/// runs (its inputs fresh from the kernel before it, its weights wherever
/// the rest of the model left them). A winner is kept only where it was
/// at least kMinGain faster there than the default kernel in the default
/// model (a kernel timed alone reads its data from its own core's cache:
/// B0's squeeze-excite pools that won alone by 0.62x to 0.97x took 1.1x to
/// 3.3x in the model). Records the ratios and `result.screen`.
llvm::Error screenInModel(func::FuncOp model, TuneResult &result,
                          const TuneOptions &options, unsigned batch,
                          unsigned rounds);

/// Times the whole model (`batch` images a call, `rounds` alternating
/// rounds) compiled with the tuned schedules of `result` against the
/// defaults, and drops tuned kernels, those that gained least first, until
/// the model with the rest is not slower; records the times in
/// `result.model`.
llvm::Error checkWholeModel(func::FuncOp model, TuneResult &result,
                            const TuneOptions &options, unsigned batch,
                            unsigned rounds);

/// Compiles the whole `model` as it is scheduled into `dir` (which exists)
/// and times it on `batch` images a call: the median of `rounds` calls
/// after warm-up, on options.threads threads, through options.setup's
/// runner; the rounds end early (after 3) once they took `maxSeconds` (0:
/// no limit). Milliseconds per call.
llvm::Expected<double> timeModel(func::FuncOp model, const TuneOptions &options,
                                 unsigned batch, unsigned rounds,
                                 double maxSeconds, const std::string &dir);

/// A kernel's tuned schedule is kept when it ran at least this much faster
/// than the default in the same runs (smaller gains are within the noise
/// of one machine).
constexpr double kMinGain = 0.03;

/// Whether `kernel` keeps a tuned schedule (kMinGain).
bool isTuned(const KernelOutcome &kernel);

/// Writes the schedule file: a header saying what made it (CPU, date,
/// compiler, threads), then per tuned kernel (isTuned) a comment with both
/// times and the entry; the kernels that keep their default as comments.
void writeScheduleFile(llvm::raw_ostream &os, const TuneResult &result,
                       const TuneOptions &options);

/// Writes `text` to `path` whole (a file cut short by an error is
/// removed), or says why not: "cannot write PATH: REASON".
llvm::Error writeTextFile(const std::string &path, const std::string &text);

/// The CPU's model name (/proc/cpuinfo), or "unknown CPU".
std::string describeCpu();

} // namespace tune
} // namespace effnet
} // namespace mlir

#endif // EFFNET_TUNE_TUNER_H
