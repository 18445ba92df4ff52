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
