//===- MemoryLimit.cpp - refuse models that would not fit -----------------===//

#include "models/Files.h"
#include "passes/Passes.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

namespace mlir {
namespace effnet {
#define GEN_PASS_DEF_MEMORYLIMIT
#include "passes/Passes.h.inc"
} // namespace effnet
} // namespace mlir

using namespace mlir;
using namespace mlir::effnet;

namespace {

class MemoryLimitPass : public effnet::impl::MemoryLimitBase<MemoryLimitPass> {
public:
  using MemoryLimitBase::MemoryLimitBase;

  LogicalResult initializeOptions(
      StringRef text,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    if (failed(MemoryLimitBase::initializeOptions(text, errorHandler)))
      return failure();
    return checkOptionsGivenOnce(getArgument(), {&maxMemory},
                                 errorHandler);
  }
  void runOnOperation() override;
};

/// Copies of the weights alive at once while effnetc compiles: the values
/// bound to the IR, the folded values, the weight blob and the archive's
/// copy of it. Measured on 2026-11-30 (peak resident memory of `effnetc -o`):
/// B0 (5.3 M parameters) 289 MB; B0 at width 4 (66 M parameters, 266 MB of
/// weights) 1528 MB, so about 4.8 copies beyond the base.
constexpr uint64_t kWeightCopies = 5;
/// What compiling any model takes besides its weights: MLIR, Halide and the
/// kernels being compiled.
constexpr uint64_t kCompileBaseBytes = uint64_t(256) << 20;

} // namespace

static uint64_t multiply(uint64_t a, uint64_t b) {
  return llvm::SaturatingMultiply(a, b);
}
static uint64_t add(uint64_t a, uint64_t b) { return llvm::SaturatingAdd(a, b); }

/// Bytes of a float tensor (a dynamic dimension counts as 1); 0 for
/// anything that is not a ranked tensor.
static uint64_t activationBytes(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return 0;
  uint64_t bytes = 4;
  for (int64_t size : tensor.getShape())
    bytes = multiply(bytes, size == ShapedType::kDynamic || size < 0
                                ? 1
                                : static_cast<uint64_t>(size));
  return bytes;
}

/// The channels a block or stage expands its input to, over its input's.
static double getExpansion(Operation *op) {
  auto ratio = [](int64_t expanded, Value input) {
    auto type = cast<RankedTensorType>(input.getType());
    int64_t channels = type.getRank() > 1 ? type.getDimSize(1) : 1;
    return channels > 0 && expanded > 0
               ? static_cast<double>(expanded) / static_cast<double>(channels)
               : 1.0;
  };
  if (auto stage = dyn_cast<StageOp>(op))
    return stage.getExpandRatio().convertToDouble();
  if (auto block = dyn_cast<MBConvOp>(op))
    return ratio(block.getExpandChannels(), block.getInput());
  if (auto block = dyn_cast<FusedMBConvOp>(op))
    return ratio(block.getExpandChannels(), block.getInput());
  return 0.0;
}

/// What `op` holds at once: its activation inputs and results, and the
/// expanded tensor of a block (before and after a stride: counted twice).
static uint64_t getWorkingSet(Operation *op) {
  uint64_t bytes = 0;
  uint64_t input = 0;
  for (Value operand : op->getOperands()) {
    if (operand.getDefiningOp<WeightOp>())
      continue;
    uint64_t operandBytes = activationBytes(operand.getType());
    input = std::max(input, operandBytes);
    bytes = add(bytes, operandBytes);
  }
  for (Type type : op->getResultTypes())
    bytes = add(bytes, activationBytes(type));
  double expansion = getExpansion(op);
  if (expansion > 0.0 && std::isfinite(expansion)) {
    double expanded = 2.0 * expansion * static_cast<double>(input);
    bytes = add(bytes, expanded >= 1.8e19 ? UINT64_MAX
                                          : static_cast<uint64_t>(expanded));
  }
  return bytes;
}

void MemoryLimitPass::runOnOperation() {
  ModuleOp module = getOperation();
  llvm::Expected<uint64_t> limit = parseBytes(maxMemory);
  if (!limit) {
    emitError(module.getLoc())
        << "effnet-memory-limit: max-memory "
        << llvm::toString(limit.takeError());
    return signalPassFailure();
  }
  uint64_t parameters = 0;
  uint64_t workingSet = 0;
  std::string widest = "-";
  // Below the block level the weights are ops of their own, and a weight no
  // op counts (or of a shape no op would accept) is still bound: the larger
  // of the two counts is what binding will allocate.
  uint64_t weightElements = 0;
  module.walk([&](Operation *op) {
    if (auto counted = dyn_cast<CostOpInterface>(op))
      parameters = add(parameters, counted.getParameterCount());
    if (auto weight = dyn_cast<WeightOp>(op))
      weightElements =
          add(weightElements, activationBytes(weight.getType()) / 4);
    // Ops inside groups are counted by their group's operands and results.
    if (op->getParentOfType<GroupOp>() || isa<WeightOp>(op))
      return;
    if (uint64_t bytes = getWorkingSet(op); bytes > workingSet) {
      workingSet = bytes;
      if (auto name = dyn_cast<NameLoc>(op->getLoc()))
        widest = name.getName().str();
      else
        widest = op->getName().getStringRef().str();
    }
  });
  parameters = std::max(parameters, weightElements);
  uint64_t weights = multiply(parameters, 4);
  uint64_t compile = add(multiply(weights, kWeightCopies), kCompileBaseBytes);
  auto fail = [&]() {
    return emitError(module.getLoc()) << "effnet-memory-limit: ";
  };
  if (compile > *limit) {
    fail() << "compiling this model would take about " << formatBytes(compile)
           << " (" << parameters << " parameters, " << formatBytes(weights)
           << " of weights), more than the limit of " << formatBytes(*limit)
           << "; raise it with max-memory (effnetc --max-memory)";
    return signalPassFailure();
  }
  if (workingSet > *limit) {
    fail() << "running this model would hold about " << formatBytes(workingSet)
           << " of activations at once (at " << widest
           << "), more than the limit of " << formatBytes(*limit)
           << "; raise it with max-memory (effnetc --max-memory)";
    return signalPassFailure();
  }
  markAllAnalysesPreserved();
}
