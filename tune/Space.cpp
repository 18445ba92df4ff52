//===- Space.cpp - the schedules a tuner draws for a group ----------------===//

#include "tune/Space.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::effnet;
using namespace mlir::effnet::tune;

ScheduleFields ScheduleFields::of(ScheduleAttr s) {
  ScheduleFields f;
  f.tile.assign(s.getTile().begin(), s.getTile().end());
  f.vector = s.getVector();
  f.order.assign(s.getOrder().begin(), s.getOrder().end());
  f.parallel.assign(s.getParallel().begin(), s.getParallel().end());
  f.unroll.assign(s.getUnroll().begin(), s.getUnroll().end());
  f.grain = s.getGrain();
  f.tail = s.getTail();
  f.compute.assign(s.getCompute().begin(), s.getCompute().end());
  f.specialize.assign(s.getSpecialize().begin(), s.getSpecialize().end());
  f.threads.assign(s.getThreads().begin(), s.getThreads().end());
  f.shared.assign(s.getShared().begin(), s.getShared().end());
  f.algorithm = s.getAlgorithm();
  f.reduce = s.getReduce();
  f.expandTile.assign(s.getExpandTile().begin(), s.getExpandTile().end());
  f.innerTail = s.getInnerTail();
  f.reduceThreads = s.getReduceThreads();
  f.winogradRows = s.getWinogradRows();
  f.winogradPositions = s.getWinogradPositions();
  return f;
}

ScheduleAttr ScheduleFields::get(MLIRContext *context) const {
  // Checked: a draw that breaks the attribute's own rules is null (its
  // message goes to the caller's diagnostic handler).
  return ScheduleAttr::getChecked(
      [&] { return mlir::emitError(UnknownLoc::get(context)); }, context,
      ArrayRef<int64_t>(tile), vector, ArrayRef<Loop>(order),
      ArrayRef<Loop>(parallel), grain, ArrayRef<Loop>(unroll), tail,
      ArrayRef<Placement>(compute), ArrayRef<Specialization>(specialize),
      ArrayRef<int64_t>(threads), ArrayRef<Producer>(shared), algorithm,
      reduce, ArrayRef<int64_t>(expandTile), innerTail, reduceThreads,
      winogradRows, winogradPositions);
}

Space::Space(GroupOp group, uint64_t seed)
    : group(group), structure(analyzeGroup(group)), rng(seed) {}

namespace {

/// Sets where `producer` is placed; a null level removes the placement (its
/// default).
void place(ScheduleFields &f, Producer producer, std::optional<LoopLevel> at,
           bool parallel = false, std::optional<Loop> across = std::nullopt) {
  llvm::erase_if(f.compute,
                 [&](const Placement &p) { return p.producer == producer; });
  if (!at)
    return;
  Placement p;
  p.producer = producer;
  p.compute = p.store = *at;
  p.parallel = parallel;
  if (parallel && across && *across != defaultParallelLoop(producer))
    p.across = across;
  f.compute.push_back(p);
}

LoopLevel levelOf(Loop loop) { return loopLevelOf(loop); }

} // namespace

void Space::change(ScheduleFields &f) {
  const GroupStructure &g = structure;
  int64_t vectors = std::max<int64_t>(1, (g.channels + f.vector - 1) / f.vector);
  // A tile loop level that exists (not fused away into the parallel loop).
  auto someLevel = [&]() {
    SmallVector<LoopLevel> levels;
    for (Loop loop : f.order)
      if (f.parallel.size() < 2 || !llvm::is_contained(f.parallel, loop) ||
          loop == f.parallel.back())
        levels.push_back(levelOf(loop));
    return levels.empty() ? LoopLevel::root : levels[below(levels.size())];
  };
  switch (below(16)) {
  case 0: {
    static const int64_t multiples[] = {1, 2, 3, 4, 6, 8};
    int64_t k = multiples[below(std::size(multiples))];
    f.tile[0] = f.vector * std::min(k, vectors);
    break;
  }
  case 1: {
    static const int64_t sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 28};
    int64_t size = chance(0.1) ? g.width : sizes[below(std::size(sizes))];
    f.tile[1] = std::max<int64_t>(1, std::min(size, g.width));
    break;
  }
  case 2: {
    static const int64_t sizes[] = {1, 1, 2, 2, 3, 4, 7, 8};
    f.tile[2] = std::max<int64_t>(
        1, std::min(sizes[below(std::size(sizes))], g.height));
    break;
  }
  case 3: {
    static const Loop loops[] = {Loop::c, Loop::x, Loop::y, Loop::kx,
                                 Loop::ky};
    Loop loop = loops[below(std::size(loops))];
    if (llvm::is_contained(f.unroll, loop))
      llvm::erase(f.unroll, loop);
    else
      f.unroll.push_back(loop);
    break;
  }
  case 4: {
    size_t parallelCount = f.parallel.size();
    std::shuffle(f.order.begin(), f.order.end(), rng);
    f.parallel.assign(f.order.begin(), f.order.begin() + parallelCount);
    break;
  }
  case 5: {
    size_t count = below(3);
    f.parallel.assign(f.order.begin(), f.order.begin() + count);
    static const int64_t grains[] = {1, 1, 2, 4, 8, 16};
    f.grain = grains[below(std::size(grains))];
    break;
  }
  case 6:
    if (g.accumulates())
      place(f, Producer::acc, chance(0.1) ? LoopLevel::root : someLevel());
    break;
  case 7:
    if (g.convolves()) {
      switch (below(4)) {
      case 0:
        place(f, Producer::input, std::nullopt);
        break;
      case 1:
        place(f, Producer::input, LoopLevel::root, chance(0.5),
              chance(0.5) ? Loop::x : Loop::y);
        break;
      default:
        place(f, Producer::input, someLevel());
      }
    }
    break;
  case 8:
    if (g.expansion) {
      if (chance(0.5)) {
        switch (below(3)) {
        case 0:
          place(f, Producer::expand, LoopLevel::root, chance(0.6),
                chance(0.5) ? Loop::x : Loop::y);
          break;
        default:
          place(f, Producer::expand, someLevel());
        }
      } else if (chance(0.3)) {
        f.expandTile.clear();
      } else {
        static const int64_t multiples[] = {1, 2, 3, 4};
        static const int64_t pixels[] = {1, 2, 4, 6, 8, 12, 16};
        f.expandTile = {f.vector * multiples[below(std::size(multiples))],
                        pixels[below(std::size(pixels))]};
      }
    }
    break;
  case 9:
    if (g.convolves())
      f.reduce = static_cast<Reduction>(below(3));
    break;
  case 10:
    f.innerTail = f.innerTail == Tail::shift ? Tail::guard : Tail::shift;
    break;
  case 11:
    if (g.fitsWinograd)
      f.algorithm = f.algorithm == Algorithm::winograd ? Algorithm::direct
                                                       : Algorithm::winograd;
    break;
  case 12:
    f.tail = f.tail == Tail::shift ? Tail::guard : Tail::shift;
    break;
  case 13:
    if (g.broadcast)
      place(f, Producer::excite,
            chance(0.3)   ? std::nullopt
            : chance(0.3) ? std::optional<LoopLevel>(LoopLevel::root)
                          : std::optional<LoopLevel>(someLevel()));
    break;
  case 14:
    if (g.inputScale)
      place(f, Producer::weights,
            chance(0.3)   ? std::nullopt
            : chance(0.5) ? std::optional<LoopLevel>(LoopLevel::root)
                          : std::optional<LoopLevel>(someLevel()));
    break;
  case 15:
    // Winograd's transforms: where the rows are kept, and unrolled or not.
    if (f.algorithm == Algorithm::winograd) {
      if (chance(0.7))
        f.winogradRows = chance(0.25)  ? std::nullopt
                         : chance(0.3) ? std::optional<LoopLevel>(
                                             LoopLevel::inline_)
                                       : std::optional<LoopLevel>(someLevel());
      else
        f.winogradPositions = f.winogradPositions == Positions::loop
                                  ? Positions::unrolled
                                  : Positions::loop;
    }
    break;
  }
}

ScheduleAttr Space::near(ScheduleAttr from) {
  MLIRContext *context = group.getContext();
  // Refused draws are expected: their messages are not the user's.
  ScopedDiagnosticHandler quiet(context, [](Diagnostic &) { return success(); });
  for (int attempt = 0; attempt < 400; ++attempt) {
    ScheduleFields f = ScheduleFields::of(from);
    for (size_t changes = 1 + below(3); changes > 0; --changes)
      change(f);
    ScheduleAttr candidate = f.get(context);
    if (!candidate || candidate == from)
      continue;
    if (succeeded(group.verifySchedule(candidate)))
      return candidate;
  }
  return {};
}
