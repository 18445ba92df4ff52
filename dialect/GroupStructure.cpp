//===- GroupStructure.cpp - what an effnet.group computes -----------------===//
//
// The one analysis of a group's structure (GroupStructure in EffNet.h): its
// anchor, what is fused in front of it, what follows, and the properties
// schedules branch on. It describes and never rejects: code generation's
// plan decides what it can compile, and says why not.
//
//===----------------------------------------------------------------------===//

#include "dialect/EffNet.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::effnet;

namespace {

/// Channels, pixels per row and rows of one image of an NCHW or N x K
/// tensor.
std::array<int64_t, 3> perImage(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  if (tensor.getRank() == 4)
    return {tensor.getDimSize(1), tensor.getDimSize(3), tensor.getDimSize(2)};
  return {tensor.getRank() > 1 ? tensor.getDimSize(1) : 1, 1, 1};
}

/// The ops that may stand between an expansion and the depthwise
/// convolution that reads it: per-element and per-channel, nothing that
/// reads another input.
bool isSimpleStep(Operation *op) { return isa<ActivationOp, BatchNormOp>(op); }

/// Fills in what the anchor says about its input and window.
void readAnchor(GroupStructure &s) {
  if (auto conv = dyn_cast<Conv2DOp>(s.anchor)) {
    auto in = perImage(conv.getInput().getType());
    auto weight = cast<RankedTensorType>(conv.getWeight().getType());
    s.inChannels = in[0];
    s.inWidth = in[1];
    s.inHeight = in[2];
    s.groups = static_cast<int64_t>(conv.getGroups());
    s.kernelH = weight.getDimSize(2);
    s.kernelW = weight.getDimSize(3);
    s.depthwise = conv.isDepthwise();
    s.padded = conv.isPadded();
    auto result = perImage(conv.getType());
    s.weightElements = weight.getNumElements();
    s.macs = s.weightElements * result[1] * result[2];
  } else if (auto dense = dyn_cast<DenseOp>(s.anchor)) {
    auto weight = cast<RankedTensorType>(dense.getWeight().getType());
    s.inChannels = weight.getDimSize(1);
    s.weightElements = weight.getNumElements();
    s.macs = s.weightElements;
  } else if (auto pool = dyn_cast<GlobalAvgPoolOp>(s.anchor)) {
    auto in = perImage(pool.getInput().getType());
    s.inChannels = in[0];
    s.inWidth = in[1];
    s.inHeight = in[2];
  }
}

} // namespace

bool GroupStructure::convolves() const {
  return isa_and_nonnull<Conv2DOp, DenseOp>(anchor);
}

GroupStructure mlir::effnet::analyzeGroup(GroupOp group) {
  GroupStructure s;
  auto out = perImage(group.getType());
  s.channels = out[0];
  s.width = out[1];
  s.height = out[2];

  SmallVector<Operation *> ops;
  for (Operation &op : group.getBody().front().without_terminator())
    if (!isa<WeightOp>(op))
      ops.push_back(&op);
  s.scalesChannels = llvm::any_of(
      ops, [](Operation *op) { return isa<ChannelMulOp>(op); });
  if (ops.empty())
    return s;

  // The anchor: first in the group, or second behind the scale of its
  // input. `next` is the first op after what is fused in front.
  size_t next = 0;
  Value chain;
  auto scale = dyn_cast<ChannelMulOp>(ops.front());
  auto scaled = ops.size() > 1 && scale ? dyn_cast<Conv2DOp>(ops[1])
                                        : Conv2DOp();
  if (scaled && scaled.getInput() == scale.getResult() &&
      scale->hasOneUse() && scaled.getGroups() == 1) {
    s.inputScale = scale;
    s.anchor = scaled;
    next = 2;
  } else if (isa<Conv2DOp, DenseOp, GlobalAvgPoolOp>(ops.front())) {
    s.anchor = ops.front();
    next = 1;
  }

  if (s.anchor) {
    chain = s.anchor->getResult(0);
  } else {
    // No anchor: the chain starts at the first op's main operand (a scaled
    // tensor, not its scale).
    Operation *first = ops.front();
    chain = first->getNumOperands() ? first->getOperand(0) : Value();
    if (scale)
      chain = scale.getInput();
  }

  // MBConv's expansion: a pointwise anchor whose result, through
  // activations and batch norms, is the input of a depthwise convolution,
  // which becomes the anchor.
  auto pointwise = dyn_cast_or_null<Conv2DOp>(s.anchor);
  if (pointwise && !s.inputScale && pointwise.isPointwise()) {
    Value value = chain;
    for (size_t i = next; i < ops.size(); ++i) {
      if (isSimpleStep(ops[i]) && ops[i]->getOperand(0) == value) {
        value = ops[i]->getResult(0);
        continue;
      }
      auto depthwise = dyn_cast<Conv2DOp>(ops[i]);
      if (depthwise && depthwise.getInput() == value &&
          depthwise.isDepthwise()) {
        s.expansion = pointwise;
        s.expandInChannels = perImage(pointwise.getInput().getType())[0];
        s.anchor = depthwise;
        chain = depthwise.getResult();
        next = i + 1;
      }
      break;
    }
  }
  if (s.anchor)
    readAnchor(s);

  // After the anchor: follow the chain to a broadcast.
  for (size_t i = next; i < ops.size() && chain; ++i) {
    Operation *op = ops[i];
    if (auto mul = dyn_cast<ChannelMulOp>(op);
        mul && mul.getScale() == chain && !s.broadcast)
      s.broadcast = mul;
    if (llvm::is_contained(op->getOperands(), chain))
      chain = op->getResult(0);
  }

  auto conv = dyn_cast_or_null<Conv2DOp>(s.anchor);
  auto one = [](int64_t v) { return v == 1; };
  s.fitsWinograd = conv && conv == ops.front() && !s.scalesChannels &&
                   llvm::count_if(ops, [](Operation *op) {
                     return isa<Conv2DOp>(op);
                   }) == 1 &&
                   !s.expansion && s.groups == 1 && s.kernelW == 3 &&
                   s.kernelH == 3 && llvm::all_of(conv.getStrides(), one) &&
                   llvm::all_of(conv.getDilations(), one);
  return s;
}

std::string mlir::effnet::describeGroupStructure(const GroupStructure &s) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "anchor=";
  if (s.anchor)
    os << s.anchor->getName().stripDialect();
  else
    os << "none";
  os << " out=" << s.channels << "x" << s.width << "x" << s.height;
  if (s.anchor)
    os << " in=" << s.inChannels << "x" << s.inWidth << "x" << s.inHeight;
  if (s.convolves())
    os << " window=" << s.kernelW << "x" << s.kernelH
       << " groups=" << s.groups;
  if (s.expansion)
    os << " expansion=" << s.expandInChannels << "->" << s.inChannels;
  if (s.inputScale)
    os << " input-scale";
  if (s.broadcast)
    os << " broadcast";
  if (s.scalesChannels)
    os << " scales-channels";
  if (s.depthwise)
    os << " depthwise";
  if (s.padded)
    os << " padded";
  if (s.fitsWinograd)
    os << " winograd";
  if (s.convolves())
    os << " weights=" << s.weightElements << " macs=" << s.macs;
  return text;
}
