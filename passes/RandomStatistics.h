//===- RandomStatistics.h - batch-norm statistics for random weights ------===//
//
// See RandomStatistics.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_PASSES_RANDOMSTATISTICS_H
#define EFFNET_PASSES_RANDOMSTATISTICS_H

#include "dialect/EffNet.h"

namespace mlir {
namespace effnet {

/// Binds, through `bind`, each weight of the function `model` for which
/// `isDerived` holds and that is a batch norm's running mean or variance or
/// a dense layer's bias, measured by running the model on a random image
/// drawn from `seed` (8-bit pixels, uniform, normalized with ImageNet's mean
/// and std) at its size: the mean and variance of the batch norm's input;
/// minus the dense layer's output without its bias. One it cannot measure (an op
/// it does not know in front of it) is left unbound.
void deriveRandomStatistics(
    Operation *model, uint64_t seed,
    llvm::function_ref<bool(WeightOp)> isDerived,
    llvm::function_ref<void(WeightOp, ArrayRef<float>)> bind);

} // namespace effnet
} // namespace mlir

#endif // EFFNET_PASSES_RANDOMSTATISTICS_H
