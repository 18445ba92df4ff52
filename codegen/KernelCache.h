//===- KernelCache.h - compiled objects kept between runs -------*- C++ -*-===//
//
// effnetc and effnet-tune keep each kernel's object file, and Halide's
// runtime's, in a folder, under a hash of everything its bytes depend on:
// the kernel's key (what it computes and its schedule: KernelSpec::key), its
// symbol, the target, and the compiler (this executable's bytes, Halide's
// library, the versions). A later compile that needs the same object copies
// it instead of compiling it. Since each object is compiled in a process of
// its own (Child.h), its bytes depend on nothing else, and a library built
// from the cache is byte-identical to one compiled afresh
// (test/e2e/kernel-cache.test).
//
// Several processes may share the folder: an entry is written to a file of
// its own and renamed into place, so a reader sees a whole entry or none;
// each entry ends with the hash of its bytes, so a damaged or truncated one
// is a miss (and is replaced). The folder is bounded: after a compile stores
// entries, the least recently used go until the rest fit the bound. A cache
// that cannot be read or written is a warning, never a failed compile.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_KERNELCACHE_H
#define EFFNET_CODEGEN_KERNELCACHE_H

#include "llvm/ADT/StringRef.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace mlir {
namespace effnet {
namespace codegen {

/// The bound of a cache's folder when none is given: 1 GiB (B0's kernels
/// and runtime take about 0.6 MB per target).
constexpr uint64_t kDefaultCacheBytes = uint64_t(1) << 30;

/// Where the cache lives when none is given: $XDG_CACHE_HOME/effnet, else
/// $HOME/.cache/effnet; "" (no cache) when neither variable is set.
std::string defaultCacheDir();

class KernelCache {
public:
  /// A cache in `dir`, created when first stored to; "" is no cache (every
  /// lookup misses, nothing is stored).
  explicit KernelCache(std::string dir = "",
                       uint64_t maxBytes = kDefaultCacheBytes);

  bool enabled() const { return !dir.empty(); }
  const std::string &folder() const { return dir; }

  /// The entry of an object determined by `what` (the kernel's key, symbol
  /// and target, or the runtime's target) and by this compiler.
  std::string keyOf(llvm::StringRef what) const;

  /// Copies entry `key` to `objectPath`; false (a miss) when there is none,
  /// or it is damaged, or it cannot be copied.
  bool fetch(const std::string &key, const std::string &objectPath);

  /// Keeps `objectPath` as entry `key`. A failure is kept as a warning
  /// (firstWarning), once, and the cache is used no further.
  void store(const std::string &key, const std::string &objectPath);

  /// Removes the least recently used entries (and leftovers of writers that
  /// died) until the entries fit the bound.
  void trim();

  unsigned hits() const { return hitCount; }
  unsigned misses() const { return missCount; }
  /// Why the cache was not used, or "".
  std::string warning();

private:
  void disable(const std::string &why);

  std::string dir;
  uint64_t maxBytes;
  std::atomic<unsigned> hitCount{0}, missCount{0}, stored{0};
  std::atomic<bool> broken{false};
  std::mutex lock;
  std::string firstWarning;
};

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_KERNELCACHE_H
