//===- CompileObjects.cpp - the kernels and Halide's runtime, in parallel -===//
//
// Each kernel and Halide's runtime is a job; threads take the next job until
// none is left or one has failed. A job is first looked up in the kernel
// cache (KernelCache.h); a miss is compiled in a child process of its own
// (Child.h), so its object is the same whatever was compiled before it or
// beside it, and then stored in the cache.
//
//===----------------------------------------------------------------------===//

#include "codegen/Child.h"
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
    unsigned threads, KernelCache &cache, bool verbose) {
  // Job 0 is the runtime, the longest; kernels follow. Without a runtime to
  // compile, the jobs start at 1.
  size_t jobs = plan.kernels.size() + 1;
  std::atomic<size_t> next{runtimeObject.empty() ? 1u : 0u};
  std::mutex lock;
  std::string firstError;
  auto worker = [&] {
    for (size_t job = next++; job < jobs; job = next++) {
      {
        std::lock_guard<std::mutex> guard(lock);
        if (!firstError.empty())
          return;
      }
      Clock::time_point start = Clock::now();
      // Kernel k is job k + 1.
      const std::string &object =
          job == 0 ? runtimeObject : objects[job - 1];
      std::string key =
          job == 0
              ? cache.keyOf("runtime " + target.halide)
              : cache.keyOf(fmt::format("kernel {}\nsymbol {}\ntarget {}",
                                        plan.kernels[job - 1].key,
                                        names[job - 1], target.halide));
      bool hit = cache.fetch(key, object);
      std::string message;
      if (!hit) {
        message = runInChild([&] {
          Error error =
              job == 0 ? compileRuntime(target, object)
                       : compileKernel(plan.kernels[job - 1], names[job - 1],
                                       target, object);
          return llvm::toString(std::move(error));
        });
        if (message.empty())
          cache.store(key, object);
      }
      std::string what =
          job == 0 ? "Halide runtime"
                   : fmt::format("kernel {}/{} ({})", job, plan.kernels.size(),
                                 describeKernel(plan.kernels[job - 1]));
      std::lock_guard<std::mutex> guard(lock);
      if (!message.empty()) {
        if (firstError.empty())
          firstError = what + ": " + message;
        return;
      }
      if (verbose)
        fmt::print(stderr, "effnetc:   {} {}\n", what,
                   hit ? std::string("from the cache")
                       : fmt::format("in {:.2f} s", secondsSince(start)));
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
