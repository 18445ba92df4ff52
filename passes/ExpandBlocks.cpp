//===- ExpandBlocks.cpp - blocks into primitive ops -----------------------===//

#include "models/WeightNames.h"
#include "passes/Passes.h"

#include "llvm/ADT/TypeSwitch.h"

#include <string>

namespace mlir {
namespace effnet {
#define GEN_PASS_DEF_EXPANDBLOCKS
#include "passes/Passes.h.inc"
} // namespace effnet
} // namespace mlir

using namespace mlir;
using namespace mlir::effnet;
using namespace mlir::effnet::weight_name;

namespace {

/// Emits the primitive ops of one block, naming weights and locations after
/// the block: `BLOCK.PART.PARAM`.
class PrimitiveBuilder {
public:
  PrimitiveBuilder(OpBuilder &builder, Operation *block, StringRef blockName,
                   APFloat bnEps, PaddingMode padding)
      : builder(builder), blockLoc(block->getLoc()), blockName(blockName),
        bnEps(bnEps), padding(padding) {
    builder.setInsertionPoint(block);
  }

  /// Convolution with padding (kernel - 1) / 2, batch norm and, when given,
  /// an activation: torchvision's Conv2dNormActivation.
  FailureOr<Value> convBnAct(StringRef part, Value x, int64_t outChannels,
                             int64_t kernel, int64_t stride, int64_t groups,
                             std::optional<ActivationKind> act) {
    FailureOr<Value> y =
        conv(part, kConv, x, outChannels, kernel, stride, groups, false);
    if (failed(y))
      return failure();
    y = batchNorm(part, *y);
    if (failed(y) || !act)
      return y;
    return activation(part, *act, *y);
  }

  /// Squeeze-excite: pool, reduce to `squeeze` channels with SiLU, expand
  /// back with sigmoid, scale `x` per channel.
  FailureOr<Value> squeezeExcite(Value x, int64_t squeeze) {
    int64_t channels = cast<RankedTensorType>(x.getType()).getDimSize(1);
    FailureOr<GlobalAvgPoolOp> pooled =
        createInferred<GlobalAvgPoolOp>(builder, at("se.pool"), x);
    if (failed(pooled))
      return failure();
    FailureOr<Value> s =
        conv("se", kSqueeze, *pooled, squeeze, 1, 1, 1, /*bias=*/true);
    if (succeeded(s))
      s = activation("se.reduce", ActivationKind::silu, *s);
    if (succeeded(s))
      s = conv("se", kExcite, *s, channels, 1, 1, 1, /*bias=*/true);
    if (succeeded(s))
      s = activation("se.expand", ActivationKind::sigmoid, *s);
    if (failed(s))
      return failure();
    return value(createInferred<ChannelMulOp>(builder, at("se.scale"), x, *s));
  }

  /// The residual connection of a block.
  FailureOr<Value> residual(Value branch, Value input, APFloat rate) {
    return value(
        createInferred<AddOp>(builder, at("residual"), branch, input, rate));
  }

  /// Pooling, flattening and the classifier.
  FailureOr<Value> classifier(Value x, int64_t numClasses, APFloat dropout) {
    Location loc = at("classifier");
    FailureOr<GlobalAvgPoolOp> pooled =
        createInferred<GlobalAvgPoolOp>(builder, at("pool"), x);
    if (failed(pooled))
      return failure();
    FailureOr<FlattenOp> flat =
        createInferred<FlattenOp>(builder, at("pool"), pooled->getResult());
    if (failed(flat))
      return failure();
    int64_t features = cast<RankedTensorType>(flat->getType()).getDimSize(1);
    Value w = weight("", kClassifier, kWeight, {numClasses, features});
    Value b = weight("", kClassifier, kBias, {numClasses});
    return value(createInferred<DenseOp>(builder, loc, flat->getResult(), w, b,
                                         dropout));
  }

private:
  /// `blockName.part`, or `blockName` for the block's own unit (part "").
  std::string qualify(StringRef part) {
    return part.empty() ? blockName : (blockName + "." + part).str();
  }

  Location at(StringRef part) {
    return NameLoc::get(builder.getStringAttr(qualify(part)), blockLoc);
  }

  /// The weight `OWNER.LAYER.PARAM` (WeightNames.h) of `part`.
  Value weight(StringRef part, StringRef layer, StringRef param,
               ArrayRef<int64_t> shape) {
    std::string name = makeWeightName(qualify(part), layer, param);
    auto type = RankedTensorType::get(shape, builder.getF32Type());
    return builder.create<WeightOp>(at(part), type, name, ElementsAttr());
  }

  FailureOr<Value> conv(StringRef part, StringRef sub, Value x,
                        int64_t outChannels, int64_t kernel, int64_t stride,
                        int64_t groups, bool bias) {
    int64_t inChannels = cast<RankedTensorType>(x.getType()).getDimSize(1);
    Value w = weight(part, sub, kWeight,
                     {outChannels, inChannels / groups, kernel, kernel});
    Value b = bias ? weight(part, sub, kBias, {outChannels}) : Value();
    // torchvision pads (kernel - 1) / 2 on every side; TensorFlow's "same"
    // padding is computed from the input size (computeSamePadding). A 1 x 1
    // window pads nothing either way, and stays explicit so that it still
    // counts as pointwise.
    PaddingMode mode = kernel > 1 ? padding : PaddingMode::explicit_;
    int64_t pad = mode == PaddingMode::same ? 0 : (kernel - 1) / 2;
    // Layers are named after their part, and sub-layers (se.reduce) after
    // both.
    Location loc = at(sub == kConv ? part.str() : (part + "." + sub).str());
    return value(createInferred<Conv2DOp>(
        builder, loc, x, w, b, ArrayRef<int64_t>{stride, stride},
        ArrayRef<int64_t>{pad, pad, pad, pad}, mode,
        ArrayRef<int64_t>{1, 1}, groups));
  }

  FailureOr<Value> batchNorm(StringRef part, Value x) {
    int64_t channels = cast<RankedTensorType>(x.getType()).getDimSize(1);
    Value scale = weight(part, kBatchNorm, kWeight, {channels});
    Value shift = weight(part, kBatchNorm, kBias, {channels});
    Value mean = weight(part, kBatchNorm, kRunningMean, {channels});
    Value var = weight(part, kBatchNorm, kRunningVar, {channels});
    return value(createInferred<BatchNormOp>(builder, at(part), x, scale, shift,
                                             mean, var, bnEps));
  }

  FailureOr<Value> activation(StringRef part, ActivationKind kind, Value x) {
    return value(createInferred<ActivationOp>(builder, at(part), x, kind));
  }

  template <typename OpTy> static FailureOr<Value> value(FailureOr<OpTy> op) {
    if (failed(op))
      return failure();
    return op->getResult();
  }

  OpBuilder &builder;
  Location blockLoc;
  std::string blockName;
  APFloat bnEps;
  PaddingMode padding;
};

/// What the function returns instead of its logits: a name per result
/// (`logits`, `features`, `reduction_K`), and where each comes from.
struct OutputSelection {
  SmallVector<std::string> names;
  /// The block whose output each name is (the head's for `logits`), or
  /// nullptr for the head's activation. Erased by the expansion: only
  /// compared, never read.
  SmallVector<Operation *> sources;
};

class ExpandBlocksPass
    : public effnet::impl::ExpandBlocksBase<ExpandBlocksPass> {
public:
  using ExpandBlocksBase::ExpandBlocksBase;

  LogicalResult initializeOptions(
      StringRef text,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    if (failed(ExpandBlocksBase::initializeOptions(text, errorHandler)))
      return failure();
    return checkOptionsGivenOnce(getArgument(), {&padding, &outputs},
                                 errorHandler);
  }

  void runOnOperation() override;

private:
  void returnOutputs(func::FuncOp func, const OutputSelection &selection,
                     const llvm::DenseMap<Operation *, Value> &expanded,
                     Value features);
};

} // namespace

static FailureOr<Value> expand(OpBuilder &builder, StemOp stem,
                               PaddingMode padding) {
  PrimitiveBuilder b(builder, stem, stem.getName(), stem.getBnEps(), padding);
  return b.convBnAct("", stem.getInput(), stem.getOutChannels(),
                     stem.getKernel(), stem.getStride(), 1,
                     ActivationKind::silu);
}

/// The head's activation (`features`) is given in `features`.
static FailureOr<Value> expand(OpBuilder &builder, HeadOp head,
                               PaddingMode padding, Value &features) {
  PrimitiveBuilder b(builder, head, head.getName(), head.getBnEps(), padding);
  FailureOr<Value> x = b.convBnAct("", head.getInput(), head.getChannels(), 1,
                                   1, 1, ActivationKind::silu);
  if (failed(x))
    return failure();
  features = *x;
  return b.classifier(*x, head.getNumClasses(), head.getDropout());
}

/// MBConv and Fused-MBConv differ only in how they reach the expanded
/// features; squeeze-excite, projection and residual are shared.
template <typename BlockOp>
static FailureOr<Value> expand(OpBuilder &builder, BlockOp block,
                               PaddingMode padding) {
  BlockConfig config = block.getBlockConfig();
  PrimitiveBuilder b(builder, block, block.getName(), block.getBnEps(), padding);
  Value input = block.getInput();
  FailureOr<Value> x = input;
  bool projects = true;
  if (config.fused) {
    if (config.hasExpansion()) {
      x = b.convBnAct("expand", input, config.expandChannels, config.kernel,
                      config.stride, 1, ActivationKind::silu);
    } else {
      // A single convolution reaches the output channels with SiLU.
      x = b.convBnAct("project", input, config.outChannels, config.kernel,
                      config.stride, 1, ActivationKind::silu);
      projects = false;
    }
  } else {
    if (config.hasExpansion())
      x = b.convBnAct("expand", input, config.expandChannels, 1, 1, 1,
                      ActivationKind::silu);
    if (succeeded(x))
      x = b.convBnAct("dw", *x, config.expandChannels, config.kernel,
                      config.stride, config.expandChannels,
                      ActivationKind::silu);
  }
  if (succeeded(x) && config.seChannels > 0)
    x = b.squeezeExcite(*x, config.seChannels);
  if (succeeded(x) && projects)
    x = b.convBnAct("project", *x, config.outChannels, 1, 1, 1, std::nullopt);
  if (succeeded(x) && config.hasResidual())
    x = b.residual(*x, input, block.getStochasticDepth());
  return x;
}

/// The op computing `value`'s block, when it is one.
static bool isBlock(Operation *op) {
  return isa_and_nonnull<StemOp, MBConvOp, FusedMBConvOp>(op);
}

/// EfficientNet-PyTorch's endpoints (`extract_endpoints`): walking the
/// blocks from the stem's output, a block's input is an endpoint when the
/// block shrinks the height, and the last block's output is one unless that
/// block shrinks it; the head's activation is the last endpoint (nullptr
/// stands for it here).
static SmallVector<Operation *> findReductions(HeadOp head) {
  SmallVector<Operation *> chain;
  for (Operation *op = head.getInput().getDefiningOp(); isBlock(op);
       op = op->getOperand(0).getDefiningOp())
    chain.push_back(op);
  std::reverse(chain.begin(), chain.end());
  auto height = [](Operation *op) {
    return cast<RankedTensorType>(op->getResult(0).getType()).getDimSize(2);
  };
  SmallVector<Operation *> endpoints;
  for (size_t i = 1; i < chain.size(); ++i) {
    if (height(chain[i - 1]) > height(chain[i]))
      endpoints.push_back(chain[i - 1]);
    else if (i + 1 == chain.size())
      endpoints.push_back(chain[i]);
  }
  endpoints.push_back(nullptr);
  return endpoints;
}

/// Parses `outputs` (names separated by commas) against the function's
/// blocks. Emits an error and fails on an unknown, repeated or absent name.
static FailureOr<OutputSelection> selectOutputs(func::FuncOp func,
                                                StringRef outputs) {
  auto fail = [&]() {
    return emitError(func.getLoc()) << "effnet-expand-blocks: ";
  };
  HeadOp head;
  if (func.getNumResults() == 1)
    if (auto ret = dyn_cast<func::ReturnOp>(func.getBody().back().back()))
      head = ret.getOperand(0).getDefiningOp<HeadOp>();
  if (!head || !isBlock(head.getInput().getDefiningOp())) {
    fail() << "outputs other than the logits need a model of stem, blocks "
              "and head that returns the head's logits";
    return failure();
  }
  SmallVector<Operation *> reductions = findReductions(head);
  OutputSelection selection;
  SmallVector<StringRef> names;
  outputs.split(names, ',');
  for (StringRef raw : names) {
    StringRef name = raw.trim();
    if (llvm::is_contained(selection.names, name)) {
      fail() << "output '" << name << "' is requested twice";
      return failure();
    }
    Operation *source = nullptr;
    unsigned index = 0;
    if (name == "logits") {
      source = head;
    } else if (name == "features") {
      source = nullptr;
    } else if (name.consume_front("reduction_") &&
               !name.getAsInteger(10, index) && index >= 1 &&
               std::to_string(index) == name) {
      if (index > reductions.size()) {
        fail() << "output 'reduction_" << index << "' does not exist: this "
               << "model has " << reductions.size() << " reduction"
               << (reductions.size() == 1 ? "" : "s")
               << " at its resolution (reduction_1 .. reduction_"
               << reductions.size() << ")";
        return failure();
      }
      source = reductions[index - 1];
    } else {
      fail() << "unknown output '" << raw.trim()
             << "' (expected logits, features or reduction_1 .. reduction_"
             << reductions.size() << ", separated by commas)";
      return failure();
    }
    selection.names.push_back(raw.trim().str());
    selection.sources.push_back(source);
  }
  return selection;
}

void ExpandBlocksPass::runOnOperation() {
  OpBuilder builder(&getContext());
  func::FuncOp func = getOperation();
  PaddingMode mode;
  if (padding == "torchvision")
    mode = PaddingMode::explicit_;
  else if (padding == "tf-same")
    mode = PaddingMode::same;
  else {
    emitError(func.getLoc())
        << "effnet-expand-blocks: unknown padding '" << padding
        << "' (expected 'torchvision' or 'tf-same')";
    return signalPassFailure();
  }
  std::optional<OutputSelection> selection;
  if (outputs.hasValue() && StringRef(outputs).trim() != "logits") {
    FailureOr<OutputSelection> selected = selectOutputs(func, outputs);
    if (failed(selected))
      return signalPassFailure();
    selection = std::move(*selected);
  }

  SmallVector<Operation *> blocks;
  func.walk([&](Operation *op) {
    if (isa<StemOp, MBConvOp, FusedMBConvOp, HeadOp>(op))
      blocks.push_back(op);
  });
  // What each selected block became: its output, or the head's activation.
  llvm::DenseMap<Operation *, Value> expanded;
  Value features;
  for (Operation *op : blocks) {
    FailureOr<Value> result =
        llvm::TypeSwitch<Operation *, FailureOr<Value>>(op)
            .Case<StemOp, MBConvOp, FusedMBConvOp>(
                [&](auto block) { return expand(builder, block, mode); })
            .Case<HeadOp>([&](HeadOp head) {
              return expand(builder, head, mode, features);
            })
            .Default([](Operation *) { return failure(); });
    if (failed(result))
      return signalPassFailure();
    expanded[op] = *result;
    op->getResult(0).replaceAllUsesWith(*result);
    op->erase();
    ++numBlocksExpanded;
  }
  if (selection)
    returnOutputs(func, *selection, expanded, features);
}

/// Makes `func` return the selected outputs, named by `effnet.outputs`, and
/// erases what none of them needs (the classifier of a backbone, the blocks
/// after its last endpoint).
void ExpandBlocksPass::returnOutputs(
    func::FuncOp func, const OutputSelection &selection,
    const llvm::DenseMap<Operation *, Value> &expanded, Value features) {
  SmallVector<Value> values;
  SmallVector<Attribute> names;
  for (auto [name, source] : llvm::zip(selection.names, selection.sources)) {
    values.push_back(source ? expanded.lookup(source) : features);
    names.push_back(StringAttr::get(&getContext(), name));
  }
  auto ret = cast<func::ReturnOp>(func.getBody().back().getTerminator());
  ret->setOperands(values);
  func.setType(FunctionType::get(&getContext(), func.getArgumentTypes(),
                                 ValueRange(values).getTypes()));
  func->setAttr(kOutputsAttrName, ArrayAttr::get(&getContext(), names));
  // Users come after what they use: one walk backwards erases every chain.
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front().without_terminator())
    ops.push_back(&op);
  SmallVector<Attribute> pruned;
  for (Operation *op : llvm::reverse(ops)) {
    if (!op->use_empty() || !isMemoryEffectFree(op))
      continue;
    if (auto weight = dyn_cast<WeightOp>(op))
      pruned.push_back(weight.getNameAttr());
    op->erase();
  }
  if (!pruned.empty()) {
    std::reverse(pruned.begin(), pruned.end());
    func->setAttr(kPrunedWeightsAttrName,
                  ArrayAttr::get(&getContext(), pruned));
  }
}
