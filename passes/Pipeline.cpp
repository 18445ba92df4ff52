//===- Pipeline.cpp - the pipeline effnet-opt and effnetc share -----------===//

#include "passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::effnet;

void mlir::effnet::buildEffNetPipeline(OpPassManager &pm,
                                       const PipelineOptions &options) {
  CompoundScaleOptions scale;
  scale.variant = options.variant;
  scale.phi = options.phi;
  scale.width = options.width;
  scale.depth = options.depth;
  scale.resolution = options.resolution;
  pm.addPass(createCompoundScale(scale));
  if (options.level == Level::Stages)
    return;
  pm.addNestedPass<func::FuncOp>(createExpandStages());
  if (options.level == Level::Blocks)
    return;
  pm.addNestedPass<func::FuncOp>(createExpandBlocks());
  pm.addPass(createCanonicalizerPass());
}

void mlir::effnet::registerEffNetPassesAndPipeline() {
  registerEffNetPasses();
  PassPipelineRegistration<PipelineOptions>(
      "effnet-pipeline",
      "Scale a stage table and lower it to blocks or primitives",
      buildEffNetPipeline);
}
