//===- CompoundScale.cpp - the paper's compound scaling as a pass ---------===//

#include "models/Models.h"
#include "passes/Passes.h"

#include <cmath>
#include <limits>

namespace mlir {
namespace effnet {
#define GEN_PASS_DEF_COMPOUNDSCALE
#include "passes/Passes.h.inc"
} // namespace effnet
} // namespace mlir

using namespace mlir;
using namespace mlir::effnet;

namespace {

/// What to do to a stage table, once the options are resolved.
struct Scaling {
  std::string variantName;
  std::optional<std::string> table; // The table a named variant is built from.
  double width = 1.0;
  double depth = 1.0;
  int64_t resolution = 0; // 0 keeps the input's.
  std::optional<double> dropout;
  std::optional<double> bnEps;

  bool changesStages() const { return width != 1.0 || depth != 1.0; }
};

class CompoundScalePass
    : public effnet::impl::CompoundScaleBase<CompoundScalePass> {
public:
  using CompoundScaleBase::CompoundScaleBase;

  LogicalResult initializeOptions(
      StringRef text,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    if (failed(CompoundScaleBase::initializeOptions(text, errorHandler)))
      return failure();
    return checkOptionsGivenOnce(getArgument(), {&variant, &phi, &width, &depth, &resolution, &bnEps},
                                 errorHandler);
  }

  void runOnOperation() override;

private:
  FailureOr<Scaling> resolveOptions();
  LogicalResult scaleFunction(func::FuncOp func, const Scaling &scaling);
};

} // namespace

FailureOr<Scaling> CompoundScalePass::resolveOptions() {
  auto fail = [&]() { return emitError(getOperation().getLoc()); };
  // An option counts as given when it was given, whatever its value: no
  // value (NaN, 0, "") stands for "not given", so every given value is
  // checked.
  Scaling scaling;
  bool explicitMultipliers = width.hasValue() || depth.hasValue();
  if (variant.hasValue() + phi.hasValue() + explicitMultipliers > 1)
    return fail() << "effnet-compound-scale: give one of 'variant', 'phi' or "
                     "'width'/'depth', not several";
  if (variant.hasValue()) {
    std::optional<Variant> named = lookupVariant(variant);
    if (!named)
      return fail() << "effnet-compound-scale: unknown variant '" << variant
                    << "' (expected one of " << listVariantNames() << ")";
    scaling.variantName = named->name.str();
    scaling.table = named->table.str();
    scaling.width = named->width;
    scaling.depth = named->depth;
    scaling.resolution = named->resolution;
    scaling.dropout = named->dropout;
    scaling.bnEps = named->bnEps;
  } else if (phi.hasValue()) {
    if (!std::isfinite(phi) || phi < -8.0 || phi > 16.0)
      return fail() << "effnet-compound-scale: expects phi in [-8, 16], got "
                    << formatDouble(phi);
    scaling.variantName = "custom";
    scaling.width = std::pow(kBeta, phi);
    scaling.depth = std::pow(kAlpha, phi);
    scaling.resolution =
        static_cast<int64_t>(std::lround(224.0 * std::pow(kGamma, phi)));
  } else if (explicitMultipliers) {
    scaling.variantName = "custom";
    for (auto [option, name] : {std::make_pair(&width, "width"),
                                std::make_pair(&depth, "depth")}) {
      double value = *option;
      if (option->hasValue() &&
          !(std::isfinite(value) && value > 0.0 && value <= 64.0))
        return fail() << "effnet-compound-scale: expects " << name
                      << " in (0, 64], got " << formatDouble(value);
    }
    scaling.width = width.hasValue() ? double(width) : 1.0;
    scaling.depth = depth.hasValue() ? double(depth) : 1.0;
  }
  if (bnEps.hasValue()) {
    if (!std::isfinite(bnEps) || bnEps <= 0.0)
      return fail() << "effnet-compound-scale: expects bn-eps > 0 and finite, "
                       "got "
                    << formatDouble(bnEps);
    // The variances it is added to are float32, as in torchvision's
    // arithmetic: an epsilon that is no normal float there vanishes or
    // overflows.
    constexpr double kMinNormal = std::numeric_limits<float>::min();
    constexpr double kMax = std::numeric_limits<float>::max();
    if (bnEps < kMinNormal || bnEps > kMax)
      return fail() << "effnet-compound-scale: expects bn-eps to be a normal "
                       "float ("
                    << formatDouble(kMinNormal) << " to " << formatDouble(kMax)
                    << "), got " << formatDouble(bnEps);
    scaling.bnEps = bnEps;
  }
  if (resolution.hasValue()) {
    if (resolution < 1 || resolution > 16384)
      return fail() << "effnet-compound-scale: expects resolution in "
                       "[1, 16384], got "
                    << static_cast<int64_t>(resolution);
    scaling.resolution = resolution;
  }
  return scaling;
}

/// Gives `arg` the resolution `resolution`, keeping batch and channels.
static void setResolution(BlockArgument arg, int64_t resolution) {
  auto type = cast<RankedTensorType>(arg.getType());
  arg.setType(RankedTensorType::get(
      {type.getDimSize(0), type.getDimSize(1), resolution, resolution},
      type.getElementType()));
}

LogicalResult CompoundScalePass::scaleFunction(func::FuncOp func,
                                               const Scaling &scaling) {
  if (scaling.table) {
    if (auto table = func->getAttrOfType<StringAttr>("effnet.table"))
      if (table.getValue() != *scaling.table)
        return func.emitOpError()
               << "holds stage table '" << table.getValue()
               << "', but variant '" << scaling.variantName
               << "' is built from stage table '" << *scaling.table << "'";
  }
  Builder builder(func.getContext());
  auto f64 = [&](double value) { return builder.getF64FloatAttr(value); };

  // Width and depth only have a meaning for stage tables.
  SmallVector<StageOp> stages;
  for (Operation &op : func.getBody().getOps()) {
    if (auto stage = dyn_cast<StageOp>(op)) {
      stages.push_back(stage);
      continue;
    }
    if (scaling.changesStages() && isa<EffNetDialect>(op.getDialect()) &&
        !isa<StemOp, HeadOp>(op))
      return op.emitOpError() << "expects stage-level IR: width and depth "
                                 "scale effnet.stage ops, before "
                                 "effnet-expand-stages";
  }

  if (scaling.changesStages()) {
    int64_t lastOut = stages.empty() ? 0 : stages.back().getOutChannels();
    int64_t lastOutScaled = 0;
    for (StageOp stage : stages) {
      int64_t out = stage.getOutChannels();
      int64_t scaledOut = roundChannels(out * scaling.width);
      int64_t repeats = static_cast<int64_t>(
          std::ceil(static_cast<double>(stage.getRepeats()) * scaling.depth));
      stage.setOutChannels(scaledOut);
      stage.setRepeats(repeats);
      lastOutScaled = scaledOut;
      ++numStagesScaled;
    }
    for (StemOp stem : func.getBody().getOps<StemOp>())
      stem.setOutChannels(roundChannels(stem.getOutChannels() * scaling.width));
    for (HeadOp head : func.getBody().getOps<HeadOp>()) {
      int64_t channels = head.getChannels();
      // torchvision's B models build the head as 4x the last stage.
      if (lastOut > 0 && channels % lastOut == 0)
        head.setChannels(channels / lastOut * lastOutScaled);
      else
        head.setChannels(roundChannels(channels * scaling.width));
    }
  }

  for (Operation &op : func.getBody().getOps()) {
    if (scaling.bnEps) {
      if (isa<StemOp, StageOp, HeadOp, MBConvOp, FusedMBConvOp>(op))
        op.setAttr("bn_eps", f64(*scaling.bnEps));
      else if (isa<BatchNormOp>(op))
        op.setAttr("epsilon", f64(*scaling.bnEps));
    }
    if (scaling.dropout) {
      if (isa<HeadOp, DenseOp>(op))
        op.setAttr("dropout", f64(*scaling.dropout));
    }
  }

  if (scaling.resolution > 0) {
    if (func.getBody().getOps<StemOp>().empty())
      return func.emitOpError()
             << "has no effnet.stem whose input resolution could change";
    for (StemOp stem : func.getBody().getOps<StemOp>()) {
      auto arg = dyn_cast<BlockArgument>(stem.getInput());
      if (!arg || arg.getOwner()->getParentOp() != func)
        return stem.emitOpError()
               << "expects its input to be an argument of the function, so "
                  "that the resolution can change";
      setResolution(arg, scaling.resolution);
    }
  }

  // Every result type follows from the new operands and attributes.
  for (Operation &op : func.getBody().getOps()) {
    auto shaped = dyn_cast<ShapeInferenceOpInterface>(op);
    if (!shaped)
      continue;
    FailureOr<RankedTensorType> type =
        shaped.inferResultType([&] { return op.emitOpError(); });
    if (failed(type))
      return failure();
    op.getResult(0).setType(*type);
  }
  Operation *terminator = func.getBody().front().getTerminator();
  func.setFunctionType(FunctionType::get(func.getContext(),
                                         func.getBody().getArgumentTypes(),
                                         terminator->getOperandTypes()));
  if (!scaling.variantName.empty())
    func->setAttr("effnet.variant", builder.getStringAttr(scaling.variantName));
  return success();
}

void CompoundScalePass::runOnOperation() {
  FailureOr<Scaling> scaling = resolveOptions();
  if (failed(scaling))
    return signalPassFailure();
  // Nothing asked: leave the IR as it is.
  if (scaling->variantName.empty() && scaling->resolution == 0)
    return markAllAnalysesPreserved();
  for (auto func : getOperation().getOps<func::FuncOp>()) {
    bool holdsEffNet = false;
    if (!func.isExternal())
      func.walk([&](Operation *op) {
        holdsEffNet |= isa<EffNetDialect>(op->getDialect());
      });
    if (!holdsEffNet)
      continue;
    if (failed(scaleFunction(func, *scaling)))
      return signalPassFailure();
  }
}
