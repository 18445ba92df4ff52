//===- Library.cpp - kernels, driver, runtime, archive and header ---------===//

#include "codegen/Codegen.h"
#include "codegen/Driver.h"
#include "codegen/HalideKernels.h"
#include "codegen/Plan.h"

#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"

#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace mlir::effnet::codegen;
using llvm::Error;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Error fail(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s",
                                 message.c_str());
}

bool isIdentifier(llvm::StringRef name) {
  if (name.empty() || !(std::isalpha(name[0]) || name[0] == '_'))
    return false;
  return llvm::all_of(name,
                      [](char ch) { return std::isalnum(ch) || ch == '_'; });
}

/// Compiles every kernel and the runtime on `threads` threads.
Error compileObjects(const ModelPlan &plan, const TargetDescription &target,
                     const std::vector<std::string> &names,
                     const std::vector<std::string> &objects,
                     const std::string &runtimeObject, unsigned threads,
                     bool verbose) {
  // Job 0 is the runtime, the longest; kernels follow.
  size_t jobs = plan.kernels.size() + 1;
  std::atomic<size_t> next{0};
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
      std::string error;
      std::string what;
      if (job == 0) {
        error = compileRuntime(target, runtimeObject);
        what = "Halide runtime";
      } else {
        size_t k = job - 1;
        error = compileKernel(plan.kernels[k], names[k], target, objects[k]);
        what = fmt::format("kernel {}/{} ({})", k + 1, plan.kernels.size(),
                           describeKernel(plan.kernels[k]));
      }
      std::lock_guard<std::mutex> guard(lock);
      if (!error.empty()) {
        if (firstError.empty())
          firstError = what + ": " + error;
        return;
      }
      if (verbose)
        fmt::print(stderr, "effnetc:   {} in {:.2f} s\n", what,
                   secondsSince(start));
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

std::string header(const ModelInfo &info, const ModelPlan &plan) {
  std::string guard = "EFFNET_" + llvm::StringRef(info.name).upper() + "_H";
  const std::string &n = info.name;
  std::string text = fmt::format(
      R"(/* {n}.h: EfficientNet {variant} compiled by effnetc for {target}.
 *
 * Input: float32 images in NCHW order, batch x {ch} x {res} x {res},
 * normalized as the weights expect (torchvision's RGB models: mean 0.485
 * 0.456 0.406, std 0.229 0.224 0.225).
 * Output: batch x {classes} float32 logits.
 * Link with {n}.a and -lpthread -ldl -lm. Every function is safe to call
 * from several threads at once: each call has its own workspace. Threads:
 * HL_NUM_THREADS in the environment, or {n}_set_num_threads().
 */
#ifndef {guard}
#define {guard}

#include <stddef.h>

#ifdef __cplusplus
extern "C" {{
#endif

struct halide_buffer_t;

/* Return codes; Halide's own errors are negative. */
enum {{
  {N}_OK = 0,
  {N}_ERROR_NULL_POINTER = {null},
  {N}_ERROR_BAD_BATCH = {batch},
  {N}_ERROR_WORKSPACE = {ws},
  {N}_ERROR_BAD_BUFFER = {buf}
}};

#define {N}_IN_CHANNELS {ch}
#define {N}_RESOLUTION {res}
#define {N}_NUM_CLASSES {classes}
#define {N}_WORKSPACE_BYTES {wsbytes}

/* Classifies `batch` images: input holds batch x {ch} x {res} x {res} floats,
 * output receives batch x {classes}. Allocates its workspace. */
int {n}_run(const float *input, int batch, float *output);

/* Bytes of workspace {n}_run_with_workspace needs for `batch` images
 * (0 when batch < 1). */
size_t {n}_workspace_size(int batch);

/* As {n}_run, in a caller's workspace of at least {n}_workspace_size(batch)
 * bytes; allocates nothing. */
int {n}_run_with_workspace(const float *input, int batch, float *output,
                           void *workspace, size_t workspace_size);

/* Halide-style entry: input a dense float32 buffer of extents
 * [{res}, {res}, {ch}, N] (x, y, c, n), output [{classes}, N]. */
int {n}(struct halide_buffer_t *input, struct halide_buffer_t *output);

const char *{n}_variant(void);
const char *{n}_target(void);
int {n}_in_channels(void);
int {n}_resolution(void);
int {n}_num_classes(void);

/* Sets the threads of the Halide runtime's pool; returns the old count. */
int {n}_set_num_threads(int threads);

#ifdef __cplusplus
}}
#endif

#endif /* {guard} */
)",
      fmt::arg("n", n), fmt::arg("N", llvm::StringRef(n).upper()),
      fmt::arg("guard", guard), fmt::arg("variant", info.variant),
      fmt::arg("target", info.target), fmt::arg("res", info.resolution), fmt::arg("ch", info.inChannels),
      fmt::arg("classes", info.numClasses),
      fmt::arg("null", static_cast<int>(kNullPointer)),
      fmt::arg("batch", static_cast<int>(kBadBatch)),
      fmt::arg("ws", static_cast<int>(kWorkspace)),
      fmt::arg("buf", static_cast<int>(kBadBuffer)),
      fmt::arg("wsbytes", workspaceBytes(plan)));
  return text;
}

Error writeFile(const std::string &path, const std::string &text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return fail(fmt::format("cannot write '{}': {}", path, ec.message()));
  os << text;
  os.close();
  if (os.has_error())
    return fail(fmt::format("cannot write '{}'", path));
  return Error::success();
}

/// Removes the scratch directory whatever happens.
struct ScratchDir {
  llvm::SmallString<128> path;
  ~ScratchDir() {
    if (!path.empty())
      llvm::sys::fs::remove_directories(path);
  }
};

} // namespace

llvm::Expected<std::string>
mlir::effnet::codegen::resolveTarget(const std::string &name) {
  TargetDescription target;
  std::string error = describeTarget(name, target);
  if (!error.empty())
    return fail(fmt::format("bad --target: {}", error));
  return target.halide;
}

Error mlir::effnet::codegen::printPlan(mlir::func::FuncOp func,
                                       llvm::raw_ostream &os) {
  mlir::FailureOr<ModelPlan> plan = planModel(func);
  if (mlir::failed(plan))
    return fail(""); // The diagnostic said it all.
  printPlan(os, *plan);
  return Error::success();
}

Error mlir::effnet::codegen::checkOutputPath(const std::string &output) {
  std::string name = llvm::sys::path::filename(output).str();
  if (!isIdentifier(name))
    return fail(fmt::format("the library name '{}' (from -o {}) must be a C "
                            "identifier: letters, digits and '_'",
                            name, output));
  // The nearest folder that exists must be one we may write into.
  llvm::SmallString<128> dir(output);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  while (!llvm::sys::fs::exists(dir) && llvm::sys::path::has_parent_path(dir))
    llvm::sys::path::remove_filename(dir);
  if (!llvm::sys::fs::exists(dir))
    dir = ".";
  if (!llvm::sys::fs::is_directory(dir))
    return fail(fmt::format("cannot write -o {}: '{}' is not a folder", output,
                            dir.str().str()));
  if (!llvm::sys::fs::can_write(dir))
    return fail(fmt::format("cannot write -o {}: folder '{}' is not writable",
                            output, dir.str().str()));
  return Error::success();
}

/// The kernels' symbols: NAME_k0, NAME_k1, ...
static std::vector<std::string> getKernelNames(const ModelPlan &plan,
                                               const std::string &name) {
  std::vector<std::string> names;
  for (size_t k = 0; k < plan.kernels.size(); ++k)
    names.push_back(fmt::format("{}_k{}", name, k));
  return names;
}

static ModelInfo getModelInfo(const LibraryOptions &options,
                              const std::string &name,
                              const TargetDescription &target) {
  ModelInfo info;
  info.name = name;
  info.variant = options.variant;
  info.target = target.halide;
  info.inChannels = options.inChannels;
  info.resolution = options.resolution;
  info.numClasses = options.numClasses;
  return info;
}

Error mlir::effnet::codegen::printDriver(mlir::func::FuncOp func,
                                         const LibraryOptions &options,
                                         llvm::raw_ostream &os) {
  std::string name = llvm::sys::path::filename(options.output).str();
  if (!isIdentifier(name))
    return fail(fmt::format("the library name '{}' must be a C identifier: "
                            "letters, digits and '_'",
                            name));
  TargetDescription target;
  std::string error = describeTarget(options.target, target);
  if (!error.empty())
    return fail(fmt::format("bad --target: {}", error));
  mlir::FailureOr<ModelPlan> plan = planModel(func);
  if (mlir::failed(plan))
    return fail(""); // The diagnostic said it all.
  return printDriver(*plan, getModelInfo(options, name, target),
                     getKernelNames(*plan, name), target.triple, os);
}

Error mlir::effnet::codegen::emitLibrary(mlir::func::FuncOp func,
                                         const LibraryOptions &options) {
  Clock::time_point start = Clock::now();
  if (Error err = checkOutputPath(options.output))
    return err;
  std::string name = llvm::sys::path::filename(options.output).str();
  llvm::SmallString<128> dir(options.output);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return fail(
        fmt::format("cannot create '{}': {}", dir.str().str(), ec.message()));

  TargetDescription target;
  std::string error = describeTarget(options.target, target);
  if (!error.empty())
    return fail(fmt::format("bad --target: {}", error));

  mlir::FailureOr<ModelPlan> plan = planModel(func);
  if (mlir::failed(plan))
    return fail(""); // The diagnostic said it all.
  if (options.verbose)
    fmt::print(stderr,
               "effnetc: {} steps, {} distinct kernels, arena {:.1f} MiB, "
               "weights {:.1f} MiB, target {}\n",
               plan->steps.size(), plan->kernels.size(),
               plan->arenaFloats * 4 / 1048576.0,
               plan->weights.size() * 4 / 1048576.0, target.halide);

  ScratchDir scratch;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("effnetc", scratch.path))
    return fail(
        fmt::format("cannot create a scratch directory: {}", ec.message()));
  auto scratchFile = [&](const std::string &file) {
    llvm::SmallString<128> path(scratch.path);
    llvm::sys::path::append(path, file);
    return path.str().str();
  };

  std::vector<std::string> kernelNames = getKernelNames(*plan, name);
  std::vector<std::string> kernelObjects;
  for (const std::string &kernel : kernelNames)
    kernelObjects.push_back(scratchFile(kernel + ".o"));
  std::string runtimeObject = scratchFile(name + "_runtime.o");
  std::string driverObject = scratchFile(name + "_driver.o");

  unsigned threads = options.threads
                         ? options.threads
                         : std::max(1u, std::thread::hardware_concurrency());
  Clock::time_point compileStart = Clock::now();
  if (Error err = compileObjects(*plan, target, kernelNames, kernelObjects,
                                 runtimeObject, threads, options.verbose))
    return err;
  if (options.verbose)
    fmt::print(stderr,
               "effnetc: kernels and runtime compiled in {:.2f} s on "
               "{} threads\n",
               secondsSince(compileStart), threads);

  Clock::time_point linkStart = Clock::now();
  ModelInfo info = getModelInfo(options, name, target);
  if (Error err = emitDriverObject(*plan, info, kernelNames, target.triple,
                                   driverObject))
    return err;

  std::vector<llvm::NewArchiveMember> members;
  std::vector<std::string> objects = kernelObjects;
  objects.push_back(driverObject);
  objects.push_back(runtimeObject);
  for (const std::string &object : objects) {
    llvm::Expected<llvm::NewArchiveMember> member =
        llvm::NewArchiveMember::getFile(object, /*Deterministic=*/true);
    if (!member)
      return member.takeError();
    // Members are named by file alone, not by the scratch directory.
    member->MemberName = llvm::sys::path::filename(object);
    members.push_back(std::move(*member));
  }
  std::string archive = options.output + ".a";
  // Apple's linker reads BSD-style archives with its own symbol table.
  llvm::object::Archive::Kind kind =
      llvm::StringRef(target.triple).contains("apple")
          ? llvm::object::Archive::K_DARWIN
          : llvm::object::Archive::K_GNU;
  if (Error err = llvm::writeArchive(
          archive, members, llvm::SymtabWritingMode::NormalSymtab, kind,
          /*Deterministic=*/true, /*Thin=*/false))
    return err;
  if (Error err = writeFile(options.output + ".h", header(info, *plan)))
    return err;
  if (options.verbose)
    fmt::print(stderr,
               "effnetc: driver, weights and archive in {:.2f} s; "
               "wrote {} and {}.h ({:.2f} s in all)\n",
               secondsSince(linkStart), archive, options.output,
               secondsSince(start));
  return Error::success();
}
