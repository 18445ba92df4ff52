//===- EffNetSchedule.cpp - the dialect's attributes: #effnet.schedule ----===//
//
// The storage and syntax of every attribute of the dialect (the padding mode
// is generated whole); the schedule's syntax and rules are written here.
//
//===----------------------------------------------------------------------===//

#include "dialect/EffNet.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::effnet;

#define GET_ATTRDEF_CLASSES
#include "dialect/EffNetAttrDefs.cpp.inc"

void EffNetDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialect/EffNetAttrDefs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Meaning
//===----------------------------------------------------------------------===//

LoopLevel mlir::effnet::loopLevelOf(Loop loop) {
  switch (loop) {
  case Loop::c:
    return LoopLevel::c;
  case Loop::x:
    return LoopLevel::x;
  default:
    return LoopLevel::y;
  }
}

Loop mlir::effnet::defaultParallelLoop(Producer producer) {
  return producer == Producer::weights ? Loop::x : Loop::y;
}

std::pair<int64_t, int64_t> ScheduleAttr::expansionTile() const {
  if (getExpandTile().size() == 2)
    return {getExpandTile()[0], getExpandTile()[1]};
  return {getTile()[0], getTile()[1]};
}

Placement ScheduleAttr::placementOf(Producer producer) const {
  for (const Placement &placement : getCompute())
    if (placement.producer == producer)
      return placement;
  Placement placement{producer, LoopLevel::inline_, LoopLevel::inline_};
  if (producer == Producer::acc)
    placement.compute = placement.store = loopLevelOf(getOrder().back());
  // A fused expansion is a convolution of its own: computed whole unless
  // the schedule says where.
  if (producer == Producer::expand)
    placement.compute = placement.store = LoopLevel::root;
  return placement;
}

/// How far out a level is: root 0, the tile loops 1..3 in `order`, inline 4.
std::optional<Loop>
mlir::effnet::unrolledInTasks(ArrayRef<Loop> unroll, ArrayRef<Loop> parallel) {
  if (parallel.empty())
    return std::nullopt;
  for (Loop loop : unroll)
    if (loop == Loop::c || llvm::is_contained(parallel, loop))
      return loop;
  return std::nullopt;
}

static int depthOf(LoopLevel level, ArrayRef<Loop> order) {
  if (level == LoopLevel::root)
    return 0;
  if (level == LoopLevel::inline_)
    return 4;
  for (auto [index, loop] : llvm::enumerate(order))
    if (loopLevelOf(loop) == level)
      return static_cast<int>(index) + 1;
  return 4;
}

bool ScheduleAttr::slidesAlong(Producer producer, Loop loop) const {
  Placement placement = placementOf(producer);
  if (placement.compute == LoopLevel::inline_)
    return false;
  int at = depthOf(loopLevelOf(loop), getOrder());
  return depthOf(placement.store, getOrder()) < at &&
         depthOf(placement.compute, getOrder()) >= at;
}

ExpansionChannels
mlir::effnet::expansionChannels(ScheduleAttr schedule,
                                const GroupStructure &structure) {
  ExpansionChannels channels;
  int64_t expanded = structure.inChannels;
  channels.tile = schedule.expansionTile().first;
  channels.atOnce = expanded;
  LoopLevel at = schedule.placementOf(Producer::expand).compute;
  if (structure.depthwise && at != LoopLevel::root &&
      depthOf(at, schedule.getOrder()) >=
          depthOf(LoopLevel::c, schedule.getOrder()))
    channels.atOnce = std::min(expanded, schedule.getTile()[0]);
  channels.shift = schedule.getVector() > 1 &&
                   (expanded % channels.tile != 0 ||
                    channels.atOnce % channels.tile != 0);
  return channels;
}

int64_t mlir::effnet::countUnrolledCopies(ArrayRef<int64_t> tile,
                                          int64_t vector,
                                          ArrayRef<Loop> unroll,
                                          int64_t windowW, int64_t windowH) {
  int64_t copies = 1;
  for (Loop loop : unroll)
    copies *= loop == Loop::c    ? tile[0] / vector
              : loop == Loop::x  ? tile[1]
              : loop == Loop::y  ? tile[2]
              : loop == Loop::kx ? windowW
                                 : windowH;
  return copies;
}

LogicalResult ScheduleAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, ArrayRef<int64_t> tile,
    int64_t vector, ArrayRef<Loop> order, ArrayRef<Loop> parallel,
    int64_t grain, ArrayRef<Loop> unroll, Tail tail,
    ArrayRef<Placement> compute, ArrayRef<Specialization> specialize,
    ArrayRef<int64_t> threads, ArrayRef<Producer> shared, Algorithm algorithm,
    Reduction reduce, ArrayRef<int64_t> expandTile, Tail innerTail,
    int64_t reduceThreads, std::optional<LoopLevel> winogradRows,
    Positions winogradPositions) {
  if (tile.size() != 3)
    return emitError() << "expects tile = [c, x, y], got " << tile.size()
                       << " sizes";
  for (int64_t size : tile)
    if (size < 1 || size > (1 << 20))
      return emitError() << "expects tile sizes in [1, 1048576], got " << size;
  if (vector < 1 || vector > 256 || (vector & (vector - 1)) != 0)
    return emitError()
           << "expects a vector width that is a power of two up to 256, got "
           << vector;
  if (tile[0] % vector != 0)
    return emitError() << "expects the channel tile (" << tile[0]
                       << ") to be a multiple of the vector width (" << vector
                       << ")";
  if (order.size() != 3 || !llvm::is_contained(order, Loop::c) ||
      !llvm::is_contained(order, Loop::x) ||
      !llvm::is_contained(order, Loop::y))
    return emitError() << "expects order to list c, x and y once each";
  if (parallel.size() > order.size() ||
      !llvm::equal(parallel, order.take_front(parallel.size())))
    return emitError()
           << "expects the parallel loops to be the outermost loops of order";
  if (grain < 1 || grain > (1 << 20))
    return emitError() << "expects grain in [1, 1048576], got " << grain;
  for (auto [index, loop] : llvm::enumerate(unroll))
    if (llvm::is_contained(unroll.take_front(index), loop))
      return emitError() << "expects each unrolled loop once, got '"
                         << stringifyLoop(loop) << "' twice";
  // Unrolling copies the body: a tile of thousands of unrolled iterations
  // would take the code generator minutes and gigabytes.
  // (The window's loops count once here; GroupOp::verifySchedule counts
  // them with the window's size.)
  int64_t copies = countUnrolledCopies(tile, vector, unroll, 1, 1);
  if (copies > kMaxUnrolledCopies)
    return emitError() << "expects at most " << kMaxUnrolledCopies
                       << " unrolled copies of a tile's body, got "
                       << copies;

  for (auto [index, placement] : llvm::enumerate(compute)) {
    StringRef name = stringifyProducer(placement.producer);
    for (const Placement &earlier : compute.take_front(index))
      if (earlier.producer == placement.producer)
        return emitError() << "expects '" << name << "' to be placed once";
    if ((placement.producer == Producer::acc ||
         placement.producer == Producer::expand) &&
        placement.compute == LoopLevel::inline_)
      return emitError() << "expects '" << name
                         << "' to be computed at a loop or at root: an "
                            "accumulation cannot be inlined";
    for (LoopLevel level : {placement.compute, placement.store}) {
      if (level == LoopLevel::root || level == LoopLevel::inline_)
        continue;
      // A parallel loop fused with others exists only under the name of the
      // innermost of them.
      ArrayRef<Loop> fusedAway =
          parallel.size() > 1 ? parallel.drop_back() : ArrayRef<Loop>();
      for (Loop fused : fusedAway)
        if (loopLevelOf(fused) == level)
          return emitError()
                 << "expects '" << name << "' at a loop that exists: '"
                 << stringifyLoopLevel(level)
                 << "' is fused into the parallel loop '"
                 << stringifyLoop(parallel.back()) << "'";
    }
    if ((placement.compute == LoopLevel::inline_) !=
        (placement.store == LoopLevel::inline_))
      return emitError() << "expects '" << name
                         << "' to be stored inline exactly when it is "
                            "computed inline";
    if (depthOf(placement.store, order) > depthOf(placement.compute, order))
      return emitError() << "expects '" << name
                         << "' to be stored at or outside the loop where it "
                            "is computed";
    // A buffer stored outside the parallel loop but filled inside it would
    // be written by every thread at once.
    int parallelDepth = static_cast<int>(parallel.size());
    if (placement.compute != LoopLevel::inline_ && parallelDepth > 0 &&
        depthOf(placement.store, order) < parallelDepth &&
        depthOf(placement.compute, order) >= parallelDepth)
      return emitError() << "expects '" << name
                         << "' to be stored inside the parallel loop '"
                         << stringifyLoop(parallel.back())
                         << "' where it is computed: its threads would share "
                            "one buffer";
    // A limit of Halide 14 found by test/schedule-fuzz: in tasks of several
    // iterations (grain > 1) a producer computed at the parallel loop is
    // computed for a task's tiles at once, a number of channels that
    // varies, and unrolling the channel loop of the accumulation or of a
    // fused expansion (code generation unrolls both as the tile) fails to
    // compile ("Can only unroll for loops over a constant extent") or
    // crashes the compiler. The input and weights passes are not unrolled.
    // The same holds for a parallel loop unrolled (parallel = [y, c],
    // unroll = [y]: a task spans a varying number of rows).
    bool unrolledByTile = placement.producer == Producer::acc ||
                          placement.producer == Producer::expand;
    std::optional<Loop> varying = unrolledInTasks(unroll, parallel);
    if (unrolledByTile && grain > 1 && varying &&
        placement.compute == loopLevelOf(parallel.back()))
      return emitError() << "expects '" << name
                         << "' not to be computed at the parallel loop '"
                         << stringifyLoop(parallel.back())
                         << "' with grain > 1 and '" << stringifyLoop(*varying)
                         << "' unrolled: a task computes it for several "
                            "tiles at once";
    // Inside a tile loop a producer already runs on the thread that runs
    // the tile; the accumulation and the broadcast value are not passes
    // code generation splits.
    if (placement.parallel && placement.compute != LoopLevel::root)
      return emitError() << "expects '" << name
                         << "' to be parallel only as a pass of its own, "
                            "computed at root";
    if (placement.across && *placement.across == Loop::c)
      return emitError() << "expects the parallel pass of '" << name
                         << "' to run 'x' or 'y' in parallel, got 'c' (the "
                            "channels are its vectors)";
    if (placement.across && (*placement.across == Loop::kx ||
                             *placement.across == Loop::ky))
      return emitError() << "expects the parallel pass of '" << name
                         << "' to run 'x' or 'y' in parallel, got '"
                         << stringifyLoop(*placement.across)
                         << "' (a window's loop)";
    if (placement.parallel && placement.producer != Producer::input &&
        placement.producer != Producer::weights &&
        placement.producer != Producer::expand)
      return emitError() << "expects only 'input', 'weights' and 'expand' "
                            "passes to be parallel, got '"
                         << name << "'";
  }

  // The convolution's operands feed the accumulator: they must exist when
  // and where it is computed.
  auto accAt = llvm::find_if(
      compute, [](const Placement &p) { return p.producer == Producer::acc; });
  int accDepth = accAt == compute.end() ? 3 : depthOf(accAt->compute, order);
  for (const Placement &placement : compute)
    if ((placement.producer == Producer::input ||
         placement.producer == Producer::weights ||
         placement.producer == Producer::expand) &&
        placement.compute != LoopLevel::inline_ &&
        depthOf(placement.compute, order) > accDepth)
      return emitError() << "expects '" << stringifyProducer(placement.producer)
                         << "' to be computed at or outside the loop where "
                            "'acc', which reads it, is computed";

  // Winograd's row transform feeds its input transform, computed where
  // 'input' is placed (or, inline, where 'acc' is).
  if (algorithm != Algorithm::winograd &&
      (winogradRows || winogradPositions != Positions::unrolled))
    return emitError() << "expects winograd_rows and winograd_positions only "
                          "with algorithm = winograd";
  if (winogradRows && *winogradRows != LoopLevel::inline_) {
    auto inputPlaced = llvm::find_if(compute, [](const Placement &p) {
      return p.producer == Producer::input;
    });
    bool inputInline = inputPlaced == compute.end() ||
                       inputPlaced->compute == LoopLevel::inline_;
    int readDepth =
        inputInline ? accDepth : depthOf(inputPlaced->compute, order);
    if (depthOf(*winogradRows, order) > readDepth)
      return emitError() << "expects winograd_rows at or outside the loop "
                            "where '"
                         << (inputInline ? "acc" : "input")
                         << "', which reads them, is computed, got '"
                         << stringifyLoopLevel(*winogradRows) << "'";
    if (parallel.size() > 1)
      for (Loop fused : parallel.drop_back())
        if (loopLevelOf(fused) == *winogradRows)
          return emitError()
                 << "expects winograd_rows at a loop that exists: '"
                 << stringifyLoopLevel(*winogradRows)
                 << "' is fused into the parallel loop '"
                 << stringifyLoop(parallel.back()) << "'";
  }

  // A fused expansion feeds the convolution's input as read (padded): where
  // that is placed, the expansion must exist already.
  auto inputAt = llvm::find_if(compute, [](const Placement &p) {
    return p.producer == Producer::input;
  });
  auto expandAt = llvm::find_if(compute, [](const Placement &p) {
    return p.producer == Producer::expand;
  });
  if (inputAt != compute.end() && expandAt != compute.end() &&
      inputAt->compute != LoopLevel::inline_ &&
      depthOf(expandAt->compute, order) > depthOf(inputAt->compute, order))
    return emitError() << "expects 'expand' to be computed at or outside the "
                          "loop where 'input', which reads it, is computed";

  for (auto [index, condition] : llvm::enumerate(specialize))
    if (llvm::is_contained(specialize.take_front(index), condition))
      return emitError() << "expects each specialization once, got '"
                         << stringifySpecialization(condition) << "' twice";

  if (!threads.empty()) {
    if (threads.size() != 3)
      return emitError() << "expects threads = [c, x, y], got "
                         << threads.size() << " counts";
    int64_t total = 1;
    for (int64_t count : threads) {
      if (count < 1 || count > 1024)
        return emitError() << "expects GPU thread counts in [1, 1024], got "
                           << count;
      total *= count;
    }
    if (reduceThreads < 1 || reduceThreads > 1024)
      return emitError() << "expects reduce_threads in [1, 1024], got "
                         << reduceThreads;
    total *= reduceThreads;
    if (total > 1024)
      return emitError() << "expects at most 1024 GPU threads per block, got "
                         << total
                         << (reduceThreads > 1 ? " (threads by reduce_threads)"
                                               : "");
    // A block computes a tile; each of its threads the same share of it.
    for (int d = 0; d < 3; ++d)
      if (tile[d] % threads[d] != 0)
        return emitError() << "expects each tile size to be a multiple of "
                              "the GPU threads along it, got tile "
                           << tile[d] << " over " << threads[d] << " threads";
    // The blocks are what runs in parallel on a GPU, and a thread computes
    // single values (no vector types yet).
    if (!parallel.empty())
      return emitError() << "expects no parallel loops with GPU threads (the "
                            "blocks run in parallel)";
    if (vector != 1)
      return emitError() << "expects vector = 1 with GPU threads (a thread "
                            "computes single values), got "
                         << vector;
  }
  if (threads.empty() && reduceThreads != 1)
    return emitError() << "expects reduce_threads only with GPU threads, got "
                       << reduceThreads;
  for (Producer producer : shared) {
    bool atLoop = llvm::any_of(compute, [&](const Placement &placement) {
      return placement.producer == producer &&
             placement.compute != LoopLevel::inline_ &&
             placement.compute != LoopLevel::root;
    });
    if (!atLoop)
      return emitError() << "expects '" << stringifyProducer(producer)
                         << "' in shared memory to be computed at a tile loop";
  }
  if (algorithm == Algorithm::winograd &&
      (tile[1] % 2 != 0 || tile[2] % 2 != 0))
    return emitError() << "expects even x and y tiles with algorithm = "
                          "winograd (2x2 output tiles), got "
                       << tile[1] << " x " << tile[2];
  if (algorithm == Algorithm::winograd && reduce == Reduction::row)
    return emitError() << "expects reduce = tile or pixel with algorithm = "
                          "winograd (its transformed tiles hold two rows)";
  if (!expandTile.empty()) {
    if (expandTile.size() != 2)
      return emitError() << "expects expand_tile = [c, x], got "
                         << expandTile.size() << " sizes";
    for (int64_t size : expandTile)
      if (size < 1 || size > (1 << 20))
        return emitError() << "expects expand_tile sizes in [1, 1048576], got "
                           << size;
    if (expandTile[0] % vector != 0)
      return emitError() << "expects the expansion's channel tile ("
                         << expandTile[0]
                         << ") to be a multiple of the vector width ("
                         << vector << ")";
    // The expansion's accumulators are unrolled as the output's are, over
    // its own tile.
    SmallVector<Loop> tileUnroll;
    for (Loop loop : unroll)
      if (loop == Loop::c || loop == Loop::x)
        tileUnroll.push_back(loop);
    int64_t expandCopies = countUnrolledCopies(
        {expandTile[0], expandTile[1], 1}, vector, tileUnroll, 1, 1);
    if (expandCopies > kMaxUnrolledCopies)
      return emitError() << "expects at most " << kMaxUnrolledCopies
                         << " unrolled copies of the expansion's tile, got "
                         << expandCopies;
  }
  (void)tail;
  (void)innerTail;
  return success();
}

//===----------------------------------------------------------------------===//
// Syntax
//===----------------------------------------------------------------------===//

namespace {

template <typename Enum>
ParseResult parseKeywordOf(AsmParser &parser, Enum &out,
                           std::optional<Enum> (*symbolize)(StringRef),
                           StringRef what) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  std::optional<Enum> value = symbolize(keyword);
  if (!value)
    return parser.emitError(loc)
           << "unknown " << what << " '" << keyword << "'";
  out = *value;
  return success();
}

template <typename Enum>
ParseResult parseKeywordList(AsmParser &parser, SmallVectorImpl<Enum> &out,
                             std::optional<Enum> (*symbolize)(StringRef),
                             StringRef what) {
  return parser.parseCommaSeparatedList(
      AsmParser::Delimiter::Square, [&]() -> ParseResult {
        Enum value;
        if (parseKeywordOf(parser, value, symbolize, what))
          return failure();
        out.push_back(value);
        return success();
      });
}

ParseResult parseIntegerList(AsmParser &parser, SmallVectorImpl<int64_t> &out) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                        [&]() -> ParseResult {
                                          int64_t value;
                                          if (parser.parseInteger(value))
                                            return failure();
                                          out.push_back(value);
                                          return success();
                                        });
}

template <typename Range, typename Print>
void printList(AsmPrinter &printer, const Range &range, Print print) {
  printer << "[";
  llvm::interleaveComma(range, printer.getStream(), print);
  printer << "]";
}

} // namespace

Attribute ScheduleAttr::parse(AsmParser &parser, Type) {
  SmallVector<int64_t> tile, threads;
  int64_t vector = 0, grain = 1;
  SmallVector<Loop> order, parallel, unroll;
  SmallVector<Placement> compute;
  SmallVector<Producer> shared;
  SmallVector<Specialization> specialize;
  Tail tail = Tail::shift;
  Algorithm algorithm = Algorithm::direct;
  Reduction reduce = Reduction::tile;
  SmallVector<int64_t> expandTile;
  Tail innerTail = Tail::guard;
  int64_t reduceThreads = 1;
  std::optional<LoopLevel> winogradRows;
  Positions winogradPositions = Positions::unrolled;
  llvm::StringSet<> seen;
  SMLoc start = parser.getCurrentLocation();

  auto parseField = [&]() -> ParseResult {
    SMLoc loc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return failure();
    if (!seen.insert(key).second)
      return parser.emitError(loc) << "'" << key << "' is given twice";
    if (key == "tile")
      return parseIntegerList(parser, tile);
    if (key == "vector")
      return parser.parseInteger(vector);
    if (key == "order")
      return parseKeywordList(parser, order, symbolizeLoop, "loop");
    if (key == "parallel")
      return parseKeywordList(parser, parallel, symbolizeLoop, "loop");
    if (key == "grain")
      return parser.parseInteger(grain);
    if (key == "unroll")
      return parseKeywordList(parser, unroll, symbolizeLoop, "loop");
    if (key == "tail")
      return parseKeywordOf(parser, tail, symbolizeTail, "tail strategy");
    if (key == "specialize")
      return parseKeywordList(parser, specialize, symbolizeSpecialization,
                              "specialization");
    if (key == "algorithm")
      return parseKeywordOf(parser, algorithm, symbolizeAlgorithm, "algorithm");
    if (key == "reduce")
      return parseKeywordOf(parser, reduce, symbolizeReduction, "reduction");
    if (key == "expand_tile")
      return parseIntegerList(parser, expandTile);
    if (key == "inner_tail")
      return parseKeywordOf(parser, innerTail, symbolizeTail, "tail strategy");
    if (key == "threads")
      return parseIntegerList(parser, threads);
    if (key == "shared")
      return parseKeywordList(parser, shared, symbolizeProducer, "producer");
    if (key == "reduce_threads")
      return parser.parseInteger(reduceThreads);
    if (key == "winograd_rows") {
      LoopLevel level = LoopLevel::inline_;
      if (parseKeywordOf(parser, level, symbolizeLoopLevel, "loop level"))
        return failure();
      winogradRows = level;
      return success();
    }
    if (key == "winograd_positions")
      return parseKeywordOf(parser, winogradPositions, symbolizePositions,
                            "positions");
    if (key == "compute")
      return parser.parseCommaSeparatedList(
          AsmParser::Delimiter::Braces, [&]() -> ParseResult {
            Placement placement;
            if (parseKeywordOf(parser, placement.producer, symbolizeProducer,
                               "producer") ||
                parser.parseEqual() ||
                parseKeywordOf(parser, placement.compute, symbolizeLoopLevel,
                               "level"))
              return failure();
            placement.store = placement.compute;
            if (succeeded(parser.parseOptionalKeyword("store")) &&
                parseKeywordOf(parser, placement.store, symbolizeLoopLevel,
                               "level"))
              return failure();
            placement.parallel =
                succeeded(parser.parseOptionalKeyword("parallel"));
            // An optional loop after `parallel`, kept only when it is not
            // the producer's default (so that both spellings are one
            // attribute).
            StringRef across;
            SMLoc acrossLoc = parser.getCurrentLocation();
            if (placement.parallel &&
                succeeded(parser.parseOptionalKeyword(&across))) {
              std::optional<Loop> loop = symbolizeLoop(across);
              if (!loop)
                return parser.emitError(acrossLoc)
                       << "unknown loop '" << across << "'";
              if (*loop != defaultParallelLoop(placement.producer))
                placement.across = loop;
            }
            compute.push_back(placement);
            return success();
          });
    return parser.emitError(loc)
           << "unknown schedule field '" << key
           << "' (expected tile, vector, order, parallel, grain, unroll, "
              "tail, compute, specialize, algorithm, reduce, expand_tile, "
              "inner_tail, winograd_rows, winograd_positions, threads, "
              "shared or reduce_threads)";
  };
  if (parser.parseLess() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::None, parseField) ||
      parser.parseGreater())
    return {};
  for (StringRef required : {"tile", "vector", "order"})
    if (!seen.contains(required)) {
      parser.emitError(start)
          << "expects the schedule to give '" << required << "'";
      return {};
    }
  return getChecked([&] { return parser.emitError(start); },
                    parser.getContext(), tile, vector, order, parallel, grain,
                    unroll, tail, compute, specialize, threads, shared,
                    algorithm, reduce, expandTile, innerTail, reduceThreads,
                    winogradRows, winogradPositions);
}

void ScheduleAttr::print(AsmPrinter &printer) const {
  auto loop = [&](Loop l) { printer << stringifyLoop(l); };
  auto integer = [&](int64_t i) { printer << i; };
  printer << "<tile = ";
  printList(printer, getTile(), integer);
  printer << ", vector = " << getVector() << ", order = ";
  printList(printer, getOrder(), loop);
  printer << ", parallel = ";
  printList(printer, getParallel(), loop);
  printer << ", grain = " << getGrain() << ", unroll = ";
  printList(printer, getUnroll(), loop);
  printer << ", tail = " << stringifyTail(getTail()) << ", compute = {";
  llvm::interleaveComma(getCompute(), printer.getStream(),
                        [&](const Placement &p) {
                          printer << stringifyProducer(p.producer) << " = "
                                  << stringifyLoopLevel(p.compute);
                          if (p.store != p.compute)
                            printer << " store " << stringifyLoopLevel(p.store);
                          if (p.parallel)
                            printer << " parallel";
                          if (p.parallel && p.across)
                            printer << " " << stringifyLoop(*p.across);
                        });
  printer << "}";
  if (!getSpecialize().empty()) {
    printer << ", specialize = ";
    printList(printer, getSpecialize(),
              [&](Specialization s) { printer << stringifySpecialization(s); });
  }
  if (getAlgorithm() != Algorithm::direct)
    printer << ", algorithm = " << stringifyAlgorithm(getAlgorithm());
  if (getReduce() != Reduction::tile)
    printer << ", reduce = " << stringifyReduction(getReduce());
  if (!getExpandTile().empty()) {
    printer << ", expand_tile = ";
    printList(printer, getExpandTile(), integer);
  }
  if (getInnerTail() != Tail::guard)
    printer << ", inner_tail = " << stringifyTail(getInnerTail());
  if (getWinogradRows())
    printer << ", winograd_rows = " << stringifyLoopLevel(*getWinogradRows());
  if (getWinogradPositions() != Positions::unrolled)
    printer << ", winograd_positions = "
            << stringifyPositions(getWinogradPositions());
  if (!getThreads().empty()) {
    printer << ", threads = ";
    printList(printer, getThreads(), integer);
  }
  if (!getShared().empty()) {
    printer << ", shared = ";
    printList(printer, getShared(),
              [&](Producer p) { printer << stringifyProducer(p); });
  }
  if (getReduceThreads() != 1)
    printer << ", reduce_threads = " << getReduceThreads();
  printer << ">";
}
