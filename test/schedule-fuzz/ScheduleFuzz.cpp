//===- ScheduleFuzz.cpp - random schedules against the default ones -------===//
//
// effnet-schedule-fuzz: draws random #effnet.schedule attributes for the
// groups of a tiled model, from the whole space the attribute spans (every
// field, for every kind of group), and holds each to one rule: the verifier
// refuses it, or the kernel compiled with it computes what the kernel with
// the default schedule computes, within 1e-5 of the largest value, without
// touching memory outside its buffers (runner.c lays every buffer against an
// inaccessible page). Kernels are compiled one group at a time, each in a
// child process with a time limit, so a crash or a hang of the compiler is
// a finding, not the end of the run. Findings are written as schedule-file
// lines (`effnetc --schedules` reproduces them).
//
//===----------------------------------------------------------------------===//

#include "codegen/HalideKernels.h"
#include "tune/KernelRuns.h"
#include "codegen/Codegen.h"
#include "codegen/Plan.h"
#include "dialect/EffNet.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_os_ostream.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/core.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace mlir;
using namespace mlir::effnet;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile("input", cl::Required,
                                      cl::desc("a tiled model (.mlir)"));
static cl::opt<std::string>
    targetName("target", cl::Required,
               cl::desc("the Halide target the kernels are compiled for"));
static cl::opt<std::string>
    workDir("work", cl::Required,
            cl::desc("a folder for objects, programs and findings"));
static cl::opt<unsigned> draws("draws", cl::init(100),
                               cl::desc("schedules to draw"));
static cl::opt<double>
    seconds("seconds", cl::init(0),
            cl::desc("stop drawing after this many seconds (0: no limit)"));
static cl::opt<uint64_t> seed("seed", cl::init(1),
                              cl::desc("seed of the draws"));
static cl::opt<std::string> cc("cc", cl::init("cc"),
                               cl::desc("the C compiler that links a run"));
static cl::opt<std::string>
    runner("runner", cl::init(""),
           cl::desc("a command that runs the program (e.g. qemu-aarch64 -L "
                    "/usr/aarch64-linux-gnu)"));
static cl::opt<unsigned>
    limit("limit", cl::init(300),
          cl::desc("seconds a compile or a run may take"));
static cl::opt<bool> verbose("v", cl::desc("a line per draw"));
static cl::opt<std::string>
    replay("replay", cl::init(""),
           cl::desc("check the schedules of a schedule file (findings of "
                    "earlier runs) instead of drawing"));

namespace {

using codegen::KernelSpec;
using codegen::ModelPlan;

/// What a group has that a schedule can place (from the dialect's one
/// analysis of a group), and its output's extents.
struct Facts {
  bool accumulates = false, convolves = false, scalesInput = false;
  bool excites = false, expands = false, readsInput = false, winograd = false;
  int64_t extent[3] = {1, 1, 1};
  /// A fused expansion's channels.
  int64_t expanded = 0;
  /// The fewest channels a producer computes (inner_tail = shift needs a
  /// vector of them); a grouped convolution that is not depthwise.
  int64_t fewestChannels = 1;
  bool grouped = false;
};

Facts factsOf(GroupOp group) {
  GroupStructure structure = analyzeGroup(group);
  Facts f;
  f.accumulates = structure.accumulates();
  f.convolves = structure.convolves();
  f.scalesInput = static_cast<bool>(structure.inputScale);
  f.excites = static_cast<bool>(structure.broadcast);
  f.expands = static_cast<bool>(structure.expansion);
  f.readsInput = llvm::any_of(group.getInputs(), [](Value v) {
    return isa<BlockArgument>(v);
  });
  f.winograd = structure.fitsWinograd;
  f.extent[0] = structure.channels;
  f.extent[1] = structure.width;
  f.extent[2] = structure.height;
  if (f.expands)
    f.expanded = structure.inChannels;
  f.fewestChannels = structure.channels;
  if (f.convolves)
    f.fewestChannels = std::min(f.fewestChannels, structure.inChannels);
  f.grouped = structure.groups > 1 && !structure.depthwise;
  return f;
}

/// Random schedules over the attribute's whole space, mostly valid ones:
/// a draw that breaks a rule now and then tests the verifier.
class Drawer {
public:
  explicit Drawer(uint64_t seed) : rng(seed) {}

  ScheduleAttr draw(MLIRContext *context, const Facts &f,
                    ScheduleAttr defaults) {
    int64_t lanes = defaults.getVector();
    int64_t vector = pick<int64_t>({lanes, lanes, lanes, lanes / 2, lanes * 2, 1, 4,
                           8, 16, 32});
    vector = std::max<int64_t>(vector, 1);
    if (chance(0.02))
      vector = 3 + below(12);
    int64_t tile[3];
    tile[0] = vector * (1 + below(4));
    if (chance(0.1))
      tile[0] = vector * (1 + below(std::max<int64_t>(1, 4096 / vector)));
    if (chance(0.02))
      tile[0] += 1 + below(vector);
    for (int d = 1; d < 3; ++d) {
      tile[d] = 1 + below(std::min<int64_t>(16, f.extent[d] + 2));
      if (chance(0.08))
        tile[d] = f.extent[d] + 1 + below(40);
      if (f.winograd && chance(0.8))
        tile[d] = 2 * (1 + below(std::max<int64_t>(1, f.extent[d] / 2)));
    }
    SmallVector<Loop> order = {Loop::c, Loop::x, Loop::y};
    std::shuffle(order.begin(), order.end(), rng);
    int parallelCount = pick<int>({0, 1, 1, 1, 2, 2, 3});
    SmallVector<Loop> parallel(order.begin(), order.begin() + parallelCount);
    if (chance(0.02) && parallelCount == 1)
      parallel[0] = order[2];
    int64_t grain = chance(0.6) ? 1 : 1 + below(16);
    SmallVector<Loop> unroll;
    for (Loop loop : {Loop::c, Loop::x, Loop::y, Loop::kx, Loop::ky})
      if (chance(0.35))
        unroll.push_back(loop);
    std::shuffle(unroll.begin(), unroll.end(), rng);
    if (chance(0.01) && !unroll.empty())
      unroll.push_back(unroll.front());
    Tail tail = chance(0.5) ? Tail::guard : Tail::shift;

    SmallVector<Placement> compute;
    // Loops fused into the parallel loop exist only under its name.
    auto fusedAway = [&](LoopLevel l) {
      for (size_t i = 0; i + 1 < parallel.size(); ++i)
        if (static_cast<int>(parallel[i]) + 2 == static_cast<int>(l))
          return true;
      return false;
    };
    auto level = [&](bool inlineAllowed) {
      SmallVector<LoopLevel> levels = {LoopLevel::root};
      for (LoopLevel l : {LoopLevel::c, LoopLevel::x, LoopLevel::y})
        if (!fusedAway(l) || chance(0.05))
          levels.push_back(l);
      if (inlineAllowed) {
        levels.push_back(LoopLevel::inline_);
        levels.push_back(LoopLevel::inline_);
      }
      return levels[below(levels.size())];
    };
    auto outer = [&](LoopLevel at) {
      // A level at or outside `at` in `order` (root is outside all).
      if (at == LoopLevel::inline_ || at == LoopLevel::root || chance(0.7))
        return at;
      SmallVector<LoopLevel> levels = {LoopLevel::root};
      for (Loop loop : order) {
        LoopLevel l = loop == Loop::c   ? LoopLevel::c
                      : loop == Loop::x ? LoopLevel::x
                                        : LoopLevel::y;
        if (!fusedAway(l))
          levels.push_back(l);
        if (l == at)
          break;
      }
      return levels[below(levels.size())];
    };
    auto add = [&](Producer producer, bool exists, bool inlineAllowed) {
      if (!exists && !chance(0.02))
        return;
      if (!chance(0.75))
        return;
      Placement p;
      p.producer = producer;
      p.compute = level(inlineAllowed || chance(0.02));
      p.store = outer(p.compute);
      bool passes = producer == Producer::input ||
                    producer == Producer::weights ||
                    producer == Producer::expand;
      p.parallel = p.compute == LoopLevel::root && chance(passes ? 0.4 : 0.02);
      if ((p.parallel && chance(0.4)) || chance(0.01)) {
        Loop across = chance(0.03) ? Loop::c : chance(0.5) ? Loop::x : Loop::y;
        if (across != defaultParallelLoop(producer))
          p.across = across;
      }
      compute.push_back(p);
    };
    add(Producer::acc, f.accumulates, false);
    add(Producer::input, f.convolves, true);
    add(Producer::weights, f.convolves && f.scalesInput, true);
    add(Producer::excite, f.excites, true);
    add(Producer::expand, f.expands, false);
    std::shuffle(compute.begin(), compute.end(), rng);

    SmallVector<Specialization> specialize;
    if ((f.readsInput && chance(0.4)) || chance(0.01))
      specialize.push_back(Specialization::dense_rows);
    Algorithm algorithm = (f.winograd && chance(0.5)) || chance(0.01)
                              ? Algorithm::winograd
                              : Algorithm::direct;
    Reduction reduce = Reduction::tile;
    if (f.convolves || chance(0.02))
      reduce = pick<Reduction>(
          {Reduction::tile, Reduction::tile, Reduction::row, Reduction::pixel});
    Tail innerTail = chance(0.3) ? Tail::shift : Tail::guard;
    // Winograd's transforms: the rows' placement and the positions' loop.
    std::optional<LoopLevel> winogradRows;
    Positions winogradPositions = Positions::unrolled;
    if ((algorithm == Algorithm::winograd && chance(0.5)) || chance(0.01))
      winogradRows = level(true);
    if ((algorithm == Algorithm::winograd && chance(0.3)) || chance(0.01))
      winogradPositions = Positions::loop;
    SmallVector<int64_t, 2> expandTile;
    if ((f.expands && chance(0.5)) || chance(0.01)) {
      expandTile = {vector * static_cast<int64_t>(1 + below(6)),
                    static_cast<int64_t>(1 + below(16))};
      if (chance(0.02))
        expandTile[0] += 1;
    }
    // Most draws are mended to follow the rules the verifier is known to
    // hold them to, so that most reach the compiler; the rest test the
    // verifier.
    if (chance(0.8)) {
      mend(f, tile, vector, order, parallel, grain, unroll, tail, compute);
      if (algorithm == Algorithm::winograd && reduce == Reduction::row)
        reduce = Reduction::tile;
      if (!f.convolves)
        reduce = Reduction::tile;
      if (!f.expands)
        expandTile.clear();
      if (algorithm != Algorithm::winograd) {
        winogradRows.reset();
        winogradPositions = Positions::unrolled;
      }
      // The rows at or outside the loop that reads them: where 'input' is
      // computed, or 'acc' when the input is inline.
      if (winogradRows && *winogradRows != LoopLevel::inline_) {
        auto depth = [&](LoopLevel l) {
          if (l == LoopLevel::root)
            return 0;
          for (size_t i = 0; i < 3; ++i)
            if (static_cast<int>(order[i]) + 2 == static_cast<int>(l))
              return static_cast<int>(i) + 1;
          return 4;
        };
        int read = 3;
        for (const Placement &p : compute)
          if (p.producer == Producer::acc)
            read = std::min(read, depth(p.compute));
        for (const Placement &p : compute)
          if (p.producer == Producer::input && p.compute != LoopLevel::inline_)
            read = depth(p.compute);
        if (depth(*winogradRows) > read || fusedAway(*winogradRows))
          winogradRows = LoopLevel::root;
      }
      if (f.grouped || vector > f.fewestChannels)
        innerTail = Tail::guard;
      for (Placement &p : compute)
        if (!p.parallel || (p.across && *p.across == Loop::c))
          p.across.reset();
      if (!expandTile.empty()) {
        // A multiple of the vector that fits the expanded channels.
        expandTile[0] = std::max<int64_t>(vector, expandTile[0] / vector *
                                                      vector);
        if (vector > 1 && f.expanded % expandTile[0] != 0 &&
            expandTile[0] > f.expanded)
          expandTile[0] =
              vector * std::max<int64_t>(1, f.expanded / vector);
      }
    }
    // GPU fields are not drawn: CPU code generation refuses them by name.
    return ScheduleAttr::get(context, tile, vector, order, parallel, grain,
                             unroll, tail, compute, specialize, {}, {},
                             algorithm, reduce, expandTile, innerTail,
                             /*reduceThreads=*/1, winogradRows,
                             winogradPositions);
  }

  size_t below(size_t n) { return n ? rng() % n : 0; }

private:
  /// Makes a draw follow the verifier's rules on tiles, tails and
  /// placements (it still draws within them).
  void mend(const Facts &f, int64_t tile[3], int64_t &vector,
            ArrayRef<Loop> order, ArrayRef<Loop> parallel, int64_t grain,
            SmallVector<Loop> &unroll, Tail &tail,
            SmallVector<Placement> &compute) {
    if (vector > 1 && f.extent[0] % vector != 0 && tail == Tail::guard)
      vector = 1;
    if (tail == Tail::shift) {
      if (f.extent[0] < vector)
        tail = Tail::guard;
      else if (tile[0] > f.extent[0])
        tile[0] = vector * std::max<int64_t>(1, f.extent[0] / vector);
      for (int d = 1; d < 3; ++d)
        tile[d] = std::min(tile[d], f.extent[d]);
    }
    if (tail == Tail::guard) {
      if (vector > 1 && f.extent[0] % tile[0] != 0) {
        // A multiple of the vector that divides the channels.
        SmallVector<int64_t> fits;
        for (int64_t t = vector; t <= f.extent[0]; t += vector)
          if (f.extent[0] % t == 0)
            fits.push_back(t);
        if (fits.empty())
          vector = 1;
        else
          tile[0] = fits[below(fits.size())];
      }
      static const Loop loops[3] = {Loop::c, Loop::x, Loop::y};
      for (int d = 0; d < 3; ++d)
        if (f.extent[d] % tile[d] != 0)
          llvm::erase(unroll, loops[d]);
    }
    auto depth = [&](LoopLevel level) {
      if (level == LoopLevel::root)
        return 0;
      if (level == LoopLevel::inline_)
        return 4;
      for (auto [index, loop] : llvm::enumerate(order))
        if (static_cast<int>(loop) + 2 == static_cast<int>(level))
          return static_cast<int>(index) + 1;
      return 4;
    };
    auto find = [&](Producer producer) -> Placement * {
      for (Placement &p : compute)
        if (p.producer == producer)
          return &p;
      return nullptr;
    };
    // Operands at or outside the accumulation, the expansion at or outside
    // the input it feeds.
    Placement *acc = find(Producer::acc);
    LoopLevel accLevel = acc ? acc->compute
                             : static_cast<LoopLevel>(
                                   static_cast<int>(order.back()) + 2);
    Placement *input = find(Producer::input);
    for (Producer producer :
         {Producer::input, Producer::weights, Producer::expand}) {
      Placement *p = find(producer);
      if (!p || p->compute == LoopLevel::inline_)
        continue;
      LoopLevel limit = accLevel;
      if (producer == Producer::expand && input &&
          input->compute != LoopLevel::inline_ &&
          depth(input->compute) < depth(limit))
        limit = input->compute;
      if (depth(p->compute) > depth(limit))
        p->compute = limit;
      if (depth(p->store) > depth(p->compute))
        p->store = p->compute;
      if (p->compute != LoopLevel::root)
        p->parallel = false;
    }
    // In tasks of several iterations, channels are not unrolled where the
    // accumulation or the expansion is computed at the parallel loop (or
    // the accumulation is left to Halide).
    if (grain > 1 && !parallel.empty()) {
      LoopLevel parallelLevel = loopLevelOf(parallel.back());
      bool atTask = f.accumulates && !find(Producer::acc);
      for (Producer producer : {Producer::acc, Producer::expand})
        if (Placement *p = find(producer))
          atTask |= p->compute == parallelLevel;
      if (atTask)
        llvm::erase(unroll, Loop::c);
    }
    // Stored inside the parallel loop where computed inside it.
    int inner = static_cast<int>(parallel.size());
    for (Placement &p : compute)
      if (inner > 0 && p.compute != LoopLevel::inline_ &&
          depth(p.compute) >= inner && depth(p.store) < inner)
        p.store = p.compute;
  }

public:

  bool chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
  }
  template <typename T> T pick(std::initializer_list<T> values) {
    return values.begin()[below(values.size())];
  }
  std::mt19937_64 rng;
};

} // namespace

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(
      argc, argv,
      "random schedules checked against the default ones, a group at a time\n");
  setHostTargetResolver(codegen::resolveHostTarget);
  auto fail = [](const std::string &message) {
    fmt::print(stderr, "effnet-schedule-fuzz: error: {}\n", message);
    return 2;
  };
  // Kernels' parallel loops on two threads, whatever the machine.
  setenv("HL_NUM_THREADS", "2", 1);
  if (std::error_code ec = llvm::sys::fs::create_directories(workDir))
    return fail(fmt::format("cannot create {}: {}", workDir.getValue(),
                            ec.message()));

  DialectRegistry registry;
  registry.insert<EffNetDialect, func::FuncDialect>();
  MLIRContext context(registry);
  context.disableMultithreading();
  std::string diagnostics;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    diagnostics = d.str();
    return success();
  });
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(inputFile, &context);
  if (!module)
    return fail(fmt::format("cannot read {}: {}", inputFile.getValue(),
                            diagnostics));
  auto functions = module->getOps<func::FuncOp>();
  if (functions.empty())
    return fail("the input has no function");
  func::FuncOp func = *functions.begin();
  // Findings are keyed by the class the schedules were made for.
  std::string scheduleClass = "unknown";
  if (auto attr = (*module)->getAttrOfType<StringAttr>(kScheduleTargetAttrName))
    scheduleClass = attr.str();

  llvm::Expected<codegen::TargetDescription> described =
      codegen::describeTarget(targetName);
  if (!described)
    return fail(llvm::toString(described.takeError()));
  codegen::TargetDescription target = std::move(*described);
  FailureOr<ModelPlan> defaults = codegen::planModel(func);
  if (failed(defaults))
    return fail("cannot plan the model with its schedules: " + diagnostics);
  bool pixels = func.getArgument(0).getType() &&
                cast<RankedTensorType>(func.getArgument(0).getType())
                        .getDimSize(1) == 3;
  if (pixels)
    codegen::addPixelKernels(*defaults, {});

  // The groups, by kernel key, so that every distinct kernel is drawn alike.
  std::map<std::string, std::vector<GroupOp>> byKey;
  std::map<std::string, ScheduleAttr> original;
  func.walk([&](GroupOp group) {
    byKey[group.getKernelKey()].push_back(group);
    original[group.getName().str()] = group.getScheduleAttr();
  });
  std::vector<std::string> keys;
  for (auto &entry : byKey)
    keys.push_back(entry.first);

  // The runner and the Halide runtime, once.
  tune::RunSetup setup;
  setup.workDir = workDir;
  setup.cc = cc;
  setup.runner = runner;
  setup.limitSeconds = limit;
  if (std::string message = tune::prepareRunner(setup, target);
      !message.empty())
    return fail(message);

  std::ofstream findings(workDir + "/findings.txt", std::ios::app);
  std::map<std::string, std::string> references;
  unsigned refused = 0, agreed = 0, wrong = 0;

  // Holds `schedule` on `group` (its 8-bit twin when `twin`) to the rule;
  // counts and reports the verdict. False on a problem of the harness.
  auto check = [&](GroupOp group, bool twin, ScheduleAttr schedule,
                   const std::string &label) -> bool {
    std::string name = group.getName().str();
    int stepIndex = -1;
    for (size_t i = 0; i < defaults->steps.size(); ++i)
      if (defaults->steps[i].name == name)
        stepIndex = static_cast<int>(i);
    if (stepIndex < 0) {
      fail("no step computes " + name);
      return false;
    }
    auto kernelOf = [&](const ModelPlan &plan) {
      int kernel = plan.steps[stepIndex].kernel;
      return twin ? plan.pixelKernels[kernel] : kernel;
    };
    const KernelSpec &reference = defaults->kernels[kernelOf(*defaults)];
    std::string text;
    llvm::raw_string_ostream(text) << Attribute(schedule);
    std::string what = name + (twin ? " (8-bit)" : "");
    auto report = [&](const std::string &verdict) {
      if (verbose)
        fmt::print("{}: {}: {}: {}\n", label, what, verdict, text);
    };

    // The verifier's word first.
    diagnostics.clear();
    if (failed(group.verifySchedule(schedule))) {
      ++refused;
      report("refused (" + diagnostics + ")");
      return true;
    }
    group.setScheduleAttr(schedule);
    FailureOr<ModelPlan> plan = codegen::planModel(func);
    group.setScheduleAttr(original[name]);
    std::string verdict;
    if (failed(plan)) {
      verdict = "accepted by the verifier, refused by the plan: " + diagnostics;
    } else {
      if (twin)
        codegen::addPixelKernels(*plan, {});
      const KernelSpec &candidate = plan->kernels[kernelOf(*plan)];
      std::string &referenceObject = references[reference.key];
      if (referenceObject.empty()) {
        referenceObject = fmt::format("{}/reference{}.o", workDir.getValue(),
                                      references.size());
        if (std::string message = tune::compileInChild(
                setup, reference, "fuzz_reference", target, referenceObject);
            !message.empty()) {
          fail("the default schedule of " + what +
               " does not compile: " + message);
          return false;
        }
      }
      std::string candidateObject = workDir + "/candidate.o";
      tune::describeArguments(candidate, seed, workDir + "/candidate");
      tune::describeArguments(reference, seed, workDir + "/reference");
      if (std::string message = tune::compileInChild(
              setup, candidate, "fuzz_candidate", target, candidateObject);
          !message.empty()) {
        verdict = "does not compile: " + message;
      } else {
        std::string harnessError;
        tune::RunResult result = tune::runAgainstReference(
            setup, referenceObject, candidateObject, seed, {}, harnessError);
        if (!harnessError.empty()) {
          fail(harnessError);
          return false;
        }
        if (result.kind == tune::RunResult::Kind::Agrees) {
          ++agreed;
          report("agrees");
          return true;
        }
        verdict = result.message;
      }
    }
    ++wrong;
    report("WRONG: " + verdict);
    fmt::print("effnet-schedule-fuzz: accepted and wrong: {} ({}): {}\n", what,
               label, verdict);
    findings << "# " << what << ", " << label << ": " << verdict << "\n";
    ScheduleEntry entry{scheduleClass, group.getKernelKey(),
                        schedule, ""};
    llvm::raw_os_ostream os(findings);
    writeScheduleEntry(os, entry);
    return true;
  };

  unsigned drawn = 0;
  if (!replay.empty()) {
    // Each line of the file, on every kernel of a group with its key (both
    // kernels of a group that reads the model input). A line whose schedule
    // the attribute's own verifier refuses counts as refused.
    auto buffer = llvm::MemoryBuffer::getFile(replay);
    if (!buffer)
      return fail("cannot read " + replay);
    SmallVector<StringRef> lines;
    (*buffer)->getBuffer().split(lines, '\n');
    for (auto [index, rawLine] : llvm::enumerate(lines)) {
      std::string where = fmt::format("{}:{}", replay.getValue(), index + 1);
      StringRef line = rawLine.trim();
      if (line.empty() || line.starts_with("#"))
        continue;
      auto [key, text] = line.split(' ').second.trim().split(' ');
      auto groups = byKey.find(key.str());
      if (groups == byKey.end())
        return fail(where + ": no group of the model has its key");
      diagnostics.clear();
      auto schedule =
          dyn_cast_or_null<ScheduleAttr>(parseAttribute(text.trim(), &context));
      if (!schedule) {
        if (!StringRef(diagnostics).starts_with("expects"))
          return fail(where + ": " + diagnostics);
        ++drawn;
        ++refused;
        if (verbose)
          fmt::print("{}: refused ({}): {}\n", where, diagnostics, text.str());
        continue;
      }
      GroupOp group = groups->second.front();
      int kernel = -1;
      for (const codegen::Step &step : defaults->steps)
        if (step.name == group.getName())
          kernel = step.kernel;
      for (bool twin : {false, true}) {
        if (twin &&
            (!pixels || kernel < 0 || defaults->pixelKernels[kernel] < 0))
          continue;
        ++drawn;
        if (!check(group, twin, schedule, where))
          return 2;
      }
    }
  } else {
    Drawer drawer(seed);
    auto start = std::chrono::steady_clock::now();
    for (; drawn < draws; ++drawn) {
      if (seconds > 0 && std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                                 .count() > seconds)
        break;
      const std::string &key = keys[drawer.below(keys.size())];
      GroupOp group = byKey[key][drawer.below(byKey[key].size())];
      int kernel = -1;
      for (const codegen::Step &step : defaults->steps)
        if (step.name == group.getName())
          kernel = step.kernel;
      bool twin = pixels && kernel >= 0 && defaults->pixelKernels[kernel] >= 0 &&
                  drawer.below(2) == 0;
      ScheduleAttr schedule = drawer.draw(&context, factsOf(group),
                                          original[group.getName().str()]);
      if (!check(group, twin, schedule,
                 fmt::format("seed {} draw {}", seed.getValue(), drawn)))
        return 2;
    }
  }
  fmt::print("effnet-schedule-fuzz: {} schedules on {} ({} kernels): {} "
             "refused by the verifier, {} accepted and agreeing, {} accepted "
             "and wrong\n",
             drawn, target.halide, keys.size(), refused, agreed, wrong);
  return wrong ? 1 : 0;
}
