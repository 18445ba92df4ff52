//===- ExpandStages.cpp - stages into blocks
//-------------------------------===//

#include "passes/Passes.h"

#include <string>

namespace mlir {
namespace effnet {
#define GEN_PASS_DEF_EXPANDSTAGES
#include "passes/Passes.h.inc"
} // namespace effnet
} // namespace mlir

using namespace mlir;
using namespace mlir::effnet;

namespace {

class ExpandStagesPass
    : public effnet::impl::ExpandStagesBase<ExpandStagesPass> {
public:
  using ExpandStagesBase::ExpandStagesBase;

  void runOnOperation() override;
};

} // namespace

/// Creates block `config` as an op of the stage's kind.
static FailureOr<Value> createBlock(OpBuilder &builder, StageOp stage,
                                    Value input, const BlockConfig &config,
                                    StringRef name, double stochasticDepth) {
  Location loc = NameLoc::get(builder.getStringAttr(name), stage.getLoc());
  APFloat rate(stochasticDepth), eps = stage.getBnEps();
  if (config.fused) {
    FailureOr<FusedMBConvOp> block = createInferred<FusedMBConvOp>(
        builder, loc, input, name, config.kernel, config.stride,
        config.expandChannels, config.outChannels, config.seChannels, rate,
        eps);
    if (failed(block))
      return failure();
    return block->getResult();
  }
  FailureOr<MBConvOp> block = createInferred<MBConvOp>(
      builder, loc, input, name, config.kernel, config.stride,
      config.expandChannels, config.outChannels, config.seChannels, rate, eps);
  if (failed(block))
    return failure();
  return block->getResult();
}

void ExpandStagesPass::runOnOperation() {
  func::FuncOp func = getOperation();
  SmallVector<StageOp> stages(func.getBody().getOps<StageOp>());
  if (stages.empty())
    return markAllAnalysesPreserved();
  // Stochastic depth grows linearly over all blocks of the network.
  int64_t totalBlocks = 0;
  for (StageOp stage : stages)
    totalBlocks += stage.getRepeats();

  OpBuilder builder(func.getContext());
  int64_t blockIndex = 0;
  for (auto [stageIndex, stage] : llvm::enumerate(stages)) {
    builder.setInsertionPoint(stage);
    Value x = stage.getInput();
    int64_t inChannels = cast<RankedTensorType>(x.getType()).getDimSize(1);
    double maxRate = stage.getStochasticDepth().convertToDouble();
    for (int64_t i = 0, e = stage.getRepeats(); i < e; ++i, ++blockIndex) {
      std::string name =
          "blocks." + std::to_string(stageIndex) + "." + std::to_string(i);
      double rate = maxRate * static_cast<double>(blockIndex) /
                    static_cast<double>(totalBlocks);
      FailureOr<Value> block = createBlock(
          builder, stage, x, stage.getBlockConfig(i, inChannels), name, rate);
      if (failed(block))
        return signalPassFailure();
      x = *block;
      ++numBlocksCreated;
    }
    stage.replaceAllUsesWith(x);
    stage.erase();
  }
}
