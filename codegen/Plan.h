//===- Plan.h - a model as kernels, steps, an arena and a blob --*- C++ -*-===//
//
// What the generated library does, decided from the grouped IR: the distinct
// kernels to compile, the steps that call them in order, where every tensor
// lives in the activation arena, and the packed weight blob.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_PLAN_H
#define EFFNET_CODEGEN_PLAN_H

#include "codegen/Kernel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace mlir {
namespace effnet {
namespace codegen {

/// One tensor of one image in the arena; offsets and sizes in floats.
struct ArenaTensor {
  TensorShape shape;
  int64_t offset = 0;
  /// Steps between which the tensor lives: produced by step `first` (-1 for
  /// the model input), read last by step `last` (the step count for the
  /// model output, which the driver copies out after the last step).
  int first = -1;
  int last = -1;
};

/// One call of a kernel.
struct Step {
  int kernel = 0;
  /// Arena tensors in the order of KernelSpec::inputs.
  std::vector<int> inputs;
  int output = 0;
  /// Offsets (in floats) into the weight blob, one per KernelSpec::weights.
  std::vector<int64_t> weights;
  /// The group the step computes, for messages.
  std::string name;
};

struct ModelPlan {
  std::vector<KernelSpec> kernels;
  std::vector<Step> steps;
  std::vector<ArenaTensor> tensors;
  int inputTensor = 0;
  int outputTensor = 0;
  /// Floats of arena one image needs.
  int64_t arenaFloats = 0;
  /// Every packed weight, each starting at a multiple of 16 floats.
  std::vector<float> weights;
};

/// Plans `func`, whose body must be effnet.group ops with bound weights
/// reading the single NCHW input and returning N x K logits. Emits a
/// diagnostic and fails on anything it cannot compile.
mlir::FailureOr<ModelPlan> planModel(mlir::func::FuncOp func);

/// Prints the plan as `effnetc --emit=plan` shows it: the kernels with their
/// keys and schedules, the steps, the arena and the weight blob.
void printPlan(llvm::raw_ostream &os, const ModelPlan &plan);

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_PLAN_H
