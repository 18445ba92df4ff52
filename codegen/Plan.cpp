//===- Plan.cpp - from effnet.group regions to kernels and steps ----------===//

#include "codegen/Plan.h"

#include "codegen/Half.h"

#include "dialect/EffNet.h"

#include "llvm/ADT/DenseMap.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

using namespace mlir;
using namespace mlir::effnet;
using namespace mlir::effnet::codegen;

namespace {

/// Tensors start on the arena's alignment (EFFNET_ALIGN bytes), so that
/// every tensor is as aligned as the arena; on a GPU, on kDeviceAlignBytes.
constexpr int64_t kAlignFloats = EFFNET_ALIGN / sizeof(float);

// Kernel.h's Schedule numbers loops, levels and producers as the dialect
// does (it sees no MLIR types); readSchedule casts across, so the two
// numberings are checked against each other here, where both are seen.
static_assert(Schedule::C == static_cast<int>(Loop::c) &&
              Schedule::X == static_cast<int>(Loop::x) &&
              Schedule::Y == static_cast<int>(Loop::y) &&
              Schedule::KX == static_cast<int>(Loop::kx) &&
              Schedule::KY == static_cast<int>(Loop::ky) &&
              Schedule::KY == getMaxEnumValForLoop());
static_assert(Schedule::Inline == static_cast<int>(LoopLevel::inline_) &&
              Schedule::Root == static_cast<int>(LoopLevel::root) &&
              Schedule::AtC == static_cast<int>(LoopLevel::c) &&
              Schedule::AtX == static_cast<int>(LoopLevel::x) &&
              Schedule::AtY == static_cast<int>(LoopLevel::y) &&
              Schedule::AtY == getMaxEnumValForLoopLevel());
static_assert(Schedule::AroundTile == static_cast<int>(Reduction::tile) &&
              Schedule::InsideRow == static_cast<int>(Reduction::row) &&
              Schedule::InsidePixel == static_cast<int>(Reduction::pixel) &&
              Schedule::InsidePixel == getMaxEnumValForReduction());
static_assert(Schedule::Acc == static_cast<int>(Producer::acc) &&
              Schedule::Input == static_cast<int>(Producer::input) &&
              Schedule::Weights == static_cast<int>(Producer::weights) &&
              Schedule::Excite == static_cast<int>(Producer::excite) &&
              Schedule::Expand == static_cast<int>(Producer::expand) &&
              std::size(decltype(Schedule::places){}) ==
                  getMaxEnumValForProducer() + 1);

int64_t alignUp(int64_t value, int64_t align = kAlignFloats) {
  return (value + align - 1) / align * align;
}

/// One image's shape of an NCHW or N x K tensor.
TensorShape shapeOf(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  TensorShape shape;
  shape.channels = tensor.getDimSize(1);
  if (tensor.getRank() == 4) {
    shape.height = tensor.getDimSize(2);
    shape.width = tensor.getDimSize(3);
  }
  return shape;
}

/// Builds the KernelSpec of one group and the packed weights of its step.
class GroupLowering {
public:
  explicit GroupLowering(GroupOp group) : group(group) {}

  LogicalResult run();

  KernelSpec spec;
  /// Weight values, packed, in the order of spec.weights.
  std::vector<std::vector<float>> weights;
  /// Block arguments in the order of spec.inputs.
  std::vector<unsigned> argumentOrder;

private:
  FailureOr<int> inputIndex(Value value, Operation *user);
  LogicalResult addWeight(Value value, std::vector<int64_t> dims,
                          std::vector<float> (*pack)(std::vector<float>,
                                                     const ConvParams &),
                          Operation *user);
  LogicalResult addBias(Value bias, Operation *user);
  LogicalResult anchorConv(Conv2DOp conv, Value read);
  LogicalResult convolution(Conv2DOp conv);
  LogicalResult readSchedule();
  LogicalResult anchorDense(DenseOp dense);
  LogicalResult epilogue(Operation *op, Value &chain);

  GroupOp group;
  GroupStructure structure;
};

std::vector<float> identityPack(std::vector<float> values, const ConvParams &) {
  return values;
}

std::vector<float> convPack(std::vector<float> values, const ConvParams &conv) {
  return packConvWeights(values, conv);
}

FailureOr<int> GroupLowering::inputIndex(Value value, Operation *user) {
  auto arg = dyn_cast<BlockArgument>(value);
  if (!arg || arg.getOwner()->getParentOp() != group)
    return user->emitOpError()
           << "expects this operand to be an input of its group";
  for (size_t i = 0; i < argumentOrder.size(); ++i)
    if (argumentOrder[i] == arg.getArgNumber())
      return static_cast<int>(i);
  argumentOrder.push_back(arg.getArgNumber());
  spec.inputs.push_back(shapeOf(arg.getType()));
  return static_cast<int>(argumentOrder.size() - 1);
}

LogicalResult GroupLowering::addWeight(
    Value value, std::vector<int64_t> dims,
    std::vector<float> (*pack)(std::vector<float>, const ConvParams &),
    Operation *user) {
  auto weight = value.getDefiningOp<WeightOp>();
  if (!weight)
    return user->emitOpError() << "expects its weights to be effnet.weight ops";
  FailureOr<std::vector<float>> values = weight.readValues();
  if (failed(values))
    return failure();
  spec.weights.push_back(WeightShape{std::move(dims)});
  weights.push_back(pack(std::move(*values), spec.conv));
  return success();
}

/// The anchor's optional bias, one value per output channel.
LogicalResult GroupLowering::addBias(Value bias, Operation *user) {
  if (!bias)
    return success();
  spec.bias = true;
  return addWeight(bias, {spec.conv.outChannels}, identityPack, user);
}

/// The convolution reads `input`: its own operand, or the unscaled tensor
/// when a channel scale in front of it is applied as the weights or input
/// are read.
LogicalResult GroupLowering::anchorConv(Conv2DOp conv, Value read) {
  if (failed(inputIndex(read, conv)))
    return failure();
  return convolution(conv);
}

/// The anchor's parameters and weights.
LogicalResult GroupLowering::convolution(Conv2DOp conv) {
  auto input = cast<RankedTensorType>(conv.getInput().getType());
  auto weight = cast<RankedTensorType>(conv.getWeight().getType());
  ArrayRef<int64_t> strides = conv.getStrides(),
                    dilations = conv.getDilations();
  ConvParams &p = spec.conv;
  p.inChannels = input.getDimSize(1);
  p.outChannels = weight.getDimSize(0);
  p.kernelH = weight.getDimSize(2);
  p.kernelW = weight.getDimSize(3);
  p.strideY = strides[0];
  p.strideX = strides[1];
  p.dilationY = dilations[0];
  p.dilationX = dilations[1];
  p.groups = static_cast<int64_t>(conv.getGroups());
  SmallVector<int64_t, 4> padding = conv.getResolvedPadding();
  p.padTop = padding[0];
  p.padLeft = padding[1];
  p.depthwise = conv.isDepthwise();
  p.padded = conv.isPadded();
  spec.anchor = AnchorKind::Conv;
  if (failed(addWeight(
          conv.getWeight(),
          {p.outChannels, p.inChannels / p.groups, p.kernelW, p.kernelH},
          convPack, conv)))
    return failure();
  return addBias(conv.getBias(), conv);
}

LogicalResult GroupLowering::anchorDense(DenseOp dense) {
  if (failed(inputIndex(dense.getInput(), dense)))
    return failure();
  auto weight = cast<RankedTensorType>(dense.getWeight().getType());
  // A dense layer is a 1x1 convolution of a 1x1 image.
  ConvParams &p = spec.conv;
  p.inChannels = weight.getDimSize(1);
  p.outChannels = weight.getDimSize(0);
  spec.anchor = AnchorKind::Conv;
  if (failed(addWeight(dense.getWeight(), {p.outChannels, p.inChannels, 1, 1},
                       convPack, dense)))
    return failure();
  return addBias(dense.getBias(), dense);
}

LogicalResult GroupLowering::epilogue(Operation *op, Value &chain) {
  auto unsupported = [&]() {
    return op->emitOpError()
           << "is not supported by code generation in this place of a group";
  };
  auto advance = [&](EpilogueStep step) {
    spec.epilogue.push_back(step);
    chain = op->getResult(0);
    return success();
  };
  if (auto act = dyn_cast<ActivationOp>(op)) {
    if (act.getInput() != chain)
      return unsupported();
    EpilogueStep step{EpilogueStep::Kind::Activation};
    switch (act.getKind()) {
    case ActivationKind::identity:
      chain = act.getResult();
      return success();
    case ActivationKind::silu:
    case ActivationKind::swish:
      step.activation = Activation::Silu;
      break;
    case ActivationKind::sigmoid:
      step.activation = Activation::Sigmoid;
      break;
    case ActivationKind::relu:
      step.activation = Activation::Relu;
      break;
    }
    return advance(step);
  }
  if (auto bn = dyn_cast<BatchNormOp>(op)) {
    if (bn.getInput() != chain)
      return unsupported();
    auto affine = bn.computeAffine();
    if (failed(affine))
      return failure();
    size_t channels = affine->first.size();
    std::vector<float> scale(affine->first.begin(), affine->first.end());
    std::vector<float> shift(affine->second.begin(), affine->second.end());
    int64_t c = static_cast<int64_t>(channels);
    spec.weights.push_back(WeightShape{{c}});
    weights.push_back(std::move(scale));
    spec.weights.push_back(WeightShape{{c}});
    weights.push_back(std::move(shift));
    return advance({EpilogueStep::Kind::Affine});
  }
  if (auto mul = dyn_cast<ChannelMulOp>(op)) {
    bool chainScales = mul.getScale() == chain;
    if (!chainScales && mul.getInput() != chain)
      return unsupported();
    FailureOr<int> other =
        inputIndex(chainScales ? mul.getInput() : mul.getScale(), op);
    if (failed(other))
      return failure();
    EpilogueStep step{chainScales ? EpilogueStep::Kind::ScaleInput
                                  : EpilogueStep::Kind::ScaleByInput};
    step.input = *other;
    return advance(step);
  }
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    // The depthwise anchor behind a 1x1 expansion (and the activations and
    // batch norms after it, lowered so far as the anchor's): the expansion
    // moves in front.
    if (conv != structure.anchor || !structure.expansion)
      return unsupported();
    spec.expansion = {true, spec.conv, spec.bias, spec.epilogue};
    spec.conv = ConvParams();
    spec.bias = false;
    spec.epilogue.clear();
    if (failed(convolution(conv)))
      return failure();
    chain = conv.getResult();
    return success();
  }
  if (auto add = dyn_cast<AddOp>(op)) {
    Value otherValue = add.getLhs() == chain ? add.getRhs() : add.getLhs();
    if ((add.getLhs() != chain && add.getRhs() != chain) || otherValue == chain)
      return unsupported();
    FailureOr<int> other = inputIndex(otherValue, op);
    if (failed(other))
      return failure();
    EpilogueStep step{EpilogueStep::Kind::Add};
    step.input = *other;
    return advance(step);
  }
  if (auto flatten = dyn_cast<FlattenOp>(op)) {
    if (flatten.getInput() != chain)
      return unsupported();
    // (C, 1, 1) and (C) are the same bytes.
    chain = flatten.getResult();
    return success();
  }
  return unsupported();
}

LogicalResult GroupLowering::run() {
  Block &body = group.getBody().front();
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    if (!isa<WeightOp>(op))
      ops.push_back(&op);
  if (ops.empty())
    return group.emitOpError() << "expects at least one op to compute";

  structure = analyzeGroup(group);
  Operation *first = ops.front();
  Value chain;
  size_t next = 1;
  if (ChannelMulOp scale = structure.inputScale) {
    // A squeeze-excite scale in front of the convolution that alone reads
    // it: applied as the input or the weights are read.
    auto scaledConv = cast<Conv2DOp>(structure.anchor);
    if (failed(anchorConv(scaledConv, scale.getInput())))
      return failure();
    FailureOr<int> scaleInput = inputIndex(scale.getScale(), scale);
    if (failed(scaleInput))
      return failure();
    if (*scaleInput == 0)
      return scale.emitOpError()
             << "expects the scale and the scaled tensor to differ";
    spec.inputScale = *scaleInput;
    chain = scaledConv.getResult();
    next = 2;
  } else if (auto conv = dyn_cast<Conv2DOp>(first)) {
    if (failed(anchorConv(conv, conv.getInput())))
      return failure();
    chain = conv.getResult();
  } else if (auto dense = dyn_cast<DenseOp>(first)) {
    if (failed(anchorDense(dense)))
      return failure();
    chain = dense.getResult();
  } else if (auto pool = dyn_cast<GlobalAvgPoolOp>(first)) {
    if (failed(inputIndex(pool.getInput(), pool)))
      return failure();
    spec.anchor = AnchorKind::Pool;
    chain = pool.getResult();
  } else {
    // No anchor: the first op's main operand is the chain's start.
    spec.anchor = AnchorKind::None;
    Value start = first->getOperand(0);
    if (auto mul = dyn_cast<ChannelMulOp>(first))
      start = mul.getInput();
    if (failed(inputIndex(start, first)))
      return failure();
    chain = start;
    next = 0;
  }
  for (size_t i = next; i < ops.size(); ++i)
    if (failed(epilogue(ops[i], chain)))
      return failure();
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValue() != chain)
    return yield.emitOpError()
           << "expects to yield the last value its group computes";
  spec.output = shapeOf(group.getType());
  if (failed(readSchedule()))
    return failure();
  if (spec.schedule.winograd) {
    // The verifier has checked the anchor: a 3x3 convolution, its weights
    // first.
    weights.front() = winogradWeights(weights.front(), spec.conv);
    spec.weights.front().dims = {spec.conv.outChannels, spec.conv.inChannels,
                                 16};
  }
  return success();
}

LogicalResult GroupLowering::readSchedule() {
  ScheduleAttr attr = group.getScheduleAttr();
  if (!attr)
    return group.emitOpError()
           << "expects a schedule: run effnet-tile before code generation";
  Schedule &s = spec.schedule;
  for (int i = 0; i < 3; ++i)
    s.tile[i] = attr.getTile()[i];
  s.vector = attr.getVector();
  auto ids = [](ArrayRef<Loop> loops) {
    std::vector<int> out;
    for (Loop loop : loops)
      out.push_back(static_cast<int>(loop));
    return out;
  };
  s.order = ids(attr.getOrder());
  s.parallel = ids(attr.getParallel());
  s.grain = attr.getGrain();
  s.unroll = ids(attr.getUnroll());
  s.shiftInwards = attr.getTail() == Tail::shift;
  for (Producer producer : {Producer::acc, Producer::input, Producer::weights,
                            Producer::excite, Producer::expand}) {
    Placement placement = attr.placementOf(producer);
    s.places[static_cast<int>(producer)] = {
        static_cast<int>(placement.compute), static_cast<int>(placement.store),
        placement.parallel,
        static_cast<int>(
            placement.across.value_or(defaultParallelLoop(producer)))};
  }
  s.reduce = static_cast<int>(attr.getReduce());
  s.innerShift = attr.getInnerTail() == Tail::shift;
  auto [expandC, expandX] = attr.expansionTile();
  s.expandTile[0] = expandC;
  s.expandTile[1] = expandX;
  if (structure.expansion)
    s.expandShift = expansionChannels(attr, structure).shift;
  s.denseRows =
      llvm::is_contained(attr.getSpecialize(), Specialization::dense_rows);
  s.winograd = attr.getAlgorithm() == Algorithm::winograd;
  s.threads.assign(attr.getThreads().begin(), attr.getThreads().end());
  for (Producer producer : attr.getShared())
    s.shared.push_back(static_cast<int>(producer));
  s.reduceThreads = static_cast<int>(attr.getReduceThreads());
  if (std::optional<LoopLevel> rows = attr.getWinogradRows())
    s.winogradRows = static_cast<int>(*rows);
  s.winogradLoop = attr.getWinogradPositions() == Positions::loop;
  llvm::raw_string_ostream os(s.text);
  Attribute(attr).print(os);
  spec.key = group.getKernelKey() + " " + s.text;
  return success();
}

/// Places every tensor in the arena: largest first, each at the lowest
/// offset where it overlaps no tensor alive at the same time, on a multiple
/// of `align` floats.
int64_t planArena(std::vector<ArenaTensor> &tensors, int64_t align) {
  std::vector<size_t> order(tensors.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return tensors[a].shape.elements() > tensors[b].shape.elements();
  });
  std::vector<size_t> placed;
  int64_t total = 0;
  for (size_t index : order) {
    ArenaTensor &tensor = tensors[index];
    int64_t size = alignUp(tensor.shape.elements(), align);
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t other : placed) {
      const ArenaTensor &o = tensors[other];
      if (o.first <= tensor.last && tensor.first <= o.last)
        busy.push_back(
            {o.offset, o.offset + alignUp(o.shape.elements(), align)});
    }
    std::sort(busy.begin(), busy.end());
    int64_t offset = 0;
    for (auto [begin, end] : busy) {
      if (offset + size <= begin)
        break;
      offset = std::max(offset, end);
    }
    tensor.offset = offset;
    total = std::max(total, offset + size);
    placed.push_back(index);
  }
  return total;
}

} // namespace

FailureOr<ModelPlan> mlir::effnet::codegen::planModel(func::FuncOp func,
                                                      bool halfWeights,
                                                      bool onDevice) {
  auto inputType =
      func.getNumArguments() == 1
          ? dyn_cast<RankedTensorType>(func.getArgument(0).getType())
          : nullptr;
  if (!inputType || inputType.getRank() != 4 || func.getNumResults() == 0)
    return func.emitOpError()
           << "expects one N x C x H x W input and at least one result";
  auto names = func->getAttrOfType<ArrayAttr>(kOutputsAttrName);
  if (names ? names.size() != func.getNumResults() ||
                  !llvm::all_of(names, llvm::IsaPred<StringAttr>)
            : func.getNumResults() != 1)
    return func.emitOpError()
           << "expects '" << kOutputsAttrName << "' to name each of its "
           << func.getNumResults() << " results";
  std::vector<ModelOutput> outputs;
  // Every result is a group's (checked below), so N x K or N x C x H x W.
  for (auto [index, type] : llvm::enumerate(func.getResultTypes())) {
    ModelOutput output;
    output.name = names ? cast<StringAttr>(names[index]).str() : "logits";
    auto tensor = dyn_cast<RankedTensorType>(type);
    output.flat = tensor && tensor.getRank() == 2;
    outputs.push_back(output);
  }
  // Results of N x C x H x W are stored planar (the caller's NCHW), by the
  // group that computes them, and read so by later groups.
  llvm::DenseSet<Value> planarResults;
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [value, output] : llvm::zip(ret.getOperands(), outputs))
    if (!output.flat)
      planarResults.insert(value);

  ModelPlan plan;
  llvm::DenseMap<Value, int> tensorOf;
  ArenaTensor input;
  input.shape = shapeOf(inputType);
  input.shape.planar = true;
  plan.tensors.push_back(input);
  tensorOf[func.getArgument(0)] = 0;
  std::map<std::string, int> kernelOf;
  // Room for the blob before it grows: growing it step by step copied V2-L's
  // 470 MB several times over. Packed weights take at most twice the
  // values (Winograd's 16 per 3x3 window), each aligned; pages reserved and
  // not written cost no memory. Beyond 2^28 floats (1 GiB; V2-L needs 236M)
  // or for shapes not static, the blob grows as it goes.
  constexpr int64_t kMostReserved = int64_t{1} << 28;
  int64_t bound = 0;
  func.walk([&](WeightOp weight) {
    auto type = dyn_cast<ShapedType>(weight.getType());
    if (!type || !type.hasStaticShape() ||
        type.getNumElements() > kMostReserved)
      bound = kMostReserved + 1;
    else
      bound =
          std::min(bound + 2 * type.getNumElements() + 16, kMostReserved + 1);
  });
  if (bound <= kMostReserved)
    plan.weights.reserve(static_cast<size_t>(bound));

  for (Operation &op : func.getBody().front()) {
    if (isa<func::ReturnOp>(op)) {
      // Every value at the top level is the input or a group's result: any
      // other op was refused below before the return is reached.
      for (auto [value, output] : llvm::zip(op.getOperands(), outputs)) {
        output.tensor = tensorOf.lookup(value);
        if (output.tensor == plan.inputTensor)
          return func.emitOpError()
                 << "expects its results to be computed, not its input";
      }
      continue;
    }
    auto group = dyn_cast<GroupOp>(op);
    if (!group)
      return op.emitOpError()
             << "expects only effnet.group ops at the top level: run "
                "effnet-fuse before code generation";
    GroupLowering lowering(group);
    if (failed(lowering.run()))
      return failure();

    Step step;
    step.name = group.getName().str();
    int stepIndex = static_cast<int>(plan.steps.size());
    for (unsigned argNumber : lowering.argumentOrder) {
      // The input or an earlier group's result, as for the return.
      int tensor = tensorOf.lookup(group.getInputs()[argNumber]);
      plan.tensors[tensor].last =
          std::max(plan.tensors[tensor].last, stepIndex);
      step.inputs.push_back(tensor);
    }
    // The model input keeps its planar layout in the kernel that reads it.
    for (size_t i = 0; i < step.inputs.size(); ++i)
      lowering.spec.inputs[i].planar =
          plan.tensors[step.inputs[i]].shape.planar;

    lowering.spec.output.planar = planarResults.contains(group.getResult());
    ArenaTensor output;
    output.shape = lowering.spec.output;
    output.first = output.last = stepIndex;
    step.output = static_cast<int>(plan.tensors.size());
    plan.tensors.push_back(output);
    tensorOf[group.getResult()] = step.output;

    for (auto [w, weight] : llvm::enumerate(lowering.weights)) {
      WeightShape &shape = lowering.spec.weights[w];
      int64_t offset = alignUp(static_cast<int64_t>(plan.weights.size()));
      plan.weights.resize(offset, 0.0f);
      step.weights.push_back(offset);
      // A convolution's or dense layer's weights (rank 4; biases and affine
      // steps are rank 1) as halves, two to a float slot of the blob, in
      // the order of their bytes on the little-endian targets.
      shape.half = halfWeights && shape.dims.size() > 1;
      if (!shape.half) {
        plan.weights.insert(plan.weights.end(), weight.begin(), weight.end());
        continue;
      }
      std::vector<uint16_t> halves(weight.size() + weight.size() % 2, 0);
      for (size_t i = 0; i < weight.size(); ++i)
        halves[i] = toHalf(weight[i]);
      plan.weights.resize(offset + halves.size() / 2);
      std::memcpy(plan.weights.data() + offset, halves.data(),
                  halves.size() * sizeof(uint16_t));
    }
    if (llvm::any_of(lowering.spec.weights,
                     [](const WeightShape &w) { return w.half; }))
      lowering.spec.key += " f16";

    // The model input's layout is part of the key (as operand "in0"); the
    // planar layout of results, written or read, is added here.
    std::string &key = lowering.spec.key;
    for (size_t i = 0; i < step.inputs.size(); ++i)
      if (step.inputs[i] != plan.inputTensor && lowering.spec.inputs[i].planar)
        key += " planar-a" + std::to_string(lowering.argumentOrder[i]);
    if (lowering.spec.output.planar)
      key += " planar-out";
    auto [it, inserted] =
        kernelOf.try_emplace(key, static_cast<int>(plan.kernels.size()));
    if (inserted) {
      plan.kernels.push_back(lowering.spec);
      auto origin = group->getAttrOfType<StringAttr>(kScheduleOriginAttrName);
      plan.scheduleOrigins.push_back(origin ? origin.str() : "");
    }
    step.kernel = it->second;
    plan.steps.push_back(std::move(step));
  }
  // Halide indexes buffers with 32-bit integers.
  for (const ArenaTensor &tensor : plan.tensors)
    if (tensor.shape.elements() > std::numeric_limits<int32_t>::max())
      return func.emitOpError()
             << "has a tensor of " << tensor.shape.elements()
             << " elements per image, more than the 2^31 - 1 that compiled "
                "kernels can index: lower the resolution";
  // Outputs stay in the arena until the driver copies them out.
  for (ModelOutput &output : outputs)
    plan.tensors[output.tensor].last = static_cast<int>(plan.steps.size());
  plan.outputs = std::move(outputs);
  plan.weights.resize(alignUp(static_cast<int64_t>(plan.weights.size())), 0.0f);
  plan.arenaFloats = planArena(
      plan.tensors, onDevice ? kDeviceAlignBytes / sizeof(float) : kAlignFloats);
  return plan;
}

void mlir::effnet::codegen::addPixelKernels(
    ModelPlan &plan, const PixelNormalization &normalization) {
  plan.normalization = normalization;
  plan.pixelKernels.assign(plan.kernels.size(), -1);
  for (const Step &step : plan.steps) {
    if (plan.pixelKernels[step.kernel] >= 0 ||
        !llvm::is_contained(step.inputs, plan.inputTensor))
      continue;
    KernelSpec spec = plan.kernels[step.kernel];
    for (size_t i = 0; i < step.inputs.size(); ++i)
      if (step.inputs[i] == plan.inputTensor) {
        spec.inputs[i].planar = false;
        spec.inputs[i].rgb8 = true;
      }
    spec.pixelMean = normalization.mean;
    spec.pixelStd = normalization.std;
    std::string values;
    for (auto [mean, std] : llvm::zip(spec.pixelMean, spec.pixelStd))
      values += fmt::format(" {:.9g}/{:.9g}", mean, std);
    spec.key += " rgb8" + values;
    plan.pixelKernels[step.kernel] = static_cast<int>(plan.kernels.size());
    plan.kernels.push_back(std::move(spec));
    plan.scheduleOrigins.push_back(plan.scheduleOrigins[step.kernel]);
  }
  plan.pixelKernels.resize(plan.kernels.size(), -1);
}

void mlir::effnet::codegen::printPlan(llvm::raw_ostream &os,
                                      const ModelPlan &plan) {
  os << "plan: " << plan.kernels.size() << " kernels, " << plan.steps.size()
     << " steps, arena " << plan.arenaFloats << " floats per image, weights "
     << plan.weights.size() << " floats\n";
  for (auto [index, kernel] : llvm::enumerate(plan.kernels)) {
    os << "kernel " << index << ": " << describeKernel(kernel) << "\n";
    os << "  key: " << kernel.key.substr(0, kernel.key.find(' ')) << "\n";
    // Where a schedule file gave it, the entry (what effnet-tune wrote).
    const std::string &origin = plan.scheduleOrigins[index];
    os << "  schedule"
       << (origin.empty() ? std::string() : " (from " + origin + ")") << ": "
       << kernel.schedule.text << "\n";
  }
  auto tensorName = [&](int t) {
    return "t" + std::to_string(t) + "@" +
           std::to_string(plan.tensors[t].offset);
  };
  for (auto [index, step] : llvm::enumerate(plan.steps)) {
    os << "step " << index << " " << step.name << ": kernel " << step.kernel
       << ", inputs";
    for (int t : step.inputs)
      os << " " << tensorName(t);
    os << ", output " << tensorName(step.output) << ", weights";
    const KernelSpec &kernel = plan.kernels[step.kernel];
    for (auto [w, offset] : llvm::enumerate(step.weights))
      os << " " << offset << "+" << kernel.weights[w].elements()
         << (kernel.weights[w].half ? " f16" : "");
    os << "\n";
  }
  for (auto [index, tensor] : llvm::enumerate(plan.tensors))
    os << "tensor t" << index << ": " << tensor.shape.channels << "x"
       << tensor.shape.width << "x" << tensor.shape.height
       << (tensor.shape.planar ? " planar" : "") << ", offset " << tensor.offset
       << ", live " << tensor.first << ".." << tensor.last << "\n";
  for (auto [kernel, pixels] : llvm::enumerate(plan.pixelKernels))
    if (pixels >= 0)
      os << "8-bit pixels: kernel " << kernel << " -> kernel " << pixels
         << "\n";
  if (plan.image.resize) {
    const TensorShape &input = plan.tensors[plan.inputTensor].shape;
    os << "image entries: shorter side resized to " << plan.image.resize
       << " (bilinear, " << (plan.image.antialias ? "" : "not ")
       << "antialiased), centre " << input.height << "x" << input.width
       << " cropped, normalized by mean";
    for (float mean : plan.normalization.mean)
      os << fmt::format(" {:g}", mean);
    os << " std";
    for (float std : plan.normalization.std)
      os << fmt::format(" {:g}", std);
    os << "\n";
  }
  os << "input t" << plan.inputTensor;
  for (const ModelOutput &output : plan.outputs)
    os << ", output " << output.name << " t" << output.tensor;
  os << "\n";
}
