//===- Files.h - reading input files with bounds ----------------*- C++ -*-===//
//
// The one way the tools and passes read a file they are given: weights,
// .mlir models, schedule files. Only what can be read whole is read: a
// regular file (not /dev/zero, a FIFO or a directory) no larger than a limit
// the caller states, or standard input up to that limit.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_MODELS_FILES_H
#define EFFNET_MODELS_FILES_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <string>

namespace mlir {
namespace effnet {

/// Reads `path` ("-": standard input) whole, refusing anything that is not a
/// regular file and anything larger than `maxBytes`. `what` names the file in
/// errors ("weights file", "schedule file"); every error is one line naming
/// `path`. Large regular files are mapped, not copied.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readInputFile(llvm::StringRef path, uint64_t maxBytes, llvm::StringRef what,
              bool requiresNullTerminator = true);

/// MLIR's parser recurses once per nested bracket, so text nesting deeper
/// than its stack allows crashes it (found by test/fuzz/mlir.cpp: 20,000
/// opening parentheses). The deepest nesting a file of ours may have: real
/// IR nests a dozen levels.
constexpr unsigned kMaxTextNesting = 256;

/// Refuses MLIR text whose brackets ( [ { < nest deeper than `maxDepth`,
/// counted without recursion outside strings and comments (`->` is not a
/// bracket). `what` and `path` name the text in the one-line error.
llvm::Error checkTextNesting(llvm::StringRef text, llvm::StringRef what,
                             llvm::StringRef path,
                             unsigned maxDepth = kMaxTextNesting);

/// `'name'`, with anything unprintable escaped, so that a message stays on one
/// line whatever a file calls its tensors or its groups.
std::string quoteForMessage(llvm::StringRef name);

/// "1.5 GiB", "640 KiB", "12 bytes": a size for messages.
std::string formatBytes(uint64_t bytes);

/// Parses a size such as "8G", "512M", "64k" or "1000000" (bytes; suffixes
/// k, M, G, T, P, E are powers of 1024, with or without a trailing "B" or
/// "iB"). Fails on anything else, on zero and on sizes past 2^62 bytes (4
/// EiB, "4E").
llvm::Expected<uint64_t> parseBytes(llvm::StringRef text);

} // namespace effnet
} // namespace mlir

#endif // EFFNET_MODELS_FILES_H
