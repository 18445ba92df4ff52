//===- Models.cpp - stage tables, variants and the stage-level builder ----===//

#include "models/Models.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::effnet;

namespace {
constexpr BlockKind MB = BlockKind::mbconv;
constexpr BlockKind Fused = BlockKind::fused_mbconv;

// EfficientNet-B0, the paper's Table 1: stage 1 is the stem, stages 2-8 the
// rows below, stage 9 the head (1x1 conv to 1280, pooling, classifier).
//   kind, expand, kernel, stride, out, repeats, se
const StageRow kB0Rows[] = {
    {MB, 1, 3, 1, 16, 1, 0.25},  {MB, 6, 3, 2, 24, 2, 0.25},
    {MB, 6, 5, 2, 40, 2, 0.25},  {MB, 6, 3, 2, 80, 3, 0.25},
    {MB, 6, 5, 1, 112, 3, 0.25}, {MB, 6, 5, 2, 192, 4, 0.25},
    {MB, 6, 3, 1, 320, 1, 0.25},
};

// EfficientNetV2-S/M/L as torchvision 0.14's _efficientnet_conf writes them.
const StageRow kV2SRows[] = {
    {Fused, 1, 3, 1, 24, 2, 0},  {Fused, 4, 3, 2, 48, 4, 0},
    {Fused, 4, 3, 2, 64, 4, 0},  {MB, 4, 3, 2, 128, 6, 0.25},
    {MB, 6, 3, 1, 160, 9, 0.25}, {MB, 6, 3, 2, 256, 15, 0.25},
};
const StageRow kV2MRows[] = {
    {Fused, 1, 3, 1, 24, 3, 0},   {Fused, 4, 3, 2, 48, 5, 0},
    {Fused, 4, 3, 2, 80, 5, 0},   {MB, 4, 3, 2, 160, 7, 0.25},
    {MB, 6, 3, 1, 176, 14, 0.25}, {MB, 6, 3, 2, 304, 18, 0.25},
    {MB, 6, 3, 1, 512, 5, 0.25},
};
const StageRow kV2LRows[] = {
    {Fused, 1, 3, 1, 32, 4, 0},   {Fused, 4, 3, 2, 64, 7, 0},
    {Fused, 4, 3, 2, 96, 7, 0},   {MB, 4, 3, 2, 192, 10, 0.25},
    {MB, 6, 3, 1, 224, 19, 0.25}, {MB, 6, 3, 2, 384, 25, 0.25},
    {MB, 6, 3, 1, 640, 7, 0.25},
};

const StageTable kTables[] = {
    //  name, stem, rows, head, resolution, dropout, bn eps, stochastic depth
    {"b0", 32, kB0Rows, 1280, 224, 0.2, 1e-5, 0.2},
    {"v2_s", 24, kV2SRows, 1280, 384, 0.2, 1e-3, 0.2},
    {"v2_m", 24, kV2MRows, 1280, 480, 0.3, 1e-3, 0.2},
    {"v2_l", 32, kV2LRows, 1280, 480, 0.4, 1e-3, 0.2},
};

// Width, depth and dropout of b1-b7 are torchvision 0.14's; resolutions are
// the paper's (torchvision evaluates b2 at 288 instead of 260); b5-b7 and the
// V2 models use torchvision's batch-norm epsilon 1e-3.
const Variant kVariants[] = {
    //  name, table, width, depth, resolution, dropout, bn eps, torchvision's
    //  evaluation resize and crop
    {"b0", "b0", 1.0, 1.0, 224, 0.2, 1e-5, 256, 224},
    {"b1", "b0", 1.0, 1.1, 240, 0.2, 1e-5, 255, 240},
    {"b2", "b0", 1.1, 1.2, 260, 0.3, 1e-5, 288, 288},
    {"b3", "b0", 1.2, 1.4, 300, 0.3, 1e-5, 320, 300},
    {"b4", "b0", 1.4, 1.8, 380, 0.4, 1e-5, 384, 380},
    {"b5", "b0", 1.6, 2.2, 456, 0.4, 1e-3, 456, 456},
    {"b6", "b0", 1.8, 2.6, 528, 0.5, 1e-3, 528, 528},
    {"b7", "b0", 2.0, 3.1, 600, 0.5, 1e-3, 600, 600},
    {"v2_s", "v2_s", 1.0, 1.0, 384, 0.2, 1e-3, 384, 384},
    {"v2_m", "v2_m", 1.0, 1.0, 480, 0.3, 1e-3, 480, 480},
    {"v2_l", "v2_l", 1.0, 1.0, 480, 0.4, 1e-3, 480, 480},
};
} // namespace

ArrayRef<Variant> mlir::effnet::getVariants() { return kVariants; }

std::optional<Variant> mlir::effnet::lookupVariant(StringRef name) {
  for (const Variant &variant : kVariants)
    if (variant.name == name)
      return variant;
  return std::nullopt;
}

int64_t mlir::effnet::defaultImageResize(StringRef variant,
                                         int64_t resolution) {
  int64_t resize = 256, crop = 224;
  if (std::optional<Variant> known = lookupVariant(variant)) {
    resize = known->evalResize;
    crop = known->evalCrop;
  }
  // resolution x resize / crop, rounded half up, in integers.
  int64_t scaled = (2 * resolution * resize + crop) / (2 * crop);
  return std::max(scaled, resolution);
}

std::string mlir::effnet::listVariantNames() {
  std::string names;
  for (const Variant &variant : kVariants) {
    if (!names.empty())
      names += ", ";
    names += variant.name.str();
  }
  return names;
}

std::optional<StageTable> mlir::effnet::lookupStageTable(StringRef name) {
  for (const StageTable &table : kTables)
    if (table.name == name)
      return table;
  return std::nullopt;
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::effnet::buildStageModel(MLIRContext *context, const StageTable &table,
                              const ModelOptions &options) {
  context->loadDialect<EffNetDialect, func::FuncDialect>();
  Location loc =
      FileLineColLoc::get(context, "efficientnet_" + table.name.str(), 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder builder(context);
  // The one check of these options: effnetc passes them on unchecked.
  constexpr int64_t kMaxCount = int64_t(1) << 20;
  if (options.batch < 0 || options.batch > kMaxCount)
    return emitError(loc) << "expects a batch in [0, " << kMaxCount
                          << "] (0: dynamic), got " << options.batch;
  if (options.numClasses < 1 || options.numClasses > kMaxCount)
    return emitError(loc) << "expects a number of classes in [1, "
                          << kMaxCount << "], got " << options.numClasses;
  constexpr int64_t kMaxInChannels = 1024;
  if (options.inChannels < 1 || options.inChannels > kMaxInChannels)
    return emitError(loc) << "expects input channels in [1, " << kMaxInChannels
                          << "], got " << options.inChannels;
  int64_t batch = options.batch == 0 ? ShapedType::kDynamic : options.batch;
  auto inputType = RankedTensorType::get(
      {batch, options.inChannels, table.resolution, table.resolution},
      builder.getF32Type());

  builder.setInsertionPointToEnd(module->getBody());
  // The result type is fixed once the body is built.
  auto func = builder.create<func::FuncOp>(
      loc, "efficientnet", builder.getFunctionType({inputType}, {}));
  func->setAttr("effnet.table", builder.getStringAttr(table.name));
  func->setAttr("effnet.variant", builder.getStringAttr(table.name));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);

  auto f64 = [](double value) { return APFloat(value); };
  FailureOr<StemOp> stem = createInferred<StemOp>(
      builder, NameLoc::get(builder.getStringAttr("stem"), loc),
      body->getArgument(0), "stem", table.stemChannels, /*kernel=*/3,
      /*stride=*/2, f64(table.bnEps));
  if (failed(stem))
    return failure();
  Value x = *stem;
  for (auto [index, row] : llvm::enumerate(table.rows)) {
    Location stageLoc = NameLoc::get(
        builder.getStringAttr("stage" + std::to_string(index)), loc);
    FailureOr<StageOp> stage = createInferred<StageOp>(
        builder, stageLoc, x, row.kind, row.repeats, row.kernel, row.stride,
        f64(row.expandRatio), row.outChannels, f64(row.seRatio),
        f64(table.stochasticDepth), f64(table.bnEps));
    if (failed(stage))
      return failure();
    x = *stage;
  }
  FailureOr<HeadOp> head = createInferred<HeadOp>(
      builder, NameLoc::get(builder.getStringAttr("head"), loc), x, "head",
      table.headChannels, options.numClasses, f64(table.dropout),
      f64(table.bnEps));
  if (failed(head))
    return failure();
  builder.create<func::ReturnOp>(loc, head->getResult());
  func.setFunctionType(
      builder.getFunctionType({inputType}, {head->getResult().getType()}));
  return module;
}
