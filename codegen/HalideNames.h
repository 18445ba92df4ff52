//===- HalideNames.h - Halide's unique names, counted per kernel -*- C++ -*-===//
//
// A kernel's object must be the same bytes whatever the process compiled
// before it (the kernel cache relies on it): HalideNames.cpp counts Halide's
// unique names per thread and starts them afresh for every kernel.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_HALIDENAMES_H
#define EFFNET_CODEGEN_HALIDENAMES_H

namespace mlir {
namespace effnet {
namespace codegen {

/// Starts the calling thread's name counters from zero: the names of the
/// compile that follows on this thread are those a fresh process gives.
void startKernelNames();

/// Whether Halide's own calls to unique_name reach HalideNames.cpp's
/// counters (they do unless the executable failed to export them).
bool haveKernelNames();

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_HALIDENAMES_H
