//===- KernelCache.h - compiled kernels kept on disk ------------*- C++ -*-===//
//
// Internal to codegen/ and the tuner. A kernel's object is a function of its
// spec's key (its group's kernel key and schedule), its function's name, its
// target and the code that compiles it (HalideNames.h makes it independent
// of what the process compiled before), so an object compiled once serves
// every later compile of the same kernel: a model recompiled with other
// weights, another class count or another schedule file compiles only what
// changed, and the tuner never compiles a candidate twice.
//
// An entry is one file, DIR/objects/KEY.o: the object's bytes, then their
// SHA-256 and a tag. Entries are written to a temporary name and renamed,
// so compilers sharing a folder see whole entries or none; a damaged entry
// (bytes that do not match their digest) is a miss, compiled and replaced.
// Every hit refreshes the entry's time; trim() removes the least recently
// used entries past the cache's bound.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_KERNELCACHE_H
#define EFFNET_CODEGEN_KERNELCACHE_H

#include "codegen/Codegen.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include "llvm/ADT/ArrayRef.h"

#include <atomic>
#include <cstdint>
#include <string>

namespace mlir {
namespace effnet {
namespace codegen {

class KernelCache {
public:
  /// Opens (creating it if need be) the cache in `dir`, bounded to
  /// `maxBytes`, or fails with a one-line message.
  static llvm::Expected<KernelCache> open(const std::string &dir,
                                          uint64_t maxBytes);

  KernelCache(KernelCache &&other)
      : dir(std::move(other.dir)), maxBytes(other.maxBytes),
        hitCount(other.hitCount.load()), storeCount(other.storeCount.load()) {}

  /// The key of an object made from `parts` by this build of the compiler
  /// and the Halide library it runs with: a hex SHA-256.
  static std::string key(llvm::ArrayRef<llvm::StringRef> parts);

  /// The key of kernel `spec` compiled as `function` for `target`
  /// (TargetDescription::halide), and of Halide's runtime for it.
  static std::string kernelKey(const std::string &specKey,
                               const std::string &function,
                               const std::string &target) {
    return key({"kernel", specKey, function, target});
  }
  static std::string runtimeKey(const std::string &target) {
    return key({"runtime", target});
  }

  /// Writes the object stored under `key` to `path`: true on a hit, false on
  /// a miss or a damaged entry. With `existing`, `path` is a scratch file
  /// made before (ScratchFiles) and is only written if it is still there: a
  /// signal's handler that removed it must not see it made again by another
  /// thread. Safe from several threads.
  bool fetch(const std::string &key, const std::string &path,
             bool existing = false);

  /// Stores the object in `path` under `key`. A cache that cannot be written
  /// only costs the next compile its object: nothing fails. Safe from
  /// several threads.
  void store(const std::string &key, const std::string &path);

  /// Removes the least recently used entries (and temporary files over an
  /// hour old, left by killed compilers) until the folder's entries take at
  /// most the bound.
  void trim();

  const std::string &folder() const { return dir; }
  unsigned hits() const { return hitCount; }
  unsigned stores() const { return storeCount; }

private:
  KernelCache(std::string dir, uint64_t maxBytes)
      : dir(std::move(dir)), maxBytes(maxBytes) {}
  std::string entryPath(const std::string &key) const;

  std::string dir;
  uint64_t maxBytes;
  std::atomic<unsigned> hitCount{0}, storeCount{0};
};

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_KERNELCACHE_H
