//===- PlanPass.cpp - effnet-print-plan: codegen's plan as a pass ---------===//
//
// The codegen test seam for effnet-opt: plans every function as effnetc -o
// would, and prints the plan, so lit tests check what codegen decides (and
// every diagnostic planning emits) without compiling anything.
//
//===----------------------------------------------------------------------===//

#include "codegen/Codegen.h"
#include "codegen/Plan.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace {

struct PrintPlanPass
    : public PassWrapper<PrintPlanPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(PrintPlanPass)

  StringRef getArgument() const override { return "effnet-print-plan"; }
  StringRef getDescription() const override {
    return "print the plan code generation makes of each function: kernels, "
           "keys, schedules, steps, arena and weight blob";
  }
  void runOnOperation() override {
    for (func::FuncOp func : getOperation().getOps<func::FuncOp>()) {
      FailureOr<effnet::codegen::ModelPlan> plan =
          effnet::codegen::planModel(func);
      if (failed(plan))
        return signalPassFailure();
      llvm::outs() << "// plan of @" << func.getName() << "\n";
      effnet::codegen::printPlan(llvm::outs(), *plan);
    }
    markAllAnalysesPreserved();
  }
};

} // namespace

void mlir::effnet::codegen::registerPlanPass() {
  PassRegistration<PrintPlanPass>();
}
