//===- WeightNames.h - canonical weight names and their maps ---*- C++ -*-===//
//
// The canonical weight names that ExpandBlocks gives `effnet.weight` ops
// (`blocks.S.B.PART.PARAM`), and the maps from them to the names of other
// model zoos' state dicts.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_MODELS_WEIGHTNAMES_H
#define EFFNET_MODELS_WEIGHTNAMES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir {
namespace effnet {

/// The canonical weight names: the one home of their scheme, which
/// effnet-expand-blocks writes, effnet-fold-batchnorm and effnet-fuse read,
/// random weights draw their ranges from, and every name map translates.
/// A weight is named `OWNER.LAYER.PARAM`:
/// - OWNER is `stem`, `head`, or a part of a block, `blocks.S.B.PART`, with
///   PART `expand`, `dw`, `se` or `project` (stage S, block B);
/// - LAYER is `conv` or `bn` (a convolution and its batch norm), `reduce` or
///   `expand` (squeeze-excite's convolutions, whose OWNER is
///   `blocks.S.B.se`), `classifier` (OWNER `head`), or `folded` (a
///   convolution with its batch norm folded in);
/// - PARAM is `weight` or `bias`, or `running_mean` / `running_var` for `bn`.
namespace weight_name {
inline constexpr llvm::StringLiteral kConv = "conv";
inline constexpr llvm::StringLiteral kBatchNorm = "bn";
inline constexpr llvm::StringLiteral kSqueeze = "reduce";
inline constexpr llvm::StringLiteral kExcite = "expand";
inline constexpr llvm::StringLiteral kClassifier = "classifier";
inline constexpr llvm::StringLiteral kFolded = "folded";
inline constexpr llvm::StringLiteral kWeight = "weight";
inline constexpr llvm::StringLiteral kBias = "bias";
inline constexpr llvm::StringLiteral kRunningMean = "running_mean";
inline constexpr llvm::StringLiteral kRunningVar = "running_var";
} // namespace weight_name

/// `OWNER.LAYER.PARAM`.
std::string makeWeightName(llvm::StringRef owner, llvm::StringRef layer,
                           llvm::StringRef param);

/// A name split at its last two dots; parts it lacks are empty.
struct WeightNameParts {
  llvm::StringRef owner;
  llvm::StringRef layer;
  llvm::StringRef param;
};
WeightNameParts splitWeightName(llvm::StringRef name);

/// What a weight belongs to, for naming what reads it: the OWNER of a `conv`
/// or `folded` weight (`blocks.0.0.dw.conv.weight` -> `blocks.0.0.dw`), else
/// the name without its PARAM (`blocks.0.0.se.reduce.weight` ->
/// `blocks.0.0.se.reduce`), else the name itself.
std::string getWeightOwner(llvm::StringRef name);

/// The schemes a weights file may name its tensors in.
/// - `torchvision`: torchvision 0.14's EfficientNet state_dict
///   (`features.2.0.block.1.1.weight`);
/// - `efficientnet-pytorch`: lukemelas/EfficientNet-PyTorch's (`_blocks.N.`
///   with N counting every block in order, `_depthwise_conv.weight`,
///   `_bn1.bias`); B variants only, as that package has no Fused-MBConv;
/// - `timm`: pytorch-image-models' EfficientNet and EfficientNetV2
///   (`blocks.S.B.conv_dw.weight`), whose names depend on the block type
///   timm builds for each of our blocks;
/// - `canonical`: the weights' own names.
enum class WeightNaming { Torchvision, EfficientNetPyTorch, Timm, Canonical };

/// Every scheme, in the order detection prefers them.
llvm::ArrayRef<WeightNaming> getWeightNamings();
/// `torchvision`, `efficientnet-pytorch`, `timm` or `canonical`.
llvm::StringRef getWeightNamingName(WeightNaming naming);
/// The scheme spelled `name`, if any.
std::optional<WeightNaming> lookupWeightNaming(llvm::StringRef name);
/// "'torchvision', 'efficientnet-pytorch', 'timm' or 'canonical'".
std::string listWeightNamings();

/// The scheme a file's tensors are named in, from each name's first
/// component (torchvision: `features`, `classifier`; efficientnet-pytorch:
/// `_conv_stem`, `_bn0`, `_blocks`, `_conv_head`, `_bn1`, `_fc`; timm:
/// `conv_stem`, `bn1`, `blocks`, `conv_head`, `bn2`, `classifier`;
/// canonical: `stem`, `blocks`, `head`). The schemes every name fits, the
/// first of them in getWeightNamings() order; an error naming the first
/// tensor (in `tensorNames`' order) that fits none of the schemes the
/// tensors before it fit.
llvm::Expected<WeightNaming>
detectWeightNaming(llvm::ArrayRef<llvm::StringRef> tensorNames);

/// Maps canonical weight names (`blocks.1.0.dw.bn.weight`) to the names of
/// one scheme. torchvision numbers the parts of a block by position among
/// the parts the block has, timm names them after the block type, and
/// EfficientNet-PyTorch numbers blocks across stages, so the map learns from
/// the model's own names which blocks there are and which parts each has.
class WeightNameMap {
public:
  /// Learns the blocks, their parts and the number of stages from every
  /// canonical weight name of one model; an error when `naming` cannot name
  /// such a model (efficientnet-pytorch and a Fused-MBConv block, which is
  /// a block without a `dw` weight).
  static llvm::Expected<WeightNameMap>
  create(WeightNaming naming, llvm::ArrayRef<llvm::StringRef> canonicalNames);

  /// The name of `canonical` in the scheme; an error for a name outside the
  /// canonical scheme or whose block the map has not seen. Canonical names
  /// map to themselves, unchecked.
  llvm::Expected<std::string> lookup(llvm::StringRef canonical) const;

  /// Stages seen: one more than the largest stage index.
  int64_t getNumStages() const { return numStages; }

private:
  explicit WeightNameMap(WeightNaming naming) : naming(naming) {}

  struct Block {
    /// The parts it has, in torchvision's order (expand, dw, se, project).
    llvm::SmallVector<std::string, 4> parts;
    /// Its position among all blocks, stage by stage.
    int64_t index = 0;
  };
  WeightNaming naming;
  /// Per block `blocks.S.B`.
  llvm::StringMap<Block> blocks;
  int64_t numStages = 0;
};

} // namespace effnet
} // namespace mlir

#endif // EFFNET_MODELS_WEIGHTNAMES_H
