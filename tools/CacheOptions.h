//===- CacheOptions.h - the kernel cache's options, for each tool -*- C++ -*-===//
//
// effnetc and effnet-tune take the same three options for the kernel cache
// (codegen/KernelCache.h): --cache-dir, --cache-size and --no-cache.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_TOOLS_CACHEOPTIONS_H
#define EFFNET_TOOLS_CACHEOPTIONS_H

#include "codegen/Codegen.h"
#include "models/Files.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir {
namespace effnet {

/// What the options chose: no cache (an empty folder), or a folder, its
/// bound, and whether it was named (an unusable folder is then an error)
/// or is the default (the tool goes on without it).
struct CacheChoice {
  std::string dir;
  uint64_t maxBytes = codegen::kDefaultCacheBytes;
  bool named = false;
};

class CacheOptions {
public:
  /// Registers the options in `category`; `uncached` says what --no-cache
  /// compiles.
  CacheOptions(llvm::cl::OptionCategory &category, const char *uncached)
      : dir("cache-dir",
            llvm::cl::desc("the kernel cache: compiled kernels are kept "
                           "here and reused by later compiles of the same "
                           "kernel, schedule and target (default: "
                           "$EFFNET_CACHE_DIR, else $XDG_CACHE_HOME/effnet, "
                           "else ~/.cache/effnet)"),
            llvm::cl::value_desc("dir"), llvm::cl::cat(category)),
        size("cache-size",
             llvm::cl::desc("the kernel cache's bound: past it, the least "
                            "recently used kernels are removed (default "
                            "2G)"),
             llvm::cl::value_desc("size"), llvm::cl::init("2G"),
             llvm::cl::cat(category)),
        off("no-cache", llvm::cl::desc(uncached), llvm::cl::cat(category)) {}

  /// The choice, or a one-line message.
  llvm::Expected<CacheChoice> resolve() const {
    if (off && dir.getNumOccurrences())
      return llvm::createStringError(
          "--no-cache and --cache-dir: give one of them");
    llvm::Expected<uint64_t> bound = parseBytes(size);
    if (!bound)
      return llvm::createStringError("--cache-size " +
                                     llvm::toString(bound.takeError()));
    CacheChoice choice;
    choice.maxBytes = *bound;
    if (off)
      return choice;
    choice.named = dir.getNumOccurrences() > 0;
    choice.dir = choice.named ? dir.getValue() : codegen::defaultCacheDir();
    if (choice.named && choice.dir.empty())
      return llvm::createStringError("--cache-dir: expected a folder");
    return choice;
  }

private:
  llvm::cl::opt<std::string> dir, size;
  llvm::cl::opt<bool> off;
};

} // namespace effnet
} // namespace mlir

#endif // EFFNET_TOOLS_CACHEOPTIONS_H
