//===- effnet-opt.cpp - run effnet passes on .mlir text -------------------===//

#include "codegen/Codegen.h"
#include "dialect/EffNet.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  mlir::effnet::registerEffNetPassesAndPipeline();
  mlir::effnet::codegen::registerPlanPass();
  mlir::DialectRegistry registry;
  registry.insert<mlir::effnet::EffNetDialect, mlir::func::FuncDialect>();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "EfficientNet compiler: pass driver\n", registry));
}
