//===- Weights.h - weight files, names, random weights ---------*- C++ -*-===//
//
// Where the values of `effnet.weight` ops come from: safetensors files (read
// and validated whole before any tensor is handed out), the map from canonical
// weight names to torchvision 0.14's state_dict names, and deterministic
// random weights for tests and benchmarks.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_MODELS_WEIGHTS_H
#define EFFNET_MODELS_WEIGHTS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
namespace effnet {

//===----------------------------------------------------------------------===//
// Safetensors
//===----------------------------------------------------------------------===//

/// The element types the safetensors format names.
enum class SafetensorsDType {
  F64,
  F32,
  F16,
  BF16,
  I64,
  I32,
  I16,
  I8,
  U8,
  BOOL,
  F8_E4M3,
  F8_E5M2,
  U16,
  U32,
  U64
};

/// The format's spelling of `dtype` ("F32", "BF16", ...).
llvm::StringRef getDTypeName(SafetensorsDType dtype);
/// Bytes per element of `dtype`.
uint64_t getDTypeSize(SafetensorsDType dtype);

/// One tensor of a file, as its header describes it.
struct SafetensorsTensor {
  std::string name;
  SafetensorsDType dtype;
  llvm::SmallVector<int64_t> shape;
  /// Byte offsets into the data section (after the header), begin inclusive.
  uint64_t begin;
  uint64_t end;
};

/// A safetensors file: an 8-byte little-endian header length N, N bytes of
/// JSON describing every tensor, then the tensors' bytes. `open` checks all of
/// it, so that a file that opens can be read without further surprises.
class SafetensorsFile {
public:
  /// The largest header accepted; real headers are a few hundred kilobytes.
  static constexpr uint64_t kMaxHeaderSize = 100 * 1024 * 1024;

  /// Reads and validates the file at `path`. Errors are one line naming the
  /// file and, where there is one, the tensor.
  static llvm::Expected<SafetensorsFile> open(llvm::StringRef path);

  /// Validates `buffer` as a safetensors file; `path` names it in errors.
  static llvm::Expected<SafetensorsFile>
  fromBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer, llvm::StringRef path);

  /// The tensor names, sorted.
  std::vector<llvm::StringRef> names() const;
  /// The tensor called `name`, or null.
  const SafetensorsTensor *find(llvm::StringRef name) const;
  /// The `__metadata__` entries (empty when there are none).
  const std::map<std::string, std::string> &getMetadata() const {
    return metadata;
  }
  llvm::StringRef getPath() const { return path; }

  /// Copies out the F32 tensor `name`, which must have exactly `shape`.
  llvm::Expected<std::vector<float>>
  getF32(llvm::StringRef name, llvm::ArrayRef<int64_t> shape) const;

private:
  SafetensorsFile(std::unique_ptr<llvm::MemoryBuffer> buffer, std::string path)
      : buffer(std::move(buffer)), path(std::move(path)) {}

  llvm::Error parse();
  llvm::Error error(const llvm::Twine &message) const;

  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::string path;
  /// The data section: everything after the header.
  llvm::StringRef data;
  /// Sorted by name.
  std::vector<SafetensorsTensor> tensors;
  std::map<std::string, std::string> metadata;
};

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

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

//===----------------------------------------------------------------------===//
// Random weights
//===----------------------------------------------------------------------===//

/// Deterministic values for the weight `name` of `shape`, the same on every
/// platform and standard library for the same `seed`. Ranges follow the name:
/// `.running_var` and `bn.weight` U[0.5, 1.5]; `.running_mean` and any other
/// `.bias` U[-0.2, 0.2]; other weights U[-a, a] with a = sqrt(3 / fan_in),
/// fan_in the product of all dimensions but the first. These keep activations
/// finite through the deepest variant.
std::vector<float> randomWeight(llvm::StringRef name,
                                llvm::ArrayRef<int64_t> shape, uint64_t seed);

} // namespace effnet
} // namespace mlir

#endif // EFFNET_MODELS_WEIGHTS_H
