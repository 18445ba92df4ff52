//===- Fuse.cpp - primitive ops into effnet.group regions -----------------===//

#include "models/WeightNames.h"
#include "passes/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace mlir {
namespace effnet {
#define GEN_PASS_DEF_FUSE
#include "passes/Passes.h.inc"
} // namespace effnet
} // namespace mlir

using namespace mlir;
using namespace mlir::effnet;

namespace {

class FusePass : public effnet::impl::FuseBase<FusePass> {
public:
  using FuseBase::FuseBase;

  LogicalResult initializeOptions(
      StringRef text,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    if (failed(FuseBase::initializeOptions(text, errorHandler)))
      return failure();
    return checkOptionsGivenOnce(getArgument(), {&seIntoProjection, &expandIntoDepthwise, &expandMinBytes, &expandMaxInChannels, &expandStridedOnly},
                                 errorHandler);
  }

  void runOnOperation() override;
};

} // namespace

/// Whether `mul` scales the input of a convolution that is its only user, so
/// the convolution can apply the scale as it reads (the scale per input
/// channel commutes with a convolution of one group, zero padding included).
static bool scalesConvInput(ChannelMulOp mul) {
  if (!mul->hasOneUse())
    return false;
  auto conv = dyn_cast<Conv2DOp>(*mul->getUsers().begin());
  return conv && conv.getInput() == mul.getResult() && conv.getGroups() == 1 &&
         mul.getScale() != mul.getInput();
}

/// Whether `user` joins the group whose last op is `last`: elementwise ops
/// (and the flatten of a pooled tensor) that only `last` feeds into the group,
/// and a convolution after the channel scale that starts its group.
static bool joins(Operation *last, Operation *user, bool seIntoProjection) {
  if (auto mul = dyn_cast<ChannelMulOp>(user))
    if (seIntoProjection && mul.getScale() == last->getResult(0) &&
        scalesConvInput(mul))
      return false;
  if (auto conv = dyn_cast<Conv2DOp>(user)) {
    auto mul = dyn_cast<ChannelMulOp>(last);
    return seIntoProjection && mul && scalesConvInput(mul);
  }
  if (isa<BatchNormOp>(user))
    return isa<Conv2DOp>(last);
  if (isa<FlattenOp>(user))
    return isa<GlobalAvgPoolOp>(last);
  return isa<ActivationOp, ChannelMulOp, AddOp>(user);
}

/// Whether MBConv's expansion `expansion` (a pointwise convolution, with
/// its batch norm and activation up to `last`) joins `depthwise`'s group
/// under the pass's options. Measured on B0, B3 and V2-S (Halide's
/// profiler, AMD EPYC, 2026-11-30, fused against separate kernels): fusing
/// paid only where the depthwise convolution is strided (its input, the
/// expanded tensor, is four times its output: B0's blocks.1.0 0.68x, B3's
/// blocks.1.0 and 2.0 0.8x), the expansion reads few channels (it does 16
/// to 64 multiply-adds per value it writes, so writing the tensor and
/// reading it back is most of its cost) and the tensor is large (1 MiB and
/// more does not stay in a core's cache between two kernels). Stride 1
/// lost (B3's blocks.1.1 1.25x to 1.5x), as did expansions from 128
/// channels and more (V2-S's stage 4, 1.07x to 1.11x) and small tensors
/// (B0's blocks.3.0 at 28x28, 1.24x).
static bool expansionJoins(Conv2DOp expansion, Operation *last,
                           Conv2DOp depthwise, int64_t minBytes,
                           int64_t maxInChannels, bool stridedOnly) {
  auto expanded = cast<RankedTensorType>(last->getResult(0).getType());
  int64_t bytes = 4;
  for (int64_t extent : expanded.getShape().drop_front()) {
    if (ShapedType::isDynamic(extent))
      return false;
    bytes *= extent;
  }
  int64_t inChannels = expansion.getInput().getType().getDimSize(1);
  bool strided = llvm::any_of(depthwise.getStrides(),
                              [](int64_t stride) { return stride > 1; });
  return bytes >= minBytes && !ShapedType::isDynamic(inChannels) &&
         inChannels <= maxInChannels && (strided || !stridedOnly);
}

/// The layer a group is named after: its first op's location name, else
/// the name of the first weight it reads ("blocks.0.0.dw.conv.weight" ->
/// "blocks.0.0.dw"), else the op kind and the group's index.
static std::string groupName(Operation *first, unsigned index) {
  if (auto name = dyn_cast<NameLoc>(first->getLoc()))
    return name.getName().str();
  for (Value operand : first->getOperands())
    if (auto weight = operand.getDefiningOp<WeightOp>())
      return getWeightOwner(weight.getName());
  return first->getName().stripDialect().str() + std::to_string(index);
}

/// Moves `members` (in program order) into a new group placed where the last
/// of them was.
static GroupOp buildGroup(ArrayRef<Operation *> members, StringRef name) {
  Operation *last = members.back();
  llvm::SmallPtrSet<Operation *, 8> inGroup(members.begin(), members.end());
  llvm::SetVector<Value> inputs;
  llvm::SetVector<Operation *> weights;
  for (Operation *op : members)
    for (Value operand : op->getOperands()) {
      if (auto weight = operand.getDefiningOp<WeightOp>())
        weights.insert(weight);
      else if (!inGroup.contains(operand.getDefiningOp()))
        inputs.insert(operand);
    }

  OpBuilder builder(last);
  auto group = builder.create<GroupOp>(
      last->getLoc(), last->getResult(0).getType(), inputs.getArrayRef(), name);
  Block &body = group.getBody().front();
  IRMapping mapping;
  mapping.map(inputs.getArrayRef(), body.getArguments());
  OpBuilder inner = OpBuilder::atBlockEnd(&body);
  for (Operation *weight : weights)
    inner.clone(*weight, mapping);
  for (Operation *op : members)
    inner.clone(*op, mapping);
  inner.create<YieldOp>(last->getLoc(), mapping.lookup(last->getResult(0)));

  last->getResult(0).replaceAllUsesWith(group.getResult());
  for (Operation *op : llvm::reverse(members))
    op->erase();
  for (Operation *weight : weights)
    if (weight->use_empty())
      weight->erase();
  return group;
}

void FusePass::runOnOperation() {
  for (auto [name, value] :
       {std::pair<StringRef, int64_t>{"expand-min-bytes", expandMinBytes},
        {"expand-max-in-channels", expandMaxInChannels}})
    if (value < 0) {
      getOperation().emitError()
          << "effnet-fuse: expects " << name << " >= 0, got " << value;
      return signalPassFailure();
    }
  SmallVector<Operation *> ops;
  for (Operation &op : getOperation().getBody().getOps())
    if (isa<EffNetDialect>(op.getDialect()) && !isa<WeightOp, GroupOp>(op))
      ops.push_back(&op);

  llvm::DenseSet<Operation *> grouped;
  SmallVector<SmallVector<Operation *>> groups;
  for (Operation *op : ops) {
    if (grouped.contains(op))
      continue;
    if (isa<StemOp, StageOp, MBConvOp, FusedMBConvOp, HeadOp>(op)) {
      op->emitOpError() << "expects primitive ops: run effnet-expand-stages "
                           "and effnet-expand-blocks before effnet-fuse";
      return signalPassFailure();
    }
    SmallVector<Operation *> members{op};
    grouped.insert(op);
    Operation *last = op;
    bool expanded = false;
    while (last->hasOneUse()) {
      Operation *user = *last->getUsers().begin();
      // The expansion's result (after its batch norm and activation) read
      // only by a depthwise convolution: one group, once per group.
      auto expansion = dyn_cast<Conv2DOp>(members.front());
      auto depthwise = dyn_cast<Conv2DOp>(user);
      bool depthwiseAfterExpand =
          expandIntoDepthwise && !expanded && expansion &&
          expansion.isPointwise() && depthwise && depthwise.isDepthwise() &&
          depthwise.getInput() == last->getResult(0) &&
          expansionJoins(expansion, last, depthwise, expandMinBytes,
                         expandMaxInChannels, expandStridedOnly);
      if (user->getBlock() != last->getBlock() ||
          (!depthwiseAfterExpand && !joins(last, user, seIntoProjection)) ||
          grouped.contains(user))
        break;
      if (depthwiseAfterExpand) {
        expanded = true;
        ++numExpandsIntoDepthwise;
      }
      members.push_back(user);
      grouped.insert(user);
      last = user;
    }
    groups.push_back(std::move(members));
  }
  for (auto [index, members] : llvm::enumerate(groups)) {
    // A channel scale in front of a convolution: the group is the
    // convolution's.
    Operation *named = members.front();
    if (isa<ChannelMulOp>(named) && members.size() > 1 &&
        isa<Conv2DOp>(members[1])) {
      named = members[1];
      ++numScalesIntoConv;
    }
    buildGroup(members, groupName(named, index));
    ++numGroups;
  }
}
