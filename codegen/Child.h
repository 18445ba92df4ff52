//===- Child.h - work done in a child process -------------------*- C++ -*-===//
//
// Each kernel is compiled in a child process of its own (CompileObjects.cpp;
// the tuner's candidates too). Halide names the functions of a pipeline with
// process-wide counters ("output$30" for the 31st pipeline of a process), and
// the names reach the objects' symbols; a child starts from its parent's
// counters, which compile nothing, so a kernel's object is the same whatever
// was compiled before it: in this run, in another order, or in another run
// whose object the kernel cache (KernelCache.h) kept. A crash or a hang of
// the compiler in a child is a message, not the end of the caller.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_CHILD_H
#define EFFNET_CODEGEN_CHILD_H

#include <functional>
#include <string>

namespace mlir {
namespace effnet {
namespace codegen {

/// Runs `body` in a child process (fork) and waits for it, at most
/// `limitSeconds` (0: no limit; past it the child is killed). Returns what
/// `body` returned (its message; "" for success), or why the child did not
/// return it ("died of signal 11", "took more than 300 s"). Safe to call
/// from several threads at once; the child is killed if the caller dies.
std::string runInChild(const std::function<std::string()> &body,
                       unsigned limitSeconds = 0);

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_CHILD_H
