//===- safetensors.cpp - fuzz the safetensors reader ----------------------===//
//
// Any bytes as a safetensors file: opening validates the whole file, and a
// file that opens must hand out every F32 tensor it lists without surprises.
//
//===----------------------------------------------------------------------===//

#include "models/Safetensors.h"
#include "models/WeightNames.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace mlir::effnet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<SafetensorsFile> file = SafetensorsFile::fromBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.safetensors"),
      "fuzz.safetensors");
  if (!file) {
    std::string message = llvm::toString(file.takeError());
    // Every error is one line.
    if (message.find('\n') != std::string::npos)
      abort();
    return 0;
  }
  std::vector<llvm::StringRef> names = file->names();
  for (llvm::StringRef name : names) {
    const SafetensorsTensor *tensor = file->find(name);
    if (!tensor)
      abort(); // names() and find() disagree.
    llvm::Expected<std::vector<float>> values =
        file->getF32(name, tensor->shape);
    if (tensor->dtype == SafetensorsDType::F32) {
      if (!values)
        abort(); // A validated F32 tensor must read at its own shape.
      uint64_t count = 1;
      for (int64_t dim : tensor->shape)
        count *= static_cast<uint64_t>(dim);
      if (values->size() != count)
        abort();
    } else if (values) {
      abort(); // Only F32 is handed out.
    } else {
      llvm::consumeError(values.takeError());
    }
  }
  // The names: their scheme detected, and as a model's canonical names
  // through every scheme's map.
  llvm::Expected<WeightNaming> detected = detectWeightNaming(names);
  if (!detected)
    llvm::consumeError(detected.takeError());
  for (WeightNaming naming : getWeightNamings()) {
    llvm::Expected<WeightNameMap> map = WeightNameMap::create(naming, names);
    if (!map) {
      llvm::consumeError(map.takeError());
      continue;
    }
    for (llvm::StringRef name : names) {
      llvm::Expected<std::string> mapped = map->lookup(name);
      if (!mapped)
        llvm::consumeError(mapped.takeError());
    }
  }
  return 0;
}
