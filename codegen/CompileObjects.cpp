//===- CompileObjects.cpp - the kernels and Halide's runtime, in parallel -===//
//
// Each kernel and Halide's runtime is a job; threads take the next job until
// none is left or one has failed. The front ends take turns in kernel order
// (FrontEndOrder, HalideKernels.h). A job whose object the kernel cache holds
// is a copy, and a compiled one is stored there.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelCache.h"
#include "codegen/Library.h"

#include "llvm/Support/thread.h"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

using namespace mlir::effnet::codegen;
using llvm::Error;

Error mlir::effnet::codegen::compileObjects(
    const ModelPlan &plan, const TargetDescription &target,
    const std::vector<std::string> &names,
    const std::vector<std::string> &objects, const std::string &runtimeObject,
    unsigned threads, bool verbose, KernelCache *cache) {
  // Job 0 is the runtime, the longest; kernels follow. Without a runtime to
  // compile, the jobs start at 1.
  size_t jobs = plan.kernels.size() + 1;
  std::atomic<size_t> next{runtimeObject.empty() ? 1u : 0u};
  std::mutex lock;
  std::string firstError;
  FrontEndOrder order;
  auto worker = [&] {
    for (size_t job = next++; job < jobs; job = next++) {
      {
        std::lock_guard<std::mutex> guard(lock);
        if (!firstError.empty()) {
          // Later kernels wait for this one's turn: give it up, and theirs.
          for (; job < jobs; job = next++)
            if (job > 0)
              order.skip(job - 1);
          return;
        }
      }
      Clock::time_point start = Clock::now();
      // Kernel k is job k + 1.
      const std::string &object = job == 0 ? runtimeObject : objects[job - 1];
      std::string key;
      if (cache)
        key = job == 0 ? KernelCache::runtimeKey(target.halide)
                       : KernelCache::kernelKey(plan.kernels[job - 1].key,
                                                names[job - 1], target.halide);
      bool cached = cache && cache->fetch(key, object, /*existing=*/true);
      Error error = Error::success();
      if (cached) {
        if (job > 0)
          order.skip(job - 1);
      } else {
        error = job == 0 ? compileRuntime(target, runtimeObject)
                         : compileKernel(plan.kernels[job - 1], names[job - 1],
                                         target, object, job - 1, order);
        if (!error && cache)
          cache->store(key, object);
      }
      std::string what =
          job == 0 ? "Halide runtime"
                   : fmt::format("kernel {}/{} ({})", job, plan.kernels.size(),
                                 describeKernel(plan.kernels[job - 1]));
      std::lock_guard<std::mutex> guard(lock);
      if (error) {
        std::string message = llvm::toString(std::move(error));
        if (firstError.empty())
          firstError = what + ": " + message;
        return;
      }
      if (verbose)
        fmt::print(stderr, "effnetc:   {} {} {:.2f} s\n", what,
                   cached ? "from the cache in" : "in", secondsSince(start));
    }
  };
  // Every compile runs on a thread of ours with a stack large enough for
  // Halide's lowering, so Halide need not switch stacks.
  useCallerStackForHalide();
  std::vector<llvm::thread> pool;
  for (unsigned i = 0; i < std::max(1u, threads); ++i)
    pool.emplace_back(std::optional<unsigned>(kCompilerStackBytes), worker);
  for (llvm::thread &t : pool)
    t.join();
  if (!firstError.empty())
    return fail(firstError);
  return Error::success();
}
