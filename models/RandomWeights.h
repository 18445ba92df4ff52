//===- RandomWeights.h - deterministic random weights ---*- C++ -*-===//
//
// Values for `effnet.weight` ops when no file is given: the same on every
// platform and standard library for the same seed.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_MODELS_RANDOMWEIGHTS_H
#define EFFNET_MODELS_RANDOMWEIGHTS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <vector>

namespace mlir {
namespace effnet {

/// Deterministic values for the weight `name` of `shape`, the same on every
/// platform and standard library for the same `seed`. Ranges follow the name:
/// `.running_var` and `bn.weight` U[0.5, 1.5]; `.running_mean` and any other
/// `.bias` U[-0.2, 0.2]; other weights U[-a, a] with a = sqrt(3 / fan_in),
/// fan_in the product of all dimensions but the first. These keep activations
/// finite through the deepest variant. effnet-bind-weights draws batch
/// norms' running statistics and dense layers' biases here only where it
/// cannot measure them (passes/RandomStatistics.h).
std::vector<float> randomWeight(llvm::StringRef name,
                                llvm::ArrayRef<int64_t> shape, uint64_t seed);

} // namespace effnet
} // namespace mlir

#endif // EFFNET_MODELS_RANDOMWEIGHTS_H
