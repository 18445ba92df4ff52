//===- Library.h - the steps of building a library --------------*- C++ -*-===//
//
// Internal to codegen/ (its door is Codegen.h). Library.cpp builds NAME.a and
// NAME.h from these steps, each in a file of its own: the option checks
// (Options.cpp), the kernels' and runtime's compiles (CompileObjects.cpp),
// the scratch files they are compiled into (ScratchFiles.cpp), the archive
// (Archive.cpp) and the C header (Header.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_LIBRARY_H
#define EFFNET_CODEGEN_LIBRARY_H

#include "codegen/Driver.h"
#include "codegen/HalideKernels.h"
#include "codegen/Plan.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <chrono>
#include <string>
#include <vector>

namespace mlir {
namespace effnet {
namespace codegen {

/// An error with `message` as its text (a message, not a format).
inline llvm::Error fail(const std::string &message) {
  return llvm::createStringError(message);
}

/// The clock of the timings on stderr (LibraryOptions::verbose).
using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// `--target`'s value resolved, or "bad --target: ..." (Options.cpp).
llvm::Expected<TargetDescription> parseTarget(const std::string &name);

/// `--normalize`'s value: `imagenet`, `advprop` or
/// `MEAN,MEAN,MEAN:STD,STD,STD` (Options.cpp).
llvm::Expected<PixelNormalization> parseNormalization(llvm::StringRef text);

class KernelCache;

/// Compiles every kernel of `plan` (kernel k, named names[k], to objects[k])
/// and Halide's runtime (to `runtimeObject`, unless empty) on `threads`
/// threads, taking from `cache` (unless null) what it holds and storing
/// there what was compiled; per compile timing on stderr when `verbose`
/// (CompileObjects.cpp).
llvm::Error compileObjects(const ModelPlan &plan,
                           const TargetDescription &target,
                           const std::vector<std::string> &names,
                           const std::vector<std::string> &objects,
                           const std::string &runtimeObject, unsigned threads,
                           bool verbose, KernelCache *cache);

/// The objects a library is archived from, while they are compiled: files
/// `effnetc-XXXXXXXX-FILE` in the temporary folder, each removed by the
/// destructor on every return and, from before it exists, by LLVM's signal
/// handlers (RemoveFileOnSignal) when the process is interrupted (Ctrl-C,
/// SIGTERM), crashes or ends in report_fatal_error. A scratch folder was
/// left behind by an interrupted compile: a destructor does not run then,
/// and LLVM removes registered files, never folders (ScratchFiles.cpp).
class ScratchFiles {
public:
  ScratchFiles() = default;
  ScratchFiles(const ScratchFiles &) = delete;
  ScratchFiles &operator=(const ScratchFiles &) = delete;
  ~ScratchFiles();

  /// A new empty file for `name` (a file name), or a message.
  llvm::Expected<std::string> create(const std::string &name);

private:
  std::vector<std::string> paths;
};

/// Writes the archive `path` of `objects`, member i named memberNames[i]
/// whatever the file's name, in the format of `triple`'s linker
/// (Archive.cpp).
llvm::Error archiveObjects(const std::vector<std::string> &objects,
                           const std::vector<std::string> &memberNames,
                           const std::string &triple, const std::string &path);

/// Writes pkg-config's description of the library to `path` (NAME.pc
/// beside NAME.a and NAME.h, which it finds through ${pcfiledir}, so the
/// folder can move): its -I, the archive and the system libraries.
llvm::Error writePkgConfig(const std::string &path, const ModelInfo &info);

/// Writes the library's C header to `path` (Header.cpp): `plan` is any
/// path's (they agree on what the header says of them), `workspaceBytes`
/// the least workspace of a call on any path.
llvm::Error writeHeader(const std::string &path, const ModelInfo &info,
                        const ModelPlan &plan, int64_t workspaceBytes);

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_LIBRARY_H
