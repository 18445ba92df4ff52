//===- EffNetDialect.cpp - the effnet dialect and its arithmetic ----------===//

#include "dialect/EffNet.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cstdio>

using namespace mlir;
using namespace mlir::effnet;

#include "dialect/EffNetDialect.cpp.inc"
#include "dialect/EffNetEnums.cpp.inc"
#include "dialect/EffNetInterfaces.cpp.inc"

void EffNetDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "dialect/EffNetOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Shape and cost arithmetic
//===----------------------------------------------------------------------===//

int64_t mlir::effnet::roundChannels(double channels, int64_t divisor) {
  // Same operations, in the same order and precision, as torchvision's
  // _make_divisible, so that rounding ties come out the same.
  double half = static_cast<double>(divisor) / 2.0;
  int64_t rounded = static_cast<int64_t>(channels + half) / divisor * divisor;
  rounded = std::max(divisor, rounded);
  if (static_cast<double>(rounded) < 0.9 * channels)
    rounded += divisor;
  return rounded;
}

int64_t mlir::effnet::convOutputSize(int64_t size, int64_t kernel,
                                     int64_t stride, int64_t padBefore,
                                     int64_t padAfter, int64_t dilation) {
  int64_t span = size + padBefore + padAfter - dilation * (kernel - 1) - 1;
  if (span < 0)
    return 0;
  return span / stride + 1;
}

SamePadding mlir::effnet::computeSamePadding(int64_t size, int64_t kernel,
                                             int64_t stride, int64_t dilation) {
  SamePadding padding;
  padding.output = llvm::divideCeil(size, stride);
  int64_t total = std::max<int64_t>(
      (padding.output - 1) * stride + dilation * (kernel - 1) + 1 - size, 0);
  padding.before = total / 2;
  padding.after = total - padding.before;
  return padding;
}

int64_t mlir::effnet::blockConvOutputSize(int64_t size, int64_t kernel,
                                          int64_t stride) {
  int64_t pad = (kernel - 1) / 2;
  return convOutputSize(size, kernel, stride, pad, pad);
}

Cost mlir::effnet::convCost(int64_t batch, int64_t inChannels,
                            int64_t outChannels, int64_t kernelH,
                            int64_t kernelW, int64_t groups, int64_t outH,
                            int64_t outW, bool bias) {
  uint64_t perOutput =
      static_cast<uint64_t>(inChannels / groups) * kernelH * kernelW;
  Cost cost;
  cost.params = perOutput * outChannels + (bias ? outChannels : 0);
  cost.macs = perOutput * outChannels * outH * outW * batch;
  return cost;
}

Cost mlir::effnet::batchNormCost(int64_t channels) {
  return Cost{2 * static_cast<uint64_t>(channels), 0};
}

Cost mlir::effnet::denseCost(int64_t batch, int64_t inFeatures,
                             int64_t outFeatures, bool bias) {
  uint64_t weights = static_cast<uint64_t>(inFeatures) * outFeatures;
  return Cost{weights + (bias ? outFeatures : 0), weights * batch};
}

Cost mlir::effnet::blockCost(const BlockConfig &block, int64_t batch, int64_t h,
                             int64_t w) {
  int64_t k = block.kernel;
  int64_t oh = blockConvOutputSize(h, k, block.stride);
  int64_t ow = blockConvOutputSize(w, k, block.stride);
  Cost cost;
  // Channels of the features that squeeze-excite scales.
  int64_t excited;
  if (block.fused) {
    excited = block.hasExpansion() ? block.expandChannels : block.outChannels;
    cost += convCost(batch, block.inChannels, excited, k, k, 1, oh, ow, false);
    cost += batchNormCost(excited);
  } else {
    excited = block.expandChannels;
    if (block.hasExpansion()) {
      cost += convCost(batch, block.inChannels, excited, 1, 1, 1, h, w, false);
      cost += batchNormCost(excited);
    }
    cost += convCost(batch, excited, excited, k, k, excited, oh, ow, false);
    cost += batchNormCost(excited);
  }
  if (block.seChannels > 0) {
    cost += convCost(batch, excited, block.seChannels, 1, 1, 1, 1, 1, true);
    cost += convCost(batch, block.seChannels, excited, 1, 1, 1, 1, 1, true);
  }
  if (!block.fused || block.hasExpansion()) {
    cost += convCost(batch, excited, block.outChannels, 1, 1, 1, oh, ow, false);
    cost += batchNormCost(block.outChannels);
  }
  return cost;
}

std::string mlir::effnet::formatDouble(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

int64_t mlir::effnet::costBatch(Type activations) {
  auto type = dyn_cast<RankedTensorType>(activations);
  if (!type || type.getRank() == 0 || type.isDynamicDim(0))
    return 1;
  return type.getDimSize(0);
}

LogicalResult mlir::effnet::verifyInferredResultType(Operation *op) {
  auto shaped = cast<ShapeInferenceOpInterface>(op);
  FailureOr<RankedTensorType> inferred =
      shaped.inferResultType([op] { return op->emitOpError(); });
  if (failed(inferred))
    return failure();
  Type actual = op->getResult(0).getType();
  if (actual != *inferred)
    return op->emitOpError()
           << "expects result type " << *inferred << ", got " << actual;
  return success();
}
