//===- Pool.h - the generated library's pool for kernels' loops -*- C++ -*-===//
//
// A thread pool of the generated library's own, emitted as LLVM 19 IR into
// the driver's module, for the parallel loops of the kernels of one image:
//
//   int effnet_pool_par_for(void *user_context, halide_task_t task, int min,
//                           int extent, uint8_t *closure, int threads);
//
// runs task(user_context, i, closure) for i in [min, min + extent) on
// `threads` threads: the caller and workers the pool starts on first use.
// The loop is cut into one contiguous part per thread and thread k starts
// on part k, so consecutive kernels, which split their rows alike, find the
// rows they read in the cache of the thread that wrote them; a thread that
// ends its part takes what is left of the others' (a counter per part), so
// a thread the system stalls does not stall the loop. Between loops the
// workers spin for about a millisecond before they sleep (a futex), so the
// many short loops of one image do not each pay a wake-up.
//
// Why not Halide's pool: its workers sleep after a few dozen yields and take
// tasks in order from one counter, so neighbouring rows land on different
// threads. Measured on B0, one image, 2 threads of a 2-core AMD EPYC
// (2026-11-30): 6.7 ms on Halide's pool, 5.2 ms on this one.
//
// Every symbol is linkonce: the effnet libraries of an app share one pool.
// One loop runs on it at a time; a loop that finds it busy (another app
// thread's call, or a loop inside a task) goes to Halide's pool instead.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_POOL_H
#define EFFNET_CODEGEN_POOL_H

#include "llvm/IR/IRBuilder.h"

namespace mlir {
namespace effnet {
namespace codegen {

/// Adds the pool to `module` (its triple and data layout set) and returns
/// effnet_pool_par_for, or null where the target's OS has no futex (then
/// kernels' loops go to Halide's pool). `halidePool` is the module's
/// declaration of halide_default_do_par_for, where a loop goes when it finds
/// the pool busy.
llvm::Function *emitPool(llvm::Module &module, llvm::Function *halidePool);

/// The next index of a work counter (an i32 that threads share): an atomic
/// add of 1 returning the old value. The pool's parts and the driver's image
/// workers take their work this way.
llvm::Value *emitTakeNext(llvm::IRBuilder<> &builder, llvm::Value *counter);

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_POOL_H
