//===- Space.h - the schedules a tuner draws for a group -------*- C++ -*-===//
//
// The tuner searches the space #effnet.schedule spans: its candidates are
// the group's current schedule changed in one to three of its fields, each
// change drawn among the values that make sense for the group (vector
// multiples that fit its channels, tiles that fit its rows, placements of
// the producers it has, Winograd where it fits), and kept only when
// GroupOp::verifySchedule accepts it.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_TUNE_SPACE_H
#define EFFNET_TUNE_SPACE_H

#include "dialect/EffNet.h"

#include <random>

namespace mlir {
namespace effnet {
namespace tune {

/// Every field of a schedule, as values a draw can change.
struct ScheduleFields {
  SmallVector<int64_t, 3> tile;
  int64_t vector = 1;
  SmallVector<Loop, 3> order, parallel, unroll;
  int64_t grain = 1;
  Tail tail = Tail::shift;
  SmallVector<Placement, 4> compute;
  SmallVector<Specialization, 1> specialize;
  SmallVector<int64_t, 3> threads;
  SmallVector<Producer, 2> shared;
  Algorithm algorithm = Algorithm::direct;
  Reduction reduce = Reduction::tile;
  SmallVector<int64_t, 2> expandTile;
  Tail innerTail = Tail::guard;
  int64_t reduceThreads = 1;
  std::optional<LoopLevel> winogradRows;
  Positions winogradPositions = Positions::unrolled;

  static ScheduleFields of(ScheduleAttr schedule);
  ScheduleAttr get(MLIRContext *context) const;
};

/// Draws candidates for one group around a schedule.
class Space {
public:
  Space(GroupOp group, uint64_t seed);

  /// A schedule near `from` that the verifier accepts, or null when none
  /// was found in a bounded number of draws.
  ScheduleAttr near(ScheduleAttr from);

private:
  void change(ScheduleFields &f);

  GroupOp group;
  GroupStructure structure;
  std::mt19937_64 rng;
  size_t below(size_t n) { return n ? rng() % n : 0; }
  bool chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
  }
};

} // namespace tune
} // namespace effnet
} // namespace mlir

#endif // EFFNET_TUNE_SPACE_H
