//===- PhiSearchTest.cpp - effnet-tune --budget-ms's search ---------------===//

#include "tune/PhiSearch.h"

#include "gtest/gtest.h"

#include <cmath>
#include <map>
#include <string>

using namespace mlir::effnet::tune;

namespace {

/// A latency that grows with phi as a model's does: 1.5 times per phi.
double latency(double phi) { return 10 * std::pow(1.5, phi); }

/// The answer by measuring every point of the grid.
double bruteForce(const PhiGrid &grid, double budget) {
  double best = NAN;
  for (long k = 0; grid.min + k * grid.step <= grid.max + 1e-9; ++k)
    if (latency(grid.min + k * grid.step) <= budget)
      best = grid.min + k * grid.step;
  return best;
}

TEST(PhiSearch, FindsTheLargestPhiWithinTheBudget) {
  PhiGrid grid; // -4 to 8 by 0.25
  std::map<double, int> calls;
  llvm::Expected<PhiChoice> choice =
      searchPhi(grid, 20, [&](double phi) -> llvm::Expected<double> {
        ++calls[phi];
        return latency(phi);
      });
  ASSERT_TRUE(bool(choice)) << llvm::toString(choice.takeError());
  // 10 * 1.5^phi <= 20 up to phi = 1.709.
  EXPECT_DOUBLE_EQ(choice->fits.phi, 1.5);
  EXPECT_DOUBLE_EQ(choice->fits.ms, latency(1.5));
  ASSERT_TRUE(choice->over.has_value());
  EXPECT_DOUBLE_EQ(choice->over->phi, 1.75);
  for (const auto &[phi, n] : calls)
    EXPECT_EQ(n, 1) << "phi " << phi << " measured " << n << " times";
  EXPECT_EQ(choice->probes.size(), calls.size());
  // Far fewer than the grid's 49 points.
  EXPECT_LE(calls.size(), 8u);
}

TEST(PhiSearch, AgreesWithMeasuringEveryPoint) {
  for (PhiGrid grid : {PhiGrid{}, PhiGrid{-2, 3, 0.5}, PhiGrid{0.3, 0.3, 1},
                       PhiGrid{-8, 16, 1}, PhiGrid{1, 2, 0.1}})
    for (double budget = 0.5; budget < 50000; budget *= 1.37) {
      double expected = bruteForce(grid, budget);
      llvm::Expected<PhiChoice> choice = searchPhi(
          grid, budget, [](double phi) -> llvm::Expected<double> {
            return latency(phi);
          });
      if (std::isnan(expected)) {
        ASSERT_FALSE(bool(choice)) << "budget " << budget;
        llvm::consumeError(choice.takeError());
        continue;
      }
      ASSERT_TRUE(bool(choice)) << llvm::toString(choice.takeError());
      EXPECT_NEAR(choice->fits.phi, expected, 1e-9)
          << "budget " << budget << " grid " << grid.min << ".." << grid.max;
      if (choice->over)
        EXPECT_NEAR(choice->over->phi, expected + grid.step, 1e-9);
      else
        EXPECT_GT(expected + grid.step, grid.max + 1e-9);
    }
}

TEST(PhiSearch, SaysWhenNothingFits) {
  llvm::Expected<PhiChoice> choice =
      searchPhi(PhiGrid{-1, 2, 0.5}, 1, [](double phi) -> llvm::Expected<double> {
        return latency(phi);
      });
  ASSERT_FALSE(bool(choice));
  EXPECT_EQ(llvm::toString(choice.takeError()),
            "no phi from -1 to 2 fits 1 ms: phi -1 takes 6.667 ms");
}

TEST(PhiSearch, PassesOnAFailedMeasurement) {
  llvm::Expected<PhiChoice> choice =
      searchPhi(PhiGrid{}, 20, [](double phi) -> llvm::Expected<double> {
        if (phi > 1)
          return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                         "the model timer failed");
        return latency(phi);
      });
  ASSERT_FALSE(bool(choice));
  EXPECT_EQ(llvm::toString(choice.takeError()), "the model timer failed");
}

TEST(PhiSearch, RefusesBadGrids) {
  EXPECT_EQ(checkPhiGrid(PhiGrid{}), "");
  EXPECT_NE(checkPhiGrid(PhiGrid{2, 1, 0.25}), "");
  EXPECT_NE(checkPhiGrid(PhiGrid{-9, 1, 0.25}), "");
  EXPECT_NE(checkPhiGrid(PhiGrid{0, 17, 0.25}), "");
  EXPECT_NE(checkPhiGrid(PhiGrid{0, 1, 0}), "");
  EXPECT_NE(checkPhiGrid(PhiGrid{0, 1, NAN}), "");
  EXPECT_NE(checkPhiGrid(PhiGrid{NAN, 1, 0.25}), "");
}

} // namespace
