//===- PhiSearch.cpp - the largest phi within a latency budget ------------===//

#include "tune/PhiSearch.h"

#include <fmt/core.h>

#include <cmath>
#include <map>

using namespace mlir::effnet;

std::string tune::checkPhiGrid(const PhiGrid &grid) {
  // The compound-scaling pass takes phi in [-8, 16].
  if (!std::isfinite(grid.min) || !std::isfinite(grid.max) ||
      grid.min < -8 || grid.max > 16 || grid.min > grid.max)
    return fmt::format("--phi-min {} and --phi-max {}: expected -8 <= "
                       "min <= max <= 16",
                       grid.min, grid.max);
  if (!std::isfinite(grid.step) || grid.step < 0.01 || grid.step > 16)
    return fmt::format("--phi-step {}: expected 0.01 to 16", grid.step);
  if ((grid.max - grid.min) / grid.step > 100000)
    return "--phi-step: more than 100000 steps between --phi-min and "
           "--phi-max";
  return "";
}

llvm::Expected<tune::PhiChoice> tune::searchPhi(
    const PhiGrid &grid, double budgetMs,
    llvm::function_ref<llvm::Expected<double>(double)> measure) {
  if (std::string why = checkPhiGrid(grid); !why.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), why);
  // Grid points 0..last; point k is min + k * step.
  const long last = std::lround(std::floor((grid.max - grid.min) / grid.step +
                                           1e-9));
  // Rounded to a millionth: phi 0.3 on a grid of 0.1, not 0.30000000000000004.
  auto phiAt = [&](long k) {
    return std::round((grid.min + k * grid.step) * 1e6) / 1e6;
  };
  PhiChoice choice;
  std::map<long, double> measured;
  auto fits = [&](long k) -> llvm::Expected<bool> {
    auto it = measured.find(k);
    if (it == measured.end()) {
      llvm::Expected<double> ms = measure(phiAt(k));
      if (!ms)
        return ms.takeError();
      it = measured.emplace(k, *ms).first;
      choice.probes.push_back({phiAt(k), *ms});
    }
    return it->second <= budgetMs;
  };
  // Gallop from B0 (phi 0, or the grid's point nearest to it) in strides
  // of one phi, doubling, until one point fits and another does not.
  long start = std::clamp<long>(std::lround(-grid.min / grid.step), 0, last);
  long stride = std::max<long>(1, std::lround(1.0 / grid.step));
  long lo = -1, hi = last + 1; // lo fits, hi does not (or is off the grid)
  llvm::Expected<bool> first = fits(start);
  if (!first)
    return first.takeError();
  if (*first) {
    lo = start;
    while (hi == last + 1 && lo < last) {
      long k = std::min(last, lo + stride);
      llvm::Expected<bool> ok = fits(k);
      if (!ok)
        return ok.takeError();
      (*ok ? lo : hi) = k;
      stride *= 2;
    }
  } else {
    hi = start;
    while (lo < 0 && hi > 0) {
      long k = std::max(0L, hi - stride);
      llvm::Expected<bool> ok = fits(k);
      if (!ok)
        return ok.takeError();
      (*ok ? lo : hi) = k;
      stride *= 2;
    }
    if (lo < 0)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("no phi from {} to {} fits {} ms: phi {} takes {:.3f} "
                      "ms",
                      grid.min, grid.max, budgetMs, phiAt(0),
                      measured.at(0)));
  }
  while (hi - lo > 1) {
    long mid = lo + (hi - lo) / 2;
    llvm::Expected<bool> ok = fits(mid);
    if (!ok)
      return ok.takeError();
    (*ok ? lo : hi) = mid;
  }
  choice.fits = {phiAt(lo), measured.at(lo)};
  if (hi <= last)
    choice.over = PhiProbe{phiAt(hi), measured.at(hi)};
  return choice;
}
