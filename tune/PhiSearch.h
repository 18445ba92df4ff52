//===- PhiSearch.h - the largest phi within a latency budget ----*- C++ -*-===//
//
// effnet-tune --budget-ms: the largest compound coefficient phi, on a grid
// of --phi-step between --phi-min and --phi-max, whose model runs within a
// budget. Latency grows with phi (width, depth and resolution all grow), so
// the search gallops from phi = 0 (B0) by 1, 2, 4, ... grid steps of one
// phi towards the budget's edge and then bisects: about 2 log2(range /
// step) models are compiled and timed, not the whole grid. Each phi is
// measured once. The measuring (compile and time) is the caller's.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_TUNE_PHISEARCH_H
#define EFFNET_TUNE_PHISEARCH_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace mlir {
namespace effnet {
namespace tune {

struct PhiGrid {
  double min = -4, max = 8, step = 0.25;
};

/// "" when the grid can be searched, else why not (one line).
std::string checkPhiGrid(const PhiGrid &grid);

/// One model measured: its phi and its latency in milliseconds.
struct PhiProbe {
  double phi = 0, ms = 0;
};

struct PhiChoice {
  /// The largest phi found within the budget, and its latency.
  PhiProbe fits;
  /// The next phi of the grid, over the budget; none when `fits` is the
  /// grid's largest.
  std::optional<PhiProbe> over;
  /// Every measurement, in the order made.
  std::vector<PhiProbe> probes;
};

/// Searches `grid` for the largest phi whose `measure`d latency is at most
/// `budgetMs`. Fails when measuring fails, or when even the grid's
/// smallest phi is over the budget.
llvm::Expected<PhiChoice>
searchPhi(const PhiGrid &grid, double budgetMs,
          llvm::function_ref<llvm::Expected<double>(double phi)> measure);

} // namespace tune
} // namespace effnet
} // namespace mlir

#endif // EFFNET_TUNE_PHISEARCH_H
