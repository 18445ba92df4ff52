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
#include <optional>
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

/// The module attributes effnetc --emit sets when it prints bound weights
/// out of line: the safetensors file that holds them (--emit-weights FILE,
/// canonical names), or that they were left out. effnetc --input binds
/// them from the file, and refuses IR whose weights were left out unless
/// given --weights.
inline constexpr llvm::StringLiteral kWeightsFileAttrName =
    "effnet.weights_file";
inline constexpr llvm::StringLiteral kWeightsLeftOutAttrName =
    "effnet.weights_left_out";

/// The module attribute naming the schedule class (`x86-64-avx2`, ...) that
/// effnet-tile made the groups' schedules for.
inline constexpr llvm::StringLiteral kScheduleTargetAttrName =
    "effnet.schedule_target";

/// The attribute of a group whose schedule effnet-tile took from a schedule
/// file: the entry's "FILE:LINE" (effnetc --emit=plan says so per kernel;
/// groups without it have a default schedule or the one their input gave).
inline constexpr llvm::StringLiteral kScheduleOriginAttrName =
    "effnet.schedule_origin";

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
  /// At root, a pass of its own whose loop `across` runs on the thread
  /// pool.
  bool parallel = false;
  /// The parallel pass's loop (x or y of the producer) when the schedule
  /// names one other than defaultParallelLoop's; empty otherwise. Read
  /// only when `parallel`.
  std::optional<Loop> across;

  bool operator==(const Placement &other) const {
    return producer == other.producer && compute == other.compute &&
           store == other.store && parallel == other.parallel &&
           across == other.across;
  }
};

/// The loop a producer's pass at root runs in parallel when the schedule
/// names none: the rows (y) of the input and of a fused expansion, the
/// input channels (x) of the weights.
Loop defaultParallelLoop(Producer producer);

/// The level that computes a producer inside the tile loop `loop`.
LoopLevel loopLevelOf(Loop loop);

/// A loop of `unroll` whose extent varies between the tasks of a parallel
/// loop of grain > 1, for what is computed at that loop: 'c' (code
/// generation unrolls it as the tile, and a task spans a varying number of
/// channel tiles) or any loop of `parallel`; nothing when there is none.
std::optional<Loop> unrolledInTasks(llvm::ArrayRef<Loop> unroll,
                                    llvm::ArrayRef<Loop> parallel);

/// Copies of a tile's body that unrolling `unroll` makes: tile[0] / vector
/// per unrolled c, the x and y tiles, and the window's width (kx) and
/// height (ky).
int64_t countUnrolledCopies(ArrayRef<int64_t> tile, int64_t vector,
                            ArrayRef<Loop> unroll, int64_t windowW,
                            int64_t windowH);

inline llvm::hash_code hash_value(const Placement &placement) {
  return llvm::hash_combine(placement.producer, placement.compute,
                            placement.store, placement.parallel,
                            placement.across ? static_cast<int>(*placement.across)
                                             : -1);
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

/// What a group computes, read from its ops: the one analysis of a group's
/// structure. The schedule verifier, effnet-tile's defaults, the kernel plan
/// (codegen/Plan.cpp) and the schedule fuzzer read it, so that each
/// property has one definition.
///
/// The kernel is built around its anchor, the op that accumulates. In front
/// of it there may be a squeeze-excite scale of its input (`inputScale`) or
/// MBConv's 1x1 expansion (`expansion`); after it come elementwise ops, one
/// of which may multiply a larger input by the per-channel value computed so
/// far (`broadcast`, squeeze-excite's excitation).
struct GroupStructure {
  /// The anchor: an effnet.conv2d, effnet.dense or effnet.global_avg_pool,
  /// or null when the group is elementwise only.
  Operation *anchor = nullptr;
  /// A 1x1, stride 1, unpadded convolution of one group computed in front of
  /// a depthwise anchor that reads it (through activations and batch norms
  /// only), or null.
  Conv2DOp expansion;
  /// A channel_mul that scales the anchor convolution's input per channel,
  /// its result read by that convolution of one group alone, or null.
  ChannelMulOp inputScale;
  /// A channel_mul after the anchor whose scale is the value the group has
  /// computed so far, multiplying another input, or null.
  ChannelMulOp broadcast;
  /// Any effnet.channel_mul in the group.
  bool scalesChannels = false;

  /// The output's channels, pixels per row and rows, per image.
  int64_t channels = 1, width = 1, height = 1;
  /// The anchor's input per image (a fused expansion's expanded channels;
  /// a dense layer's features, 1 x 1).
  int64_t inChannels = 0, inWidth = 1, inHeight = 1;
  /// The anchor's channel groups and window (1 for a dense layer or a
  /// pooling).
  int64_t groups = 1, kernelW = 1, kernelH = 1;
  /// A fused expansion's input channels, else 0.
  int64_t expandInChannels = 0;
  /// The anchor is a depthwise convolution (Conv2DOp::isDepthwise).
  bool depthwise = false;
  /// The anchor convolution reads outside its input (Conv2DOp::isPadded).
  bool padded = false;
  /// Winograd's F(2x2, 3x3) can compute the group: the anchor is a 3x3,
  /// stride 1, undilated convolution of one group, first in the group, and
  /// no channel_mul or expansion is fused with it.
  bool fitsWinograd = false;

  /// The anchor is a convolution or dense layer: it has weights and an
  /// input as read.
  bool convolves() const;
  /// The anchor accumulates (every anchor does).
  bool accumulates() const { return anchor != nullptr; }
  /// The anchor convolution's (or dense layer's) weights, and its
  /// multiply-adds per image.
  int64_t weightElements = 0, macs = 0;
};

/// Analyses `group` (see GroupStructure). Never fails: a group that code
/// generation cannot compile still has a structure, which its plan rejects.
GroupStructure analyzeGroup(GroupOp group);

/// One line describing `structure`, as effnet-describe-groups prints it.
std::string describeGroupStructure(const GroupStructure &structure);

/// How a fused expansion's channel tiles cover the channels it computes at
/// a time. The verifier checks the tiles fit; code generation splits so.
struct ExpansionChannels {
  /// The channels computed at a time: a tile of the output's where the
  /// expansion is computed at or inside the 'c' tile loop (a depthwise
  /// anchor reads its own channels), else all of them.
  int64_t atOnce = 0;
  /// The channel tile (expand_tile, or the output's).
  int64_t tile = 1;
  /// The last tile moves inwards rather than being guarded: vectors of more
  /// than one channel where the tile leaves a tail of all the channels or of
  /// those computed at a time (Halide 14 drops the guard of a vectorized
  /// tail). Such a tile must fit the channels computed at a time.
  bool shift = false;
};

/// The channels of `structure`'s fused expansion under `schedule`
/// (structure.expansion is set).
ExpansionChannels expansionChannels(ScheduleAttr schedule,
                                    const GroupStructure &structure);

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
