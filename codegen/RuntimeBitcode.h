//===- RuntimeBitcode.h - the runtime, embedded -----------------*- C++ -*-===//
//
// The runtime of runtime/Runtime.h as LLVM 19 bitcode, compiled at effnetc's
// build for each triple effnetc emits for (codegen/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_RUNTIMEBITCODE_H
#define EFFNET_CODEGEN_RUNTIMEBITCODE_H

#include "llvm/ADT/StringRef.h"

namespace mlir {
namespace effnet {
namespace codegen {

/// The runtime's bitcode for `triple`, or an empty string when effnetc was
/// built without one for it.
llvm::StringRef getRuntimeBitcode(llvm::StringRef triple);

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_RUNTIMEBITCODE_H
