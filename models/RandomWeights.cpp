//===- RandomWeights.cpp - deterministic random weights -------------------===//

#include "models/RandomWeights.h"
#include "models/WeightNames.h"

#include <cmath>

using namespace mlir;
using namespace mlir::effnet;
using llvm::StringRef;

//===----------------------------------------------------------------------===//
// Random weights
//===----------------------------------------------------------------------===//

namespace {

/// SplitMix64: tiny, fast, and defined to the bit, unlike the std::
/// distributions whose output differs between standard libraries.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t state) : state(state) {}

  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// Uniform in [lo, hi): 24 random bits, exact in a float.
  float uniform(double lo, double hi) {
    double unit = static_cast<double>(next() >> 40) * 0x1.0p-24;
    return static_cast<float>(lo + (hi - lo) * unit);
  }

private:
  uint64_t state;
};

} // namespace

/// FNV-1a: each weight gets its own stream, independent of the order in which
/// weights are drawn.
static uint64_t hashName(StringRef name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : name.bytes()) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::vector<float> mlir::effnet::randomWeight(StringRef name,
                                              llvm::ArrayRef<int64_t> shape,
                                              uint64_t seed) {
  using namespace weight_name;
  WeightNameParts parts = splitWeightName(name);
  double lo, hi;
  if (parts.param == kRunningVar ||
      (parts.layer == kBatchNorm && parts.param == kWeight)) {
    lo = 0.5;
    hi = 1.5;
  } else if (parts.param == kRunningMean || parts.param == kBias) {
    lo = -0.2;
    hi = 0.2;
  } else {
    // A scalar has no dimension to drop: its fan-in is the empty product.
    uint64_t fanIn = 1;
    for (int64_t dim : shape.drop_front(shape.empty() ? 0 : 1))
      fanIn *= static_cast<uint64_t>(std::max<int64_t>(dim, 0));
    double bound =
        std::sqrt(3.0 / static_cast<double>(std::max<uint64_t>(fanIn, 1)));
    lo = -bound;
    hi = bound;
  }
  uint64_t count = 1;
  for (int64_t dim : shape)
    count *= static_cast<uint64_t>(std::max<int64_t>(dim, 0));
  // Mixing the seed through one SplitMix64 step keeps nearby seeds apart.
  SplitMix64 seedMixer(seed);
  SplitMix64 generator(hashName(name) ^ seedMixer.next());
  std::vector<float> values(count);
  for (float &value : values)
    value = generator.uniform(lo, hi);
  return values;
}
