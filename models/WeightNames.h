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

/// Maps canonical weight names (`blocks.1.0.dw.bn.weight`) to the names of
/// torchvision 0.14's EfficientNet state_dict
/// (`features.2.0.block.1.1.weight`). torchvision numbers the parts of a block
/// by position among the parts the block has, so the map learns from the
/// model's own names which parts each block has.
class TorchvisionNameMap {
public:
  /// Learns the blocks, their parts and the number of stages from every
  /// canonical weight name of one model.
  explicit TorchvisionNameMap(llvm::ArrayRef<llvm::StringRef> canonicalNames);

  /// The torchvision name of `canonical`; an error for a name outside the
  /// canonical scheme or whose block the map has not seen.
  llvm::Expected<std::string> lookup(llvm::StringRef canonical) const;

  /// Stages seen: one more than the largest stage index.
  int64_t getNumStages() const { return numStages; }

private:
  /// Per block `blocks.S.B`: the parts it has, in torchvision's order.
  llvm::StringMap<llvm::SmallVector<std::string, 4>> blockParts;
  int64_t numStages = 0;
};

} // namespace effnet
} // namespace mlir

#endif // EFFNET_MODELS_WEIGHTNAMES_H
