//===- Models.h - the EfficientNet family: tables and variants --*- C++ -*-===//
//
// The door of models/: the stage tables (EfficientNet-B0 from the paper's
// Table 1; EfficientNetV2-S/M/L as torchvision 0.14 builds them), the compound
// coefficients of every named variant, and the builder that turns a table into
// stage-level IR.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_MODELS_MODELS_H
#define EFFNET_MODELS_MODELS_H

#include "dialect/EffNet.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace mlir {
namespace effnet {

/// One row of a stage table: `repeats` blocks of `kind`.
struct StageRow {
  BlockKind kind;
  double expandRatio;
  int64_t kernel;
  int64_t stride;
  int64_t outChannels;
  int64_t repeats;
  double seRatio;
};

/// A whole network before compound scaling.
struct StageTable {
  llvm::StringLiteral name;
  int64_t stemChannels;
  llvm::ArrayRef<StageRow> rows;
  int64_t headChannels;
  int64_t resolution;
  double dropout;
  double bnEps;
  double stochasticDepth;
};

/// A named member of the family: the table it is built from and the
/// coefficients that scale it.
struct Variant {
  llvm::StringLiteral name;
  llvm::StringLiteral table;
  double width;
  double depth;
  int64_t resolution;
  double dropout;
  double bnEps;
  /// torchvision 0.14's evaluation transform for the variant's weights
  /// (DEFAULT): the shorter side resized to evalResize, evalCrop cropped.
  int64_t evalResize;
  int64_t evalCrop;
};

/// The shorter side an image of the variant called `variant` is resized to
/// before the centre `resolution` x `resolution` is cropped: torchvision's
/// evaluation transform's ratio of resize to crop for the variant (256 to
/// 224 for a name it does not know), times `resolution`, rounded, and at
/// least `resolution`.
int64_t defaultImageResize(llvm::StringRef variant, int64_t resolution);

/// The compound-scaling constants of the paper: depth alpha^phi, width
/// beta^phi, resolution gamma^phi times the base resolution.
constexpr double kAlpha = 1.2;
constexpr double kBeta = 1.1;
constexpr double kGamma = 1.15;

/// Every named variant, b0-b7 then v2_s, v2_m, v2_l.
llvm::ArrayRef<Variant> getVariants();
/// The variant called `name`, if there is one.
std::optional<Variant> lookupVariant(llvm::StringRef name);
/// "b0, b1, ..., v2_l", for messages.
std::string listVariantNames();

/// The stage table called `name` ("b0", "v2_s", "v2_m" or "v2_l").
std::optional<StageTable> lookupStageTable(llvm::StringRef name);

/// Options of the IR a table is built into.
struct ModelOptions {
  int64_t numClasses = 1000;
  /// Images per call; 0 builds a dynamic batch dimension.
  int64_t batch = 1;
  /// Channels of the input image: 3 (RGB) as torchvision builds it; 1 for
  /// grey images, more for multispectral ones (EfficientNet-PyTorch's
  /// `in_channels`). Only the stem's weights change.
  int64_t inChannels = 3;
};

/// Builds a module holding `func.func @efficientnet` at the stage level:
/// `effnet.stem`, one `effnet.stage` per row and `effnet.head`. Emits a
/// diagnostic and fails on options the dialect rejects.
FailureOr<OwningOpRef<ModuleOp>> buildStageModel(MLIRContext *context,
                                                 const StageTable &table,
                                                 const ModelOptions &options);

} // namespace effnet
} // namespace mlir

#endif // EFFNET_MODELS_MODELS_H
