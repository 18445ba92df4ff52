//===- RuntimeBitcode.cpp - the generated libraries' runtime, embedded ----===//

#include "codegen/RuntimeBitcode.h"

#include <utility>

llvm::StringRef
mlir::effnet::codegen::getRuntimeBitcode(llvm::StringRef triple) {
  static const std::pair<const char *, llvm::StringRef> kBitcode[] = {
#include "RuntimeBitcode.inc"
  };
  for (const auto &[name, bitcode] : kBitcode)
    if (triple == name)
      return bitcode;
  return {};
}
