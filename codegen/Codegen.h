//===- Codegen.h - grouped IR to a static library and C header --*- C++ -*-===//
//
// The door of codegen/: one call turns a function of effnet.group ops with
// bound weights into NAME.a and NAME.h. Halide stays behind this door.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_CODEGEN_H
#define EFFNET_CODEGEN_CODEGEN_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir {
namespace effnet {
namespace codegen {

/// The kernel cache's default bound: 2 GiB (B0's portable library's
/// kernels and runtime take 4 MiB).
constexpr uint64_t kDefaultCacheBytes = uint64_t(2) << 30;

/// The kernel cache's default folder: $EFFNET_CACHE_DIR, else
/// $XDG_CACHE_HOME/effnet, else $HOME/.cache/effnet; "" when none is set.
std::string defaultCacheDir();

struct LibraryOptions {
  /// DIR/NAME: writes DIR/NAME.a and DIR/NAME.h; NAME prefixes every symbol.
  std::string output;
  /// "host", a Halide target string, or "portable" (expandTargets).
  std::string target = "host";
  /// Kernels compiled at once; 0 uses every core. At most kMaxJobs, and never
  /// more threads than kernels and Halide's runtime to compile.
  unsigned threads = 0;
  /// Metadata the header reports.
  std::string variant;
  int64_t inChannels = 3;
  int64_t resolution = 0;
  int64_t numClasses = 0;
  /// How NAME_run_rgb8 normalizes 8-bit pixels: `imagenet` (torchvision's
  /// mean and std, the default), `advprop` (to [-1, 1]) or
  /// `MEAN,MEAN,MEAN:STD,STD,STD` on the [0, 1] scale. The 8-bit entries
  /// exist for models of 3 input channels.
  std::optional<std::string> normalize;
  /// NAME_run_image's resize of the shorter side, in pixels (at least the
  /// resolution, at most kMaxResize; 0: the resolution), and whether it
  /// antialiases (ImageTransform in Plan.h).
  int64_t resize = 0;
  bool antialias = false;
  /// Convolutions' and dense layers' weights stored as IEEE half floats
  /// (half the blob; each rounded to 11 significant bits), widened to float
  /// as the kernels read them: the arithmetic stays float.
  bool halfWeights = false;
  /// Per-phase and per-kernel timing on stderr.
  bool verbose = true;
  /// The kernel cache's folder (docs/ARCHITECTURE.md, "The kernel cache"):
  /// compiled kernels and runtimes are taken from it and stored in it, the
  /// least recently used removed past `cacheMaxBytes`. "": no cache. A
  /// folder that cannot be made or written is an error unless
  /// `cacheOptional` (the default folder), when the compile goes on
  /// without it.
  std::string cacheDir;
  uint64_t cacheMaxBytes = kDefaultCacheBytes;
  bool cacheOptional = false;
};

/// The largest --resize: the image entries' resized shorter side.
constexpr int64_t kMaxResize = 1 << 16;

/// Resolves "host" or a Halide target string to Halide's canonical string
/// (host: this machine's features), or fails with a one-line message.
llvm::Expected<std::string> resolveTarget(const std::string &name);

/// The Halide targets `name` stands for, best first, each resolved: one for
/// "host" or a Halide target string; for "portable", the x86-64 levels a
/// library dispatches between at its first call (AVX-512 as Skylake-X has
/// it, AVX2 with FMA, SSE4.1), for this machine's OS. Fails with a one-line
/// message ("bad --target: ...").
llvm::Expected<std::vector<std::string>>
expandTargets(const std::string &name);

/// One library of `effnetc --target A,B,...`: its target ("host",
/// "portable" or a Halide target string) and the tag its name ends in
/// (DIR/NAME_TAG, symbols NAME_TAG_*).
struct TaggedTarget {
  std::string tag;
  std::string target;
};

/// Splits a list of targets, "A,B,..." with each entry TARGET or
/// TAG=TARGET, into the libraries effnetc writes, in order. An entry's tag
/// is its own, else its GPU API (cuda, opencl), else cpu for host and
/// portable, else its architecture and bits (x86_64, arm_64, ...). Fails
/// with a one-line message on an empty entry, a tag that is not lower-case
/// letters, digits and _, or two entries with the same tag. Targets are
/// checked later, by the compile of each.
llvm::Expected<std::vector<TaggedTarget>>
splitTargets(const std::string &list);

/// What effnetc compiles for when no --target is given: "portable" on an
/// x86-64 machine (a library that runs on any x86-64 CPU with SSE4.1),
/// "host" elsewhere.
std::string defaultTarget();

/// This machine's Halide target string, as the kernels are compiled for it:
/// what tools give effnet-tile as `host` (setHostTargetResolver in
/// passes/Passes.h), so that the host is detected once, by Halide.
inline llvm::Expected<std::string> resolveHostTarget() {
  return resolveTarget("host");
}

/// Plans `funcs` as emitLibrary would and prints the plan (the kernels with
/// their keys and schedules, the steps, the arena and the weight blob), for
/// a portable library each path's under a line naming its target.
llvm::Error printPlan(llvm::ArrayRef<mlir::func::FuncOp> funcs,
                      const LibraryOptions &options, llvm::raw_ostream &os);

/// Prints the LLVM IR of the driver emitLibrary would compile for `funcs`
/// (every entry point of the library's header; the weight blobs declared:
/// an object of their own defines them), its symbols named after
/// `options.output`'s NAME.
llvm::Error printDriver(llvm::ArrayRef<mlir::func::FuncOp> funcs,
                        const LibraryOptions &options, llvm::raw_ostream &os);

/// Registers `effnet-print-plan`, which prints every function's plan (the
/// test seam effnet-opt offers lit tests).
void registerPlanPass();

/// Why NAME cannot name a library's symbols, or "" when it can: it must be
/// a C identifier, not a C or C++ keyword, not a name of the C library, not
/// start with '_' or a prefix of Halide's or the runtime's symbols, and make
/// none of those with the suffixes the library adds (NAME_run, NAME_OK, ...).
std::string checkLibraryName(llvm::StringRef name);

/// Checks, before anything is built, that -o DIR/NAME can be written: NAME
/// as checkLibraryName says, and the nearest existing folder of DIR
/// writable.
llvm::Error checkOutputPath(const std::string &output);

/// The most threads that compile kernels at once (`--jobs`): each takes a
/// stack of 64 MiB.
constexpr unsigned kMaxJobs = 256;

/// Checks `--jobs`: 0 (every core) to kMaxJobs.
llvm::Error checkJobs(unsigned jobs);

/// Checks `--normalize` as the library will store it (floats), before
/// anything is built.
llvm::Error checkNormalization(const std::string &text);

/// Compiles `funcs` into a static library and its header: funcs[i] is the
/// model tiled for expandTargets(options.target)[i] (one for a library of
/// one target). Problems in the IR are emitted as MLIR diagnostics and
/// reported as an Error with an empty message; file and compiler problems as
/// Errors with a one-line message.
llvm::Error emitLibrary(llvm::ArrayRef<mlir::func::FuncOp> funcs,
                        const LibraryOptions &options);

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_CODEGEN_H
