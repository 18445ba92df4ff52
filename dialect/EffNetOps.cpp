//===- EffNetOps.cpp - shape rules, costs and folds of the effnet ops -----===//

#include "dialect/EffNet.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::effnet;

using EmitErrorFn = llvm::function_ref<InFlightDiagnostic()>;

//===----------------------------------------------------------------------===//
// Rule helpers
//===----------------------------------------------------------------------===//

namespace {
/// Largest channel count, class count or repeat count the dialect accepts;
/// keeps every size and cost product far from overflow.
constexpr int64_t kMaxCount = int64_t(1) << 20;
/// Largest kernel extent or stride.
constexpr int64_t kMaxWindow = 255;
/// Most blocks in one stage: V2-L's deepest stage (25) at depth 64 is 1600.
constexpr int64_t kMaxRepeats = 4096;
} // namespace

static LogicalResult checkInRange(int64_t value, StringRef name, int64_t lo,
                                  int64_t hi, EmitErrorFn emitError) {
  if (value < lo || value > hi)
    return emitError() << "expects " << name << " in [" << lo << ", " << hi
                       << "], got " << value;
  return success();
}

static LogicalResult checkRate(APFloat value, StringRef name,
                               EmitErrorFn emitError) {
  double v = value.convertToDouble();
  if (!(v >= 0.0 && v < 1.0))
    return emitError() << "expects " << name << " in [0, 1), got "
                       << formatDouble(v);
  return success();
}

static LogicalResult checkEpsilon(APFloat value, StringRef name,
                                  EmitErrorFn emitError) {
  double v = value.convertToDouble();
  if (!(v > 0.0 && std::isfinite(v)))
    return emitError() << "expects " << name << " to be positive, got "
                       << formatDouble(v);
  return success();
}

/// A static-shaped f32 tensor of the given rank (any rank when `rank` < 0).
static FailureOr<RankedTensorType>
checkStatic(Type type, StringRef what, int64_t rank, EmitErrorFn emitError) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.getElementType().isF32() ||
      (rank >= 0 && tensor.getRank() != rank) || !tensor.hasStaticShape()) {
    InFlightDiagnostic diag = emitError() << "expects " << what << " to be a ";
    if (rank >= 0)
      diag << rank << "-D ";
    return diag << "static f32 tensor, got " << type;
  }
  return tensor;
}

/// An N x C x H x W f32 tensor with static C, H and W.
static FailureOr<RankedTensorType> checkActivations(Type type, StringRef what,
                                                    EmitErrorFn emitError) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || tensor.getRank() != 4 || !tensor.getElementType().isF32())
    return emitError() << "expects " << what
                       << " to be a 4-D f32 tensor (NCHW), got " << type;
  for (int64_t dim = 1; dim < 4; ++dim)
    if (tensor.isDynamicDim(dim))
      return emitError() << "expects " << what
                         << " to have static channel and spatial dimensions, "
                            "got "
                         << type;
  if (tensor.getDimSize(2) < 1 || tensor.getDimSize(3) < 1 ||
      tensor.getDimSize(1) < 1)
    return emitError() << "expects " << what
                       << " to have non-empty channel and spatial dimensions, "
                          "got "
                       << type;
  return tensor;
}

static RankedTensorType nchw(RankedTensorType like, int64_t c, int64_t h,
                             int64_t w) {
  return RankedTensorType::get({like.getDimSize(0), c, h, w},
                               like.getElementType());
}

/// Rules shared by every block convolution: padding (kernel - 1) / 2, the
/// padded input at least as large as the kernel.
static FailureOr<std::pair<int64_t, int64_t>>
checkBlockConv(RankedTensorType input, int64_t kernel, int64_t stride,
               EmitErrorFn emitError) {
  if (failed(checkInRange(kernel, "kernel", 1, kMaxWindow, emitError)) ||
      failed(checkInRange(stride, "stride", 1, kMaxWindow, emitError)))
    return failure();
  int64_t h = blockConvOutputSize(input.getDimSize(2), kernel, stride);
  int64_t w = blockConvOutputSize(input.getDimSize(3), kernel, stride);
  if (h < 1 || w < 1)
    return emitError() << "expects the " << input.getDimSize(2) << "x"
                       << input.getDimSize(3)
                       << " input, padded, to be at least as large as the "
                       << kernel << "x" << kernel << " kernel";
  return std::make_pair(h, w);
}

static int64_t asInt(uint64_t attrValue) {
  return static_cast<int64_t>(attrValue);
}

//===----------------------------------------------------------------------===//
// StageOp
//===----------------------------------------------------------------------===//

BlockConfig StageOp::getBlockConfig(int64_t index, int64_t inChannels) {
  BlockConfig block;
  block.inChannels = index == 0 ? inChannels : asInt(getOutChannels());
  block.outChannels = asInt(getOutChannels());
  block.kernel = asInt(getKernel());
  block.stride = index == 0 ? asInt(getStride()) : 1;
  block.fused = getKind() == BlockKind::fused_mbconv;
  block.expandChannels = roundChannels(static_cast<double>(block.inChannels) *
                                       getExpandRatio().convertToDouble());
  double seRatio = getSeRatio().convertToDouble();
  block.seChannels =
      seRatio > 0.0
          ? std::max<int64_t>(
                1, static_cast<int64_t>(std::floor(block.inChannels * seRatio)))
          : 0;
  return block;
}

FailureOr<RankedTensorType> StageOp::inferResultType(EmitErrorFn emitError) {
  FailureOr<RankedTensorType> input =
      checkActivations(getInput().getType(), "input", emitError);
  if (failed(input) ||
      failed(checkInRange(asInt(getRepeats()), "repeats", 1, kMaxRepeats,
                          emitError)) ||
      failed(checkInRange(asInt(getOutChannels()), "out_channels", 1, kMaxCount,
                          emitError)) ||
      failed(checkRate(getStochasticDepth(), "stochastic_depth", emitError)) ||
      failed(checkEpsilon(getBnEps(), "bn_eps", emitError)))
    return failure();
  double ratio = getExpandRatio().convertToDouble();
  if (!(ratio > 0.0 && ratio <= 64.0))
    return emitError() << "expects expand_ratio in (0, 64], got "
                       << formatDouble(ratio);
  double seRatio = getSeRatio().convertToDouble();
  if (!(seRatio >= 0.0 && seRatio <= 1.0))
    return emitError() << "expects se_ratio in [0, 1], got "
                       << formatDouble(seRatio);
  FailureOr<std::pair<int64_t, int64_t>> hw =
      checkBlockConv(*input, asInt(getKernel()), asInt(getStride()), emitError);
  if (failed(hw))
    return failure();
  return nchw(*input, asInt(getOutChannels()), hw->first, hw->second);
}

uint64_t StageOp::getParameterCount() {
  Cost total;
  auto input = cast<RankedTensorType>(getInput().getType());
  for (int64_t i = 0, e = asInt(getRepeats()); i < e; ++i)
    total += blockCost(getBlockConfig(i, input.getDimSize(1)), 1, 1, 1);
  return total.params;
}

uint64_t StageOp::getMacCount() {
  auto input = cast<RankedTensorType>(getInput().getType());
  int64_t h = input.getDimSize(2), w = input.getDimSize(3);
  int64_t batch = costBatch(input);
  Cost total;
  for (int64_t i = 0, e = asInt(getRepeats()); i < e; ++i) {
    BlockConfig block = getBlockConfig(i, input.getDimSize(1));
    total += blockCost(block, batch, h, w);
    h = blockConvOutputSize(h, block.kernel, block.stride);
    w = blockConvOutputSize(w, block.kernel, block.stride);
  }
  return total.macs;
}

//===----------------------------------------------------------------------===//
// StemOp
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType> StemOp::inferResultType(EmitErrorFn emitError) {
  FailureOr<RankedTensorType> input =
      checkActivations(getInput().getType(), "input", emitError);
  if (failed(input) ||
      failed(checkInRange(asInt(getOutChannels()), "out_channels", 1, kMaxCount,
                          emitError)) ||
      failed(checkEpsilon(getBnEps(), "bn_eps", emitError)))
    return failure();
  FailureOr<std::pair<int64_t, int64_t>> hw =
      checkBlockConv(*input, asInt(getKernel()), asInt(getStride()), emitError);
  if (failed(hw))
    return failure();
  return nchw(*input, asInt(getOutChannels()), hw->first, hw->second);
}

static Cost stemCost(StemOp op) {
  auto input = cast<RankedTensorType>(op.getInput().getType());
  auto output = cast<RankedTensorType>(op.getOutput().getType());
  int64_t k = asInt(op.getKernel()), c = asInt(op.getOutChannels());
  Cost cost = convCost(costBatch(input), input.getDimSize(1), c, k, k, 1,
                       output.getDimSize(2), output.getDimSize(3), false);
  return cost += batchNormCost(c);
}

uint64_t StemOp::getParameterCount() { return stemCost(*this).params; }
uint64_t StemOp::getMacCount() { return stemCost(*this).macs; }

//===----------------------------------------------------------------------===//
// MBConvOp and FusedMBConvOp
//===----------------------------------------------------------------------===//

template <typename BlockOp>
static BlockConfig blockConfigOf(BlockOp op, bool fused) {
  BlockConfig block;
  block.inChannels =
      cast<RankedTensorType>(op.getInput().getType()).getDimSize(1);
  block.expandChannels = asInt(op.getExpandChannels());
  block.outChannels = asInt(op.getOutChannels());
  block.seChannels = asInt(op.getSeChannels());
  block.kernel = asInt(op.getKernel());
  block.stride = asInt(op.getStride());
  block.fused = fused;
  return block;
}

template <typename BlockOp>
static FailureOr<RankedTensorType> inferBlockType(BlockOp op,
                                                  EmitErrorFn emitError) {
  FailureOr<RankedTensorType> input =
      checkActivations(op.getInput().getType(), "input", emitError);
  if (failed(input) ||
      failed(checkInRange(asInt(op.getExpandChannels()), "expand_channels", 1,
                          kMaxCount, emitError)) ||
      failed(checkInRange(asInt(op.getOutChannels()), "out_channels", 1,
                          kMaxCount, emitError)) ||
      failed(checkInRange(asInt(op.getSeChannels()), "se_channels", 0,
                          kMaxCount, emitError)) ||
      failed(
          checkRate(op.getStochasticDepth(), "stochastic_depth", emitError)) ||
      failed(checkEpsilon(op.getBnEps(), "bn_eps", emitError)))
    return failure();
  FailureOr<std::pair<int64_t, int64_t>> hw = checkBlockConv(
      *input, asInt(op.getKernel()), asInt(op.getStride()), emitError);
  if (failed(hw))
    return failure();
  return nchw(*input, asInt(op.getOutChannels()), hw->first, hw->second);
}

template <typename BlockOp> static Cost blockOpCost(BlockOp op, bool fused) {
  auto input = cast<RankedTensorType>(op.getInput().getType());
  return blockCost(blockConfigOf(op, fused), costBatch(input),
                   input.getDimSize(2), input.getDimSize(3));
}

BlockConfig MBConvOp::getBlockConfig() { return blockConfigOf(*this, false); }
FailureOr<RankedTensorType> MBConvOp::inferResultType(EmitErrorFn emitError) {
  return inferBlockType(*this, emitError);
}
uint64_t MBConvOp::getParameterCount() {
  return blockOpCost(*this, false).params;
}
uint64_t MBConvOp::getMacCount() { return blockOpCost(*this, false).macs; }

BlockConfig FusedMBConvOp::getBlockConfig() {
  return blockConfigOf(*this, true);
}
FailureOr<RankedTensorType>
FusedMBConvOp::inferResultType(EmitErrorFn emitError) {
  return inferBlockType(*this, emitError);
}
uint64_t FusedMBConvOp::getParameterCount() {
  return blockOpCost(*this, true).params;
}
uint64_t FusedMBConvOp::getMacCount() { return blockOpCost(*this, true).macs; }

//===----------------------------------------------------------------------===//
// HeadOp
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType> HeadOp::inferResultType(EmitErrorFn emitError) {
  FailureOr<RankedTensorType> input =
      checkActivations(getInput().getType(), "input", emitError);
  if (failed(input) ||
      failed(checkInRange(asInt(getChannels()), "channels", 1, kMaxCount,
                          emitError)) ||
      failed(checkInRange(asInt(getNumClasses()), "num_classes", 1, kMaxCount,
                          emitError)) ||
      failed(checkRate(getDropout(), "dropout", emitError)) ||
      failed(checkEpsilon(getBnEps(), "bn_eps", emitError)))
    return failure();
  return RankedTensorType::get({input->getDimSize(0), asInt(getNumClasses())},
                               input->getElementType());
}

static Cost headCost(HeadOp op) {
  auto input = cast<RankedTensorType>(op.getInput().getType());
  int64_t batch = costBatch(input), c = asInt(op.getChannels());
  Cost cost = convCost(batch, input.getDimSize(1), c, 1, 1, 1,
                       input.getDimSize(2), input.getDimSize(3), false);
  cost += batchNormCost(c);
  return cost += denseCost(batch, c, asInt(op.getNumClasses()), true);
}

uint64_t HeadOp::getParameterCount() { return headCost(*this).params; }
uint64_t HeadOp::getMacCount() { return headCost(*this).macs; }

//===----------------------------------------------------------------------===//
// WeightOp
//===----------------------------------------------------------------------===//

LogicalResult WeightOp::verify() {
  if (getName().empty())
    return emitOpError() << "expects a non-empty weight name";
  if (failed(checkStatic(getType(), "the weight", -1,
                         [&] { return emitOpError(); })))
    return failure();
  if (std::optional<ElementsAttr> value = getValue())
    if (value->getType() != getType())
      return emitOpError() << "expects a value of type " << getType()
                           << ", got " << value->getType();
  return success();
}

FailureOr<std::vector<float>> WeightOp::readValues() {
  std::optional<ElementsAttr> value = getValue();
  if (!value)
    return emitOpError() << "expects a bound value (run effnet-bind-weights)";
  size_t count = getType().getNumElements();
  std::vector<float> values;
  if (auto dense = dyn_cast<DenseElementsAttr>(*value)) {
    auto range = dense.getValues<float>();
    values.assign(range.begin(), range.end());
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(*value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return emitOpError() << "has no data behind its dense_resource value";
    ArrayRef<char> bytes = blob->getData();
    if (bytes.size() != count * sizeof(float))
      return emitOpError() << "expects " << count * sizeof(float)
                           << " bytes of data, got " << bytes.size();
    values.resize(count);
    std::memcpy(values.data(), bytes.data(), bytes.size());
  } else {
    return emitOpError() << "expects dense or dense_resource values";
  }
  if (values.size() != count)
    return emitOpError() << "expects " << count << " values, got "
                         << values.size();
  return values;
}

ElementsAttr WeightOp::createValue(RankedTensorType type,
                                   ArrayRef<float> values, StringRef name) {
  if (values.size() <= 64)
    return DenseElementsAttr::get(type, values);
  return DenseResourceElementsAttr::get(
      type, name, HeapAsmResourceBlob::allocateAndCopyInferAlign(values));
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType> Conv2DOp::inferResultType(EmitErrorFn emitError) {
  FailureOr<RankedTensorType> input =
      checkActivations(getInput().getType(), "input", emitError);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> weight =
      checkStatic(getWeight().getType(), "weight", 4, emitError);
  if (failed(weight))
    return failure();
  int64_t groups = asInt(getGroups());
  if (failed(checkInRange(groups, "groups", 1, kMaxCount, emitError)))
    return failure();
  int64_t inChannels = input->getDimSize(1);
  int64_t filters = weight->getDimSize(0);
  if (inChannels % groups != 0)
    return emitError() << "expects input channels (" << inChannels
                       << ") to be divisible by groups (" << groups << ")";
  if (filters < 1 || filters % groups != 0)
    return emitError() << "expects weight filters (" << filters
                       << ") to be a positive multiple of groups (" << groups
                       << ")";
  if (weight->getDimSize(1) != inChannels / groups)
    return emitError() << "expects weight dimension 1 to be input channels / "
                          "groups = "
                       << inChannels / groups << ", got "
                       << weight->getDimSize(1);
  if (Value bias = getBias()) {
    FailureOr<RankedTensorType> biasType =
        checkStatic(bias.getType(), "bias", 1, emitError);
    if (failed(biasType))
      return failure();
    if (biasType->getDimSize(0) != filters)
      return emitError() << "expects bias of " << filters << " elements, got "
                         << biasType->getDimSize(0);
  }
  ArrayRef<int64_t> strides = getStrides(), dilations = getDilations(),
                    padding = getPadding();
  if (strides.size() != 2 ||
      llvm::any_of(strides, [](int64_t s) { return s < 1 || s > kMaxWindow; }))
    return emitError() << "expects strides to be 2 values in [1, " << kMaxWindow
                       << "]";
  if (dilations.size() != 2 || llvm::any_of(dilations, [](int64_t d) {
        return d < 1 || d > kMaxWindow;
      }))
    return emitError() << "expects dilations to be 2 values in [1, "
                       << kMaxWindow << "]";
  if (padding.size() != 4 ||
      llvm::any_of(padding, [](int64_t p) { return p < 0 || p > kMaxWindow; }))
    return emitError() << "expects padding to be 4 values [top, left, "
                          "bottom, right] in [0, "
                       << kMaxWindow << "]";
  int64_t kh = weight->getDimSize(2), kw = weight->getDimSize(3);
  if (kh < 1 || kw < 1)
    return emitError() << "expects a non-empty kernel, got " << kh << "x" << kw;
  int64_t h = input->getDimSize(2), w = input->getDimSize(3);
  if (getPaddingMode() == PaddingMode::same) {
    if (llvm::any_of(padding, [](int64_t p) { return p != 0; }))
      return emitError()
             << "expects no explicit padding with padding_mode 'same'";
    return nchw(*input, filters,
                computeSamePadding(h, kh, strides[0], dilations[0]).output,
                computeSamePadding(w, kw, strides[1], dilations[1]).output);
  }
  int64_t oh =
      convOutputSize(h, kh, strides[0], padding[0], padding[2], dilations[0]);
  int64_t ow =
      convOutputSize(w, kw, strides[1], padding[1], padding[3], dilations[1]);
  if (oh < 1 || ow < 1)
    return emitError() << "expects the padded " << h << "x" << w
                       << " input to be at least as large as the dilated " << kh
                       << "x" << kw << " kernel";
  return nchw(*input, filters, oh, ow);
}

static Cost conv2dCost(Conv2DOp op) {
  auto input = cast<RankedTensorType>(op.getInput().getType());
  auto weight = cast<RankedTensorType>(op.getWeight().getType());
  auto output = cast<RankedTensorType>(op.getOutput().getType());
  return convCost(costBatch(input), input.getDimSize(1), weight.getDimSize(0),
                  weight.getDimSize(2), weight.getDimSize(3),
                  asInt(op.getGroups()), output.getDimSize(2),
                  output.getDimSize(3), static_cast<bool>(op.getBias()));
}

uint64_t Conv2DOp::getParameterCount() { return conv2dCost(*this).params; }
uint64_t Conv2DOp::getMacCount() { return conv2dCost(*this).macs; }

//===----------------------------------------------------------------------===//
// BatchNormOp
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType>
BatchNormOp::inferResultType(EmitErrorFn emitError) {
  FailureOr<RankedTensorType> input =
      checkActivations(getInput().getType(), "input", emitError);
  if (failed(input) || failed(checkEpsilon(getEpsilon(), "epsilon", emitError)))
    return failure();
  int64_t channels = input->getDimSize(1);
  std::pair<Value, StringRef> stats[] = {{getScale(), "scale"},
                                         {getShift(), "shift"},
                                         {getMean(), "mean"},
                                         {getVariance(), "variance"}};
  for (auto [value, name] : stats) {
    FailureOr<RankedTensorType> type =
        checkStatic(value.getType(), name, 1, emitError);
    if (failed(type))
      return failure();
    if (type->getDimSize(0) != channels)
      return emitError() << "expects " << name << " to have " << channels
                         << " elements (the input channels), got "
                         << type->getDimSize(0);
  }
  return *input;
}

FailureOr<std::pair<std::vector<double>, std::vector<double>>>
BatchNormOp::computeAffine() {
  std::vector<float> values[4];
  Value operands[] = {getScale(), getShift(), getMean(), getVariance()};
  for (int i = 0; i < 4; ++i) {
    auto weight = operands[i].getDefiningOp<WeightOp>();
    if (!weight)
      return emitOpError() << "expects its weights to be effnet.weight ops";
    FailureOr<std::vector<float>> read = weight.readValues();
    if (failed(read))
      return failure();
    values[i] = std::move(*read);
  }
  double eps = getEpsilon().convertToDouble();
  size_t channels = values[0].size();
  std::vector<double> scale(channels), shift(channels);
  for (size_t c = 0; c < channels; ++c) {
    scale[c] = values[0][c] / std::sqrt(double(values[3][c]) + eps);
    shift[c] = values[1][c] - values[2][c] * scale[c];
  }
  return std::make_pair(std::move(scale), std::move(shift));
}

uint64_t BatchNormOp::getParameterCount() {
  return batchNormCost(
             cast<RankedTensorType>(getInput().getType()).getDimSize(1))
      .params;
}
uint64_t BatchNormOp::getMacCount() { return 0; }

//===----------------------------------------------------------------------===//
// ActivationOp
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType>
ActivationOp::inferResultType(EmitErrorFn emitError) {
  auto input = dyn_cast<RankedTensorType>(getInput().getType());
  if (!input)
    return emitError() << "expects a ranked tensor input";
  return input;
}

OpFoldResult ActivationOp::fold(FoldAdaptor) {
  if (getKind() == ActivationKind::identity)
    return getInput();
  // swish and silu are one function; keep one spelling.
  if (getKind() == ActivationKind::swish) {
    setKind(ActivationKind::silu);
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// GlobalAvgPoolOp, FlattenOp, ChannelMulOp, AddOp
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType>
GlobalAvgPoolOp::inferResultType(EmitErrorFn emitError) {
  FailureOr<RankedTensorType> input =
      checkActivations(getInput().getType(), "input", emitError);
  if (failed(input))
    return failure();
  return nchw(*input, input->getDimSize(1), 1, 1);
}

FailureOr<RankedTensorType> FlattenOp::inferResultType(EmitErrorFn emitError) {
  FailureOr<RankedTensorType> input =
      checkActivations(getInput().getType(), "input", emitError);
  if (failed(input))
    return failure();
  if (input->getDimSize(2) != 1 || input->getDimSize(3) != 1)
    return emitError() << "expects 1x1 spatial dimensions, got "
                       << input->getDimSize(2) << "x" << input->getDimSize(3);
  return RankedTensorType::get({input->getDimSize(0), input->getDimSize(1)},
                               input->getElementType());
}

FailureOr<RankedTensorType>
ChannelMulOp::inferResultType(EmitErrorFn emitError) {
  FailureOr<RankedTensorType> input =
      checkActivations(getInput().getType(), "input", emitError);
  if (failed(input))
    return failure();
  auto scale = dyn_cast<RankedTensorType>(getScale().getType());
  if (!scale || scale.getRank() != 4 ||
      scale.getDimSize(0) != input->getDimSize(0) ||
      scale.getDimSize(1) != input->getDimSize(1) || scale.getDimSize(2) != 1 ||
      scale.getDimSize(3) != 1)
    return emitError() << "expects scale of shape NxCx1x1 matching input "
                       << *input << ", got " << getScale().getType();
  return *input;
}

FailureOr<RankedTensorType> AddOp::inferResultType(EmitErrorFn emitError) {
  auto lhs = dyn_cast<RankedTensorType>(getLhs().getType());
  if (!lhs || lhs != getRhs().getType())
    return emitError() << "expects operands of one ranked tensor type";
  if (failed(checkRate(getStochasticDepth(), "stochastic_depth", emitError)))
    return failure();
  return lhs;
}

//===----------------------------------------------------------------------===//
// DenseOp
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType> DenseOp::inferResultType(EmitErrorFn emitError) {
  auto input = dyn_cast<RankedTensorType>(getInput().getType());
  if (!input || input.getRank() != 2 || input.isDynamicDim(1))
    return emitError() << "expects input of shape NxK with static K, got "
                       << getInput().getType();
  FailureOr<RankedTensorType> weight =
      checkStatic(getWeight().getType(), "weight", 2, emitError);
  if (failed(weight) || failed(checkRate(getDropout(), "dropout", emitError)))
    return failure();
  if (weight->getDimSize(1) != input.getDimSize(1))
    return emitError() << "expects weight of shape Mx" << input.getDimSize(1)
                       << " (the input features), got " << *weight;
  if (Value bias = getBias()) {
    FailureOr<RankedTensorType> biasType =
        checkStatic(bias.getType(), "bias", 1, emitError);
    if (failed(biasType))
      return failure();
    if (biasType->getDimSize(0) != weight->getDimSize(0))
      return emitError() << "expects bias of " << weight->getDimSize(0)
                         << " elements, got " << biasType->getDimSize(0);
  }
  return RankedTensorType::get({input.getDimSize(0), weight->getDimSize(0)},
                               input.getElementType());
}

static Cost denseOpCost(DenseOp op) {
  auto input = cast<RankedTensorType>(op.getInput().getType());
  auto weight = cast<RankedTensorType>(op.getWeight().getType());
  return denseCost(costBatch(input), weight.getDimSize(1), weight.getDimSize(0),
                   static_cast<bool>(op.getBias()));
}

uint64_t DenseOp::getParameterCount() { return denseOpCost(*this).params; }
uint64_t DenseOp::getMacCount() { return denseOpCost(*this).macs; }

//===----------------------------------------------------------------------===//
// GroupOp
//===----------------------------------------------------------------------===//

void GroupOp::build(OpBuilder &builder, OperationState &state, Type output,
                    ValueRange inputs, StringRef name) {
  state.addOperands(inputs);
  state.addAttribute(getNameAttrName(state.name), builder.getStringAttr(name));
  state.addTypes(output);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value input : inputs)
    block->addArgument(input.getType(), input.getLoc());
}

LogicalResult GroupOp::verify() {
  Block &block = getBody().front();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError() << "expects " << getInputs().size()
                         << " block arguments (one per input), got "
                         << block.getNumArguments();
  for (auto [input, arg] : llvm::zip(getInputs(), block.getArguments()))
    if (input.getType() != arg.getType())
      return emitOpError() << "expects block argument types to match the "
                              "inputs, got "
                           << arg.getType() << " for " << input.getType();
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return emitOpError() << "expects its region to end in effnet.yield";
  if (yield.getValue().getType() != getType())
    return emitOpError() << "expects the yielded type " << getType() << ", got "
                         << yield.getValue().getType();
  for (Operation &op : block.without_terminator()) {
    if (isa<GroupOp>(op))
      return op.emitOpError() << "expects groups not to nest";
    if (!isa<EffNetDialect>(op.getDialect()))
      return op.emitOpError() << "expects only effnet ops inside a group";
  }
  if (ScheduleAttr schedule = getScheduleAttr())
    return verifySchedule(schedule);
  return success();
}

LogicalResult GroupOp::verifySchedule(ScheduleAttr schedule) {
  // The attribute's own rules, for schedules built without them (get rather
  // than getChecked).
  if (failed(ScheduleAttr::verify(
          [&] { return emitOpError(); }, schedule.getTile(),
          schedule.getVector(), schedule.getOrder(), schedule.getParallel(),
          schedule.getGrain(), schedule.getUnroll(), schedule.getTail(),
          schedule.getCompute(), schedule.getSpecialize(),
          schedule.getThreads(), schedule.getShared(),
          schedule.getAlgorithm(), schedule.getReduce(),
          schedule.getExpandTile(), schedule.getInnerTail(),
          schedule.getReduceThreads(), schedule.getWinogradRows(),
          schedule.getWinogradPositions())))
    return failure();
  // Only the model input can be 8-bit pixels, whose rows' stride is known at
  // the call.
  if (llvm::is_contained(schedule.getSpecialize(),
                         Specialization::dense_rows) &&
      llvm::none_of(getInputs(),
                    [](Value input) { return isa<BlockArgument>(input); }))
    return emitOpError() << "expects 'dense_rows' only on a group that reads "
                            "the model input";
  // The output's extents along c, x and y.
  auto type = cast<RankedTensorType>(getType());
  int64_t extents[3] = {type.getRank() > 1 ? type.getDimSize(1) : 1,
                        type.getRank() == 4 ? type.getDimSize(3) : 1,
                        type.getRank() == 4 ? type.getDimSize(2) : 1};
  static const char *const what[3] = {"channels", "pixels per row", "rows"};
  if (schedule.getTail() == Tail::shift)
    for (int i = 0; i < 3; ++i)
      if (!ShapedType::isDynamic(extents[i]) &&
          schedule.getTile()[i] > extents[i])
        return emitOpError()
               << "expects the schedule's tile (" << schedule.getTile()[i]
               << ") to fit the output's " << extents[i] << " " << what[i]
               << " with tail = shift";

  // Two limits of Halide 14 found by test/schedule-fuzz. It does not keep
  // the guard of a vectorized channel tail: the last tile's vectors are
  // stored whole, past the channels, or not at all.
  if (schedule.getTail() == Tail::guard && schedule.getVector() > 1 &&
      !ShapedType::isDynamic(extents[0]) &&
      extents[0] % schedule.getTile()[0] != 0)
    return emitOpError() << "expects the schedule's tile ("
                         << schedule.getTile()[0]
                         << ") to divide the output's " << extents[0]
                         << " channels with tail = guard and vectors of "
                         << schedule.getVector() << " channels";
  // And it unrolls a guarded tail wrongly (stores past the output, or an
  // internal error): an unrolled tile loop divides its extent.
  static const Loop tileLoops[3] = {Loop::c, Loop::x, Loop::y};
  if (schedule.getTail() == Tail::guard)
    for (int i = 0; i < 3; ++i)
      if (llvm::is_contained(schedule.getUnroll(), tileLoops[i]) &&
          !ShapedType::isDynamic(extents[i]) &&
          extents[i] % schedule.getTile()[i] != 0)
        return emitOpError()
               << "expects the schedule's tile (" << schedule.getTile()[i]
               << ") to divide the output's " << extents[i] << " " << what[i]
               << " with tail = guard and '" << stringifyLoop(tileLoops[i])
               << "' unrolled";

  // And it slides a window along a tile loop between where a producer is
  // stored and where it is computed: after the first tile it computes only
  // the values the last did not, which for a last tile shifted inwards is
  // fewer than a tile, so an accumulation's loop over them has no constant
  // extent to unroll (test/schedule-fuzz, seed 1796591504: 6 channels in
  // tiles of 4, acc = c store y, unroll = [c]).
  if (schedule.getTail() == Tail::shift)
    for (int i = 0; i < 3; ++i)
      if (llvm::is_contained(schedule.getUnroll(), tileLoops[i]) &&
          !ShapedType::isDynamic(extents[i]) &&
          extents[i] % schedule.getTile()[i] != 0 &&
          schedule.slidesAlong(Producer::acc, tileLoops[i]))
        return emitOpError()
               << "expects 'acc' stored at or inside the '"
               << stringifyLoop(tileLoops[i]) << "' loop, or '"
               << stringifyLoop(tileLoops[i])
               << "' not unrolled: the output's " << extents[i] << " "
               << what[i] << " in tiles of " << schedule.getTile()[i]
               << " leave a tile shifted inwards, of which a window slid "
                  "along the loop computes fewer than a tile";

  GroupStructure structure = analyzeGroup(*this);
  // Unrolling the window multiplies the copies the attribute counted over
  // the tile by the window's width and height (the anchor's: a fused
  // expansion's is 1x1).
  int64_t copies = countUnrolledCopies(
      schedule.getTile(), schedule.getVector(), schedule.getUnroll(),
      structure.kernelW, structure.kernelH);
  if (copies > kMaxUnrolledCopies)
    return emitOpError() << "expects at most " << kMaxUnrolledCopies
                         << " unrolled copies of a tile's body, got " << copies
                         << " (the window's unrolled loops included)";
  // Left unplaced, the accumulation goes where Halide puts it, which in
  // tasks of several iterations is the parallel loop: the same limit as
  // the attribute's rule for a placed one (test/schedule-fuzz).
  bool placesAcc = llvm::any_of(schedule.getCompute(), [](const Placement &p) {
    return p.producer == Producer::acc;
  });
  std::optional<Loop> varying =
      unrolledInTasks(schedule.getUnroll(), schedule.getParallel());
  if (structure.accumulates() && !placesAcc && schedule.getGrain() > 1 &&
      varying)
    return emitOpError() << "expects the schedule to place 'acc' with grain "
                            "> 1 and '"
                         << stringifyLoop(*varying)
                         << "' unrolled: left to Halide, it is computed for "
                            "several tiles at once";
  if (schedule.getAlgorithm() == Algorithm::winograd) {
    // F(2x2, 3x3) computes 2x2 output tiles that the schedule's tiles hold
    // whole.
    if (!structure.fitsWinograd)
      return emitOpError() << "expects algorithm = winograd only on a group "
                              "whose anchor is a 3x3, stride 1, undilated "
                              "convolution of one group, with no scale or "
                              "expansion in front";
    for (int i = 1; i < 3; ++i)
      if (ShapedType::isDynamic(extents[i]) ||
          extents[i] % schedule.getTile()[i] != 0)
        return emitOpError()
               << "expects the schedule's tile (" << schedule.getTile()[i]
               << ") to divide the output's " << extents[i] << " " << what[i]
               << " with algorithm = winograd";
  }
  // Threads share the reduction of a global pooling only: a convolution's
  // windows are short, and its threads are over its outputs.
  if (schedule.getReduceThreads() != 1 &&
      !isa_and_nonnull<GlobalAvgPoolOp>(structure.anchor))
    return emitOpError() << "expects reduce_threads = 1 on a group whose "
                            "anchor is not a global pooling, got "
                         << schedule.getReduceThreads();
  // Only a convolution's (or dense layer's) reduction has loops of its own
  // to place; a pooling's runs over the whole image per channel.
  if (schedule.getReduce() != Reduction::tile && !structure.convolves())
    return emitOpError() << "expects reduce = tile on a group whose anchor is "
                            "not a convolution";
  if (!schedule.getExpandTile().empty()) {
    if (!structure.expansion)
      return emitOpError() << "expects expand_tile only on a group with a "
                              "fused expansion";
  }
  if (structure.expansion) {
    // A tile that moves inwards must fit the channels computed at a time
    // (all of them, or the output's channel tile when computed per tile):
    // else it starts before them and reads and writes outside its buffers.
    ExpansionChannels channels = expansionChannels(schedule, structure);
    if (channels.shift && channels.tile > channels.atOnce) {
      if (channels.atOnce == structure.inChannels)
        return emitOpError()
               << "expects the expansion's channel tile (" << channels.tile
               << ") to fit its " << structure.inChannels
               << " channels, or to divide them";
      return emitOpError()
             << "expects the expansion's channel tile (" << channels.tile
             << ") to fit the " << channels.atOnce
             << " channels it computes at a time (the output's channel "
                "tile, as it is computed inside the 'c' loop), or to divide "
                "them and its "
             << structure.inChannels << " channels";
    }
  }
  // A shifted vector needs a vector of channels to shift within: every
  // producer computes the output's channels or the anchor's input's (a
  // fused expansion's are the latter), or a tile of them; a grouped
  // convolution's input is read a group at a time.
  if (schedule.getInnerTail() == Tail::shift && schedule.getVector() > 1) {
    int64_t fewest = structure.channels;
    if (structure.convolves())
      fewest = std::min(fewest, structure.inChannels);
    if (fewest < schedule.getVector())
      return emitOpError() << "expects inner_tail = shift only where every "
                              "producer has a vector of channels: "
                           << fewest << " channels, vectors of "
                           << schedule.getVector();
    if (structure.groups > 1 && !structure.depthwise)
      return emitOpError() << "expects inner_tail = guard on a grouped "
                              "convolution that is not depthwise (its input "
                              "is read a group of channels at a time)";
  }
  // The producers a schedule places must exist in the group.
  for (const Placement &placement : schedule.getCompute()) {
    bool exists = true;
    switch (placement.producer) {
    case Producer::acc:
      exists = structure.accumulates();
      break;
    case Producer::input:
    case Producer::weights:
      exists = structure.convolves();
      break;
    case Producer::excite:
      exists = static_cast<bool>(structure.broadcast);
      break;
    case Producer::expand:
      exists = static_cast<bool>(structure.expansion);
      break;
    }
    if (!exists)
      return emitOpError() << "expects the schedule to place only producers "
                              "the group has: there is no '"
                           << stringifyProducer(placement.producer) << "'";
  }
  return success();
}

bool Conv2DOp::isDepthwise() {
  auto weight = cast<RankedTensorType>(getWeight().getType());
  return getGroups() > 1 &&
         static_cast<int64_t>(getGroups()) == weight.getDimSize(0) &&
         weight.getDimSize(1) == 1;
}

bool Conv2DOp::isPadded() {
  SmallVector<int64_t, 4> padding = getResolvedPadding();
  if (padding[0] > 0 || padding[1] > 0)
    return true;
  // No padding before: some window reads past the input's end when the
  // last one ends there.
  auto input = cast<RankedTensorType>(getInput().getType());
  auto output = cast<RankedTensorType>(getType());
  auto weight = cast<RankedTensorType>(getWeight().getType());
  ArrayRef<int64_t> strides = getStrides(), dilations = getDilations();
  auto pastEnd = [&](int dim, int64_t stride, int64_t dilation) {
    return (output.getDimSize(dim) - 1) * stride +
               (weight.getDimSize(dim) - 1) * dilation >=
           input.getDimSize(dim);
  };
  return pastEnd(2, strides[0], dilations[0]) ||
         pastEnd(3, strides[1], dilations[1]);
}

SmallVector<int64_t, 4> Conv2DOp::getResolvedPadding() {
  if (getPaddingMode() != PaddingMode::same)
    return SmallVector<int64_t, 4>(getPadding());
  auto input = cast<RankedTensorType>(getInput().getType());
  auto weight = cast<RankedTensorType>(getWeight().getType());
  ArrayRef<int64_t> strides = getStrides(), dilations = getDilations();
  SamePadding rows = computeSamePadding(
      input.getDimSize(2), weight.getDimSize(2), strides[0], dilations[0]);
  SamePadding columns = computeSamePadding(
      input.getDimSize(3), weight.getDimSize(3), strides[1], dilations[1]);
  return {rows.before, columns.before, rows.after, columns.after};
}

bool Conv2DOp::isPointwise() {
  auto weight = cast<RankedTensorType>(getWeight().getType());
  auto isOne = [](int64_t v) { return v == 1; };
  auto isZero = [](int64_t v) { return v == 0; };
  return getGroups() == 1 && weight.getDimSize(2) == 1 &&
         weight.getDimSize(3) == 1 && llvm::all_of(getStrides(), isOne) &&
         llvm::all_of(getPadding(), isZero) &&
         getPaddingMode() != PaddingMode::same;
}

std::string GroupOp::getKernelKey() {
  std::string key;
  llvm::raw_string_ostream os(key);
  Block &body = getBody().front();
  llvm::DenseMap<Value, std::string> names;
  for (auto [index, arg] : llvm::enumerate(body.getArguments()))
    // The model's own input keeps the caller's layout: say so.
    names[arg] = (isa<BlockArgument>(getInputs()[index]) ? "in" : "a") +
                 std::to_string(index);
  auto shape = [&](Type type, bool perImage) {
    auto tensor = cast<RankedTensorType>(type);
    ArrayRef<int64_t> dims = tensor.getShape();
    if (perImage && !dims.empty())
      dims = dims.drop_front();
    std::string text;
    for (auto [index, dim] : llvm::enumerate(dims))
      text += (index ? "x" : "") + std::to_string(dim);
    return text;
  };
  unsigned next = 0;
  for (Operation &op : body.without_terminator()) {
    if (isa<WeightOp>(op))
      continue;
    if (next)
      os << ";";
    os << op.getName().stripDialect() << "[";
    bool first = true;
    for (NamedAttribute attr : op.getAttrs()) {
      // Names and training-only rates do not change what is computed.
      StringRef name = attr.getName().getValue();
      if (name == "name" || name == "stochastic_depth" || name == "dropout")
        continue;
      std::string value;
      llvm::raw_string_ostream vs(value);
      attr.getValue().print(vs, /*elideType=*/true);
      llvm::erase_if(value, [](char ch) { return ch == ' '; });
      os << (first ? "" : ",") << name << "=" << value;
      first = false;
    }
    os << "](";
    for (auto [index, operand] : llvm::enumerate(op.getOperands())) {
      os << (index ? "," : "");
      if (operand.getDefiningOp<WeightOp>())
        os << "w" << shape(operand.getType(), /*perImage=*/false);
      else
        os << names.lookup(operand) << ":" << shape(operand.getType(), true);
    }
    os << ")->" << shape(op.getResult(0).getType(), true);
    names[op.getResult(0)] = "%" + std::to_string(next++);
  }
  return key;
}

#define GET_OP_CLASSES
#include "dialect/EffNetOps.cpp.inc"
