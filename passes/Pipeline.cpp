//===- Pipeline.cpp - the pipeline effnet-opt and effnetc share -----------===//

#include "passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::effnet;

void mlir::effnet::addPassesForLevel(OpPassManager &pm, Level level,
                                     const PipelineOptions &options) {
  switch (level) {
  case Level::Stages: {
    CompoundScaleOptions scale;
    scale.variant = options.variant;
    scale.phi = options.phi;
    scale.width = options.width;
    scale.depth = options.depth;
    scale.resolution = options.resolution;
    pm.addPass(createCompoundScale(scale));
    return;
  }
  case Level::Blocks:
    pm.addNestedPass<func::FuncOp>(createExpandStages());
    return;
  case Level::Primitives:
    pm.addNestedPass<func::FuncOp>(createExpandBlocks());
    pm.addPass(createCanonicalizerPass());
    return;
  case Level::Groups: {
    BindWeightsOptions bind;
    bind.file = options.weights;
    bind.naming = options.naming;
    bind.random = options.weights.empty() ? int64_t(options.randomSeed) : -1;
    pm.addPass(createBindWeights(bind));
    pm.addNestedPass<func::FuncOp>(createFoldBatchNorm());
    pm.addPass(createCanonicalizerPass());
    pm.addNestedPass<func::FuncOp>(createFuse());
    return;
  }
  case Level::Tiled: {
    TileOptions tile;
    tile.target = options.target;
    tile.schedules = options.schedules;
    pm.addPass(createTile(tile));
    return;
  }
  }
}

void mlir::effnet::buildEffNetPipeline(OpPassManager &pm,
                                       const PipelineOptions &options) {
  for (Level level : {Level::Stages, Level::Blocks, Level::Primitives,
                      Level::Groups, Level::Tiled}) {
    addPassesForLevel(pm, level, options);
    if (level == options.level)
      return;
  }
}

void mlir::effnet::registerEffNetPassesAndPipeline() {
  registerEffNetPasses();
  PassPipelineRegistration<PipelineOptions>(
      "effnet-pipeline",
      "Scale a stage table and lower it to blocks, primitives, groups or "
      "tiled groups",
      buildEffNetPipeline);
}
