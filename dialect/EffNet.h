//===- EffNet.h - the effnet dialect ----------------------------*- C++ -*-===//
//
// The door of dialect/: the dialect, its enums, attributes, interfaces and ops,
// and the arithmetic that gives their shapes and costs.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_DIALECT_EFFNET_H
#define EFFNET_DIALECT_EFFNET_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
namespace effnet {

/// The function attribute naming each result of a model that returns more
/// than its logits: an array of `logits`, `features` and `reduction_K`
/// (effnet-expand-blocks' `outputs`). Absent, the one result is the logits.
inline constexpr llvm::StringLiteral kOutputsAttrName = "effnet.outputs";

/// The function attribute listing the weights (canonical names) that
/// effnet-expand-blocks erased with what no requested output needs, so that
/// effnet-bind-weights accepts a whole model's file for the backbone.
inline constexpr llvm::StringLiteral kPrunedWeightsAttrName =
    "effnet.pruned_weights";

/// The most copies of a tile's body a schedule may unroll (every unrolled
/// loop counted, the window's too): thousands would take the code
/// generator minutes and gigabytes.
constexpr int64_t kMaxUnrolledCopies = 256;

/// Rounds a channel count to a multiple of `divisor`, never below `divisor`
/// and never more than 10% down: torchvision's `_make_divisible`, which every
/// width multiplier and expansion ratio goes through.
int64_t roundChannels(double channels, int64_t divisor = 8);

/// Output extent of a convolution along one dimension: floor((size + padBefore
/// + padAfter - dilation * (kernel - 1) - 1) / stride) + 1. Returns a value
/// below 1 when the padded input is smaller than the dilated kernel.
int64_t convOutputSize(int64_t size, int64_t kernel, int64_t stride,
                       int64_t padBefore, int64_t padAfter,
                       int64_t dilation = 1);

/// TensorFlow's "same" padding along one dimension, the one definition of it
/// (the verifier's shapes and codegen's borders both come from here): the
/// output has ceil(size / stride) elements, the padding totals
/// max((output - 1) * stride + dilation * (kernel - 1) + 1 - size, 0), and
/// `before` is half of it, rounded down; `after` is the rest.
struct SamePadding {
  int64_t before = 0;
  int64_t after = 0;
  int64_t output = 0;
};
SamePadding computeSamePadding(int64_t size, int64_t kernel, int64_t stride,
                               int64_t dilation = 1);

/// Output extent of a block convolution: padding (kernel - 1) / 2 each side.
int64_t blockConvOutputSize(int64_t size, int64_t kernel, int64_t stride);

/// What one block of a stage is made of, once its input channels are known.
struct BlockConfig {
  int64_t inChannels = 0;
  int64_t expandChannels = 0;
  int64_t outChannels = 0;
  int64_t seChannels = 0;
  int64_t kernel = 0;
  int64_t stride = 0;
  bool fused = false;

  bool hasExpansion() const { return expandChannels != inChannels; }
  bool hasResidual() const { return stride == 1 && inChannels == outChannels; }
};

/// Parameters and multiply-adds, as `effnet-stats` counts them.
struct Cost {
  uint64_t params = 0;
  uint64_t macs = 0;

  Cost &operator+=(const Cost &other) {
    params += other.params;
    macs += other.macs;
    return *this;
  }
};

/// A convolution producing `outChannels` x `outH` x `outW` for `batch` images.
Cost convCost(int64_t batch, int64_t inChannels, int64_t outChannels,
              int64_t kernelH, int64_t kernelW, int64_t groups, int64_t outH,
              int64_t outW, bool bias);
/// A batch norm's scale and shift.
Cost batchNormCost(int64_t channels);
/// A dense layer with bias.
Cost denseCost(int64_t batch, int64_t inFeatures, int64_t outFeatures,
               bool bias);
/// One block on an `h` x `w` input, as `effnet-expand-blocks` expands it.
Cost blockCost(const BlockConfig &block, int64_t batch, int64_t h, int64_t w);

/// The batch to count costs for: the static batch, or one image.
int64_t costBatch(Type activations);

/// A double as diagnostics print it: "%g" (0.2, 1e-05, 40).
std::string formatDouble(double value);

/// Verifies that an op's result type is the one its rules infer.
LogicalResult verifyInferredResultType(Operation *op);

} // namespace effnet
} // namespace mlir

#include "dialect/EffNetDialect.h.inc"
#include "dialect/EffNetEnums.h.inc"

namespace mlir {
namespace effnet {

/// Where a schedule computes and stores one producer of a group.
struct Placement {
  Producer producer = Producer::acc;
  LoopLevel compute = LoopLevel::inline_;
  LoopLevel store = LoopLevel::inline_;
  /// At root, a pass of its own whose outermost loop runs on the thread
  /// pool.
  bool parallel = false;

  bool operator==(const Placement &other) const {
    return producer == other.producer && compute == other.compute &&
           store == other.store && parallel == other.parallel;
  }
};

/// The level that computes a producer inside the tile loop `loop`.
LoopLevel loopLevelOf(Loop loop);

/// Copies of a tile's body that unrolling `unroll` makes: tile[0] / vector
/// per unrolled c, the x and y tiles, and the window's width (kx) and
/// height (ky).
int64_t countUnrolledCopies(ArrayRef<int64_t> tile, int64_t vector,
                            ArrayRef<Loop> unroll, int64_t windowW,
                            int64_t windowH);

inline llvm::hash_code hash_value(const Placement &placement) {
  return llvm::hash_combine(placement.producer, placement.compute,
                            placement.store, placement.parallel);
}

} // namespace effnet
} // namespace mlir

#define GET_ATTRDEF_CLASSES
#include "dialect/EffNetAttrDefs.h.inc"

#include "dialect/EffNetInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialect/EffNetOps.h.inc"

namespace mlir {
namespace effnet {

/// Creates an op whose result type is inferred from its operands and
/// attributes. On a broken rule the diagnostic is emitted at `loc`, nothing
/// is left behind, and failure is returned.
template <typename OpTy, typename... Args>
FailureOr<OpTy> createInferred(OpBuilder &builder, Location loc,
                               Args &&...args) {
  // The result type is a placeholder until the op can infer its own.
  auto placeholder = RankedTensorType::get({}, builder.getF32Type());
  auto op = builder.create<OpTy>(loc, placeholder, std::forward<Args>(args)...);
  FailureOr<RankedTensorType> type =
      op.inferResultType([&] { return op.emitOpError(); });
  if (failed(type)) {
    op.erase();
    return failure();
  }
  op.getResult().setType(*type);
  return op;
}

} // namespace effnet
} // namespace mlir

#endif // EFFNET_DIALECT_EFFNET_H
