//===- FoldBatchNorm.cpp - batch norms into convolution weights -----------===//

#include "models/WeightNames.h"
#include "passes/Passes.h"

#include "llvm/ADT/SmallPtrSet.h"

#include <cmath>

namespace mlir {
namespace effnet {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"
} // namespace effnet
} // namespace mlir

using namespace mlir;
using namespace mlir::effnet;

namespace {

class FoldBatchNormPass
    : public effnet::impl::FoldBatchNormBase<FoldBatchNormPass> {
public:
  using FoldBatchNormBase::FoldBatchNormBase;

  void runOnOperation() override;
};

} // namespace

/// The bound weight behind `value`, if it is one.
static WeightOp boundWeight(Value value) {
  auto weight = value.getDefiningOp<WeightOp>();
  return weight && weight.getValue() ? weight : WeightOp();
}

/// Folds `bn` into the convolution producing its input. Returns failure (and
/// changes nothing) when it cannot, success or a hard error otherwise.
static FailureOr<bool> foldInto(BatchNormOp bn) {
  auto conv = bn.getInput().getDefiningOp<Conv2DOp>();
  if (!conv || !conv->hasOneUse())
    return false;
  WeightOp weight = boundWeight(conv.getWeight());
  WeightOp scale = boundWeight(bn.getScale()),
           shift = boundWeight(bn.getShift()), mean = boundWeight(bn.getMean()),
           var = boundWeight(bn.getVariance());
  WeightOp bias = conv.getBias() ? boundWeight(conv.getBias()) : WeightOp();
  if (!weight || !scale || !shift || !mean || !var || (conv.getBias() && !bias))
    return false;

  FailureOr<std::vector<float>> w = weight.readValues();
  auto affine = bn.computeAffine();
  if (failed(w) || failed(affine))
    return failure();
  std::vector<float> oldBias;
  if (bias) {
    FailureOr<std::vector<float>> values = bias.readValues();
    if (failed(values))
      return failure();
    oldBias = std::move(*values);
  }

  const auto &[s, shiftOf] = *affine;
  size_t channels = s.size();
  size_t perChannel = w->size() / channels;
  std::vector<float> newWeight(w->size()), newBias(channels);
  for (size_t o = 0; o < channels; ++o) {
    for (size_t i = 0; i < perChannel; ++i)
      newWeight[o * perChannel + i] =
          static_cast<float>((*w)[o * perChannel + i] * s[o]);
    double before = bias ? oldBias[o] : 0.0;
    newBias[o] = static_cast<float>(before * s[o] + shiftOf[o]);
  }

  OpBuilder builder(conv);
  // "blocks.1.0.dw.conv.weight" -> "blocks.1.0.dw.folded.weight".
  std::string owner = getWeightOwner(weight.getName());
  std::string weightName =
      makeWeightName(owner, weight_name::kFolded, weight_name::kWeight);
  std::string biasName =
      makeWeightName(owner, weight_name::kFolded, weight_name::kBias);
  auto weightType = weight.getType();
  auto biasType = RankedTensorType::get({static_cast<int64_t>(channels)},
                                        weightType.getElementType());
  auto newWeightOp = builder.create<WeightOp>(
      weight.getLoc(), weightType, weightName,
      WeightOp::createValue(weightType, newWeight, weightName));
  auto newBiasOp = builder.create<WeightOp>(
      bn.getLoc(), biasType, biasName,
      WeightOp::createValue(biasType, newBias, biasName));
  auto folded = builder.create<Conv2DOp>(
      conv.getLoc(), bn.getType(), conv.getInput(), newWeightOp, newBiasOp,
      conv.getStridesAttr(), conv.getPaddingAttr(), conv.getPaddingModeAttr(),
      conv.getDilationsAttr(), conv.getGroupsAttr());
  bn.replaceAllUsesWith(folded.getResult());
  bn.erase();
  conv.erase();
  // Weights nothing reads any more go with them (one op may feed several
  // operands).
  llvm::SmallPtrSet<Operation *, 6> unused;
  for (WeightOp dead : {weight, scale, shift, mean, var, bias})
    if (dead && dead->use_empty())
      unused.insert(dead);
  for (Operation *dead : unused)
    dead->erase();
  return true;
}

void FoldBatchNormPass::runOnOperation() {
  SmallVector<BatchNormOp> norms;
  getOperation().walk([&](BatchNormOp bn) { norms.push_back(bn); });
  for (BatchNormOp bn : norms) {
    FailureOr<bool> folded = foldInto(bn);
    if (failed(folded))
      return signalPassFailure();
    if (*folded)
      ++numFolded;
  }
}
