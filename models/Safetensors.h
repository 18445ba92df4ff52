//===- Safetensors.h - the safetensors reader ---*- C++ -*-===//
//
// Safetensors files, read and validated whole (header nesting, offsets,
// dtypes, shapes) before any tensor is handed out.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_MODELS_SAFETENSORS_H
#define EFFNET_MODELS_SAFETENSORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
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
  /// The deepest nesting of the header's JSON accepted; a valid header nests
  /// three levels (the tensors object, a tensor, its shape).
  static constexpr size_t kMaxHeaderDepth = 16;
  /// The largest file accepted: a hundred times the largest EfficientNet
  /// checkpoint, and mapped rather than read, but bounded.
  static constexpr uint64_t kMaxFileSize = uint64_t(64) << 30;

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

/// A float32 tensor to write: its name, shape and values (row-major).
struct F32Tensor {
  std::string name;
  std::vector<int64_t> shape;
  llvm::ArrayRef<float> values;
};

/// Writes `tensors` (distinct names) to `path` as a safetensors file that
/// SafetensorsFile and safetensors.torch.load_file read; the data in the
/// order given, `metadata` in the header. Writes a temporary file renamed
/// over `path` at the end, so a failure leaves no half-written file. Errors
/// are one line naming the file.
llvm::Error writeSafetensors(llvm::StringRef path,
                             llvm::ArrayRef<F32Tensor> tensors,
                             const std::map<std::string, std::string> &metadata);

} // namespace effnet
} // namespace mlir

#endif // EFFNET_MODELS_SAFETENSORS_H
