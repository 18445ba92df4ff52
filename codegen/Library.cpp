//===- Library.cpp - kernels, driver, runtime, archive and header ---------===//

#include "codegen/Codegen.h"
#include "codegen/Driver.h"
#include "codegen/HalideKernels.h"
#include "codegen/Plan.h"

#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
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
      std::string error;
      std::string what;
      if (job == 0) {
        error = compileRuntime(target, runtimeObject);
        what = "Halide runtime";
      } else {
        size_t k = job - 1;
        error = compileKernel(plan.kernels[k], names[k], target, objects[k], k,
                              order);
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

/// What the header says of each output: its shape per image and macros.
struct OutputDoc {
  std::string shape;  // "1000" or "16 x 112 x 112"
  std::string macros; // #define NAME_OUTPUT_... lines
};

static OutputDoc describeOutput(const std::string &prefix,
                                const ModelOutput &output,
                                const TensorShape &shape) {
  OutputDoc doc;
  std::string upper = llvm::StringRef(output.name).upper();
  std::string macro = prefix + "_" + upper;
  if (output.flat) {
    doc.shape = std::to_string(shape.channels);
    doc.macros = fmt::format("#define {}_FLOATS {}\n", macro, shape.channels);
    return doc;
  }
  doc.shape =
      fmt::format("{} x {} x {}", shape.channels, shape.height, shape.width);
  doc.macros = fmt::format("#define {0}_CHANNELS {1}\n#define {0}_HEIGHT {2}\n"
                           "#define {0}_WIDTH {3}\n#define {0}_FLOATS {4}\n",
                           macro, shape.channels, shape.height, shape.width,
                           shape.elements());
  return doc;
}

/// The 8-bit entries' part of the header, when the library has them.
static std::string pixelEntries(const ModelInfo &info, const ModelPlan &plan) {
  if (plan.pixelKernels.empty())
    return "";
  auto list = [](const std::vector<float> &values) {
    std::string text;
    for (float value : values)
      text += fmt::format("{}{:g}", text.empty() ? "" : " ", value);
    return text;
  };
  return fmt::format(
      R"(/* 8-bit RGB images, as image decoders give them: `batch` images of
 * {res} x {res} pixels, each pixel 3 bytes (R, G, B), each row `row_stride`
 * bytes apart (at least {row}), the images back to back ({res} x row_stride
 * bytes each). Each pixel is normalized as it is read, per channel
 * (p / 255 - mean) / std with mean {mean} and std {std}, inside the first
 * convolution: no pass over the image of its own. Otherwise as {n}_run,
 * {n}_run_outputs and their _with_workspace forms (the same workspace
 * size); a row_stride below {row} (or above 2^31 / {res}) is
 * {N}_ERROR_BAD_BUFFER. */
int {n}_run_rgb8(const unsigned char *pixels, int batch, size_t row_stride,
               float *output);
int {n}_run_rgb8_outputs(const unsigned char *pixels, int batch,
                       size_t row_stride, float *const *outputs);
int {n}_run_rgb8_with_workspace(const unsigned char *pixels, int batch,
                              size_t row_stride, float *output,
                              void *workspace, size_t workspace_size);
int {n}_run_rgb8_outputs_with_workspace(const unsigned char *pixels,
                                      int batch, size_t row_stride,
                                      float *const *outputs, void *workspace,
                                      size_t workspace_size);

)",
      fmt::arg("n", info.name),
      fmt::arg("N", llvm::StringRef(info.name).upper()),
      fmt::arg("res", info.resolution), fmt::arg("row", 3 * info.resolution),
      fmt::arg("mean", list(plan.normalization.mean)),
      fmt::arg("std", list(plan.normalization.std)));
}

std::string header(const ModelInfo &info, const ModelPlan &plan) {
  std::string guard = "EFFNET_" + llvm::StringRef(info.name).upper() + "_H";
  const std::string &n = info.name;
  std::string prefix = llvm::StringRef(n).upper();
  // The outputs: a line each in the comment, their macros, and the
  // Halide-style entry's parameters.
  std::string outputLines, outputMacros, bufferParams, bufferExtents;
  for (auto [index, output] : llvm::enumerate(plan.outputs)) {
    const TensorShape &shape = plan.tensors[output.tensor].shape;
    OutputDoc doc = describeOutput(prefix, output, shape);
    outputLines +=
        fmt::format(" *   {}: {}, batch x {} floats{}\n", index, output.name,
                    doc.shape, output.flat ? "" : " (NCHW)");
    outputMacros += fmt::format("#define {}_{}_INDEX {}\n", prefix,
                                llvm::StringRef(output.name).upper(), index) +
                    doc.macros;
    bufferParams +=
        fmt::format(",\n    struct halide_buffer_t *{}", output.name);
    bufferExtents +=
        output.flat ? fmt::format(", {} [{}, N]", output.name, shape.channels)
                    : fmt::format(", {} [{}, {}, {}, N]", output.name,
                                  shape.width, shape.height, shape.channels);
  }
  const ModelOutput &first = plan.outputs.front();
  std::string text = fmt::format(
      R"(/* {n}.h: EfficientNet {variant} compiled by effnetc for {target}.
 *
 * Input: float32 images in NCHW order, batch x {ch} x {res} x {res},
 * normalized as the weights expect (torchvision's RGB models: mean 0.485
 * 0.456 0.406, std 0.229 0.224 0.225).
 * Outputs, in this order (float32; the outputs array of {n}_run_outputs):
{outputs} *
 * Link with {n}.a and -lpthread -ldl -lm. Every function is safe to call
 * from several threads at once: each call has its own workspace. Threads:
 * HL_NUM_THREADS in the environment, or {n}_set_num_threads(). A batch
 * runs as many images at once as there are threads (each image's kernels
 * in one thread, the images left over with every thread on each kernel);
 * a single image spreads each kernel over the threads. An image's results
 * are the same bits either way.
 */
#ifndef {guard}
#define {guard}

#include <stddef.h>

#ifdef __cplusplus
extern "C" {{
#endif

struct halide_buffer_t;

/* Return codes; Halide's own errors are negative. {N}_ERROR_OVERLAP: an
 * output shares bytes with the input or another output, or the workspace
 * with any of them (the bytes a call reads and writes: batch images of
 * each). */
enum {{
  {N}_OK = 0,
  {N}_ERROR_NULL_POINTER = {null},
  {N}_ERROR_BAD_BATCH = {batch},
  {N}_ERROR_WORKSPACE = {ws},
  {N}_ERROR_BAD_BUFFER = {buf},
  {N}_ERROR_OVERLAP = {overlap}
}};

#define {N}_IN_CHANNELS {ch}
#define {N}_RESOLUTION {res}
#define {N}_NUM_CLASSES {classes}
#define {N}_WORKSPACE_BYTES {wsbytes}
#define {N}_NUM_OUTPUTS {count}
/* Per output: its index, and per image its floats (and C, H, W). */
{macros}
/* Runs `batch` images: input holds batch x {ch} x {res} x {res} floats;
 * output receives the first output, {firstname} (batch x {firstshape}).
 * Allocates its workspace. */
int {n}_run(const float *input, int batch, float *output);

/* Runs `batch` images and fills outputs[i] with output i (above), batch
 * images back to back. Allocates its workspace. */
int {n}_run_outputs(const float *input, int batch, float *const *outputs);

/* Bytes of workspace the _with_workspace functions need to run `batch`
 * images as fast as the current thread count allows: {n}_WORKSPACE_BYTES
 * for one image, plus an arena per further image that can run at once (at
 * most the threads); 0 when batch < 1. */
size_t {n}_workspace_size(int batch);

/* As {n}_run and {n}_run_outputs, in a caller's workspace; they allocate
 * nothing. Any size from {n}_WORKSPACE_BYTES up works: a smaller workspace
 * than {n}_workspace_size(batch) runs fewer images at once. */
int {n}_run_with_workspace(const float *input, int batch, float *output,
                           void *workspace, size_t workspace_size);
int {n}_run_outputs_with_workspace(const float *input, int batch,
                                   float *const *outputs, void *workspace,
                                   size_t workspace_size);

{pixels}/* Halide-style entry: dense float32 buffers with the batch outermost: input
 * [{res}, {res}, {ch}, N] (x, y, c, n){extents}. */
int {n}(struct halide_buffer_t *input{params});

const char *{n}_variant(void);
const char *{n}_target(void);
int {n}_in_channels(void);
int {n}_resolution(void);
int {n}_num_classes(void);

/* Output `index` (0 .. {N}_NUM_OUTPUTS - 1): its name ("logits", "features",
 * "reduction_K"), or NULL past the last; and its shape per image, C, H, W
 * (logits: classes, 1, 1), stored in shape[0..2]: returns {N}_OK, or
 * {N}_ERROR_BAD_BUFFER past the last output. */
const char *{n}_output_name(int index);
int {n}_output_shape(int index, int shape[3]);

/* Sets the threads a call uses (0: HL_NUM_THREADS, else every CPU), at
 * most {maxthreads}: a batch's images at once on the Halide runtime's pool, a
 * lone image's kernels on the library's own pool, whose workers spin about
 * a millisecond after each loop, then sleep. Returns the old count (the
 * count last set, or the default in use), or -1 (and changes nothing) when
 * threads < 0 or threads > {maxthreads}. */
int {n}_set_num_threads(int threads);

#ifdef __cplusplus
}}
#endif

#endif /* {guard} */
)",
      fmt::arg("n", n), fmt::arg("N", prefix), fmt::arg("guard", guard),
      fmt::arg("variant", info.variant), fmt::arg("target", info.target),
      fmt::arg("res", info.resolution), fmt::arg("ch", info.inChannels),
      fmt::arg("classes", info.numClasses),
      fmt::arg("null", static_cast<int>(EFFNET_NULL_POINTER)),
      fmt::arg("batch", static_cast<int>(EFFNET_BAD_BATCH)),
      fmt::arg("ws", static_cast<int>(EFFNET_WORKSPACE)),
      fmt::arg("buf", static_cast<int>(EFFNET_BAD_BUFFER)),
      fmt::arg("overlap", static_cast<int>(EFFNET_OVERLAP)),
      fmt::arg("maxthreads", EFFNET_MAX_THREADS),
      fmt::arg("wsbytes", workspaceBytes(plan)),
      fmt::arg("count", plan.outputs.size()), fmt::arg("outputs", outputLines),
      fmt::arg("macros", outputMacros), fmt::arg("firstname", first.name),
      fmt::arg("firstshape",
               describeOutput(prefix, first, plan.tensors[first.tensor].shape)
                   .shape),
      fmt::arg("extents", bufferExtents), fmt::arg("params", bufferParams),
      fmt::arg("pixels", pixelEntries(info, plan)));
  return text;
}

Error writeFile(const std::string &path, const std::string &text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return fail(fmt::format("cannot write '{}': {}", path, ec.message()));
  os << text;
  os.close();
  if (os.has_error()) {
    // Cleared, or the stream's destructor ends the process (LLVM ERROR).
    std::string message = os.error().message();
    os.clear_error();
    return fail(fmt::format("cannot write '{}': {}", path, message));
  }
  return Error::success();
}

/// The objects a library is archived from, while they are compiled: files
/// `effnetc-XXXXXXXX-FILE` in the temporary folder, each removed by the
/// destructor on every return and, from before it exists, by LLVM's signal
/// handlers (RemoveFileOnSignal) when the process is interrupted (Ctrl-C,
/// SIGTERM), crashes or ends in report_fatal_error. A scratch folder was
/// left behind by an interrupted compile: a destructor does not run then,
/// and LLVM removes registered files, never folders.
class ScratchFiles {
public:
  ScratchFiles() = default;
  ScratchFiles(const ScratchFiles &) = delete;
  ScratchFiles &operator=(const ScratchFiles &) = delete;
  ~ScratchFiles() {
    for (const std::string &path : paths) {
      llvm::sys::fs::remove(path);
      llvm::sys::DontRemoveFileOnSignal(path);
    }
  }

  /// A new empty file for `name` (a file name), or a message.
  llvm::Expected<std::string> create(const std::string &name) {
    llvm::SmallString<128> model;
    llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, model);
    llvm::sys::path::append(model, "effnetc-%%%%%%%%-" + name);
    std::error_code ec;
    for (int attempt = 0; attempt < 128; ++attempt) {
      llvm::SmallString<128> path;
      llvm::sys::fs::createUniquePath(model, path, /*MakeAbsolute=*/true);
      // Registered before it is created, so no signal finds it there and
      // unregistered. Only a name of this pattern is ever registered: at
      // worst, a signal right here removes an older effnetc's leftover.
      llvm::sys::RemoveFileOnSignal(path);
      int fd;
      ec = llvm::sys::fs::openFileForWrite(path, fd,
                                           llvm::sys::fs::CD_CreateNew);
      if (!ec) {
        llvm::sys::Process::SafelyCloseFileDescriptor(fd);
        paths.push_back(path.str().str());
        return paths.back();
      }
      llvm::sys::DontRemoveFileOnSignal(path);
      if (ec != std::errc::file_exists)
        break;
    }
    return fail(fmt::format("cannot create a scratch file in '{}': {}",
                            llvm::sys::path::parent_path(model).str(),
                            ec.message()));
  }

private:
  std::vector<std::string> paths;
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

/// `--normalize`'s value: `imagenet`, `advprop` or
/// `MEAN,MEAN,MEAN:STD,STD,STD`, checked as the floats the kernels compute
/// with, `(p / 255 - mean) / std`: every mean finite as a float, every std a
/// normal float above 0, and the normalized pixels within a float's range.
static llvm::Expected<PixelNormalization>
parseNormalization(llvm::StringRef text) {
  PixelNormalization normalization;
  if (text == "imagenet")
    return normalization;
  if (text == "advprop") {
    normalization.mean.assign(3, 0.5f);
    normalization.std.assign(3, 0.5f);
    return normalization;
  }
  auto bad = [&](const std::string &why) {
    return fail(fmt::format("bad --normalize '{}': {} (expected imagenet, "
                            "advprop or MEAN,MEAN,MEAN:STD,STD,STD)",
                            text.str(), why));
  };
  auto [means, stds] = text.split(':');
  auto parse = [&](llvm::StringRef list,
                   std::vector<float> &out) -> std::string {
    llvm::SmallVector<llvm::StringRef> items;
    list.split(items, ',');
    out.clear();
    for (llvm::StringRef item : items) {
      double value;
      if (item.trim().getAsDouble(value) || !std::isfinite(value))
        return fmt::format("'{}' is not a finite number", item.trim().str());
      out.push_back(static_cast<float>(value));
    }
    return out.size() == 3 ? "" : "it needs three values on each side";
  };
  // A value as given, for messages: the text, not its float.
  auto given = [](llvm::StringRef list, size_t index) {
    llvm::SmallVector<llvm::StringRef> items;
    list.split(items, ',');
    return items[index].trim().str();
  };
  if (!text.contains(':'))
    return bad("no ':' between the means and the stds");
  for (auto [list, out] : {std::pair{means, &normalization.mean},
                           std::pair{stds, &normalization.std}})
    if (std::string why = parse(list, *out); !why.empty())
      return bad(why);
  constexpr float kMax = std::numeric_limits<float>::max();
  constexpr float kMinNormal = std::numeric_limits<float>::min();
  for (size_t c = 0; c < 3; ++c) {
    float mean = normalization.mean[c], std = normalization.std[c];
    if (!std::isfinite(mean))
      return bad(fmt::format("mean {} does not fit a float", given(means, c)));
    if (!std::isfinite(std))
      return bad(fmt::format("std {} does not fit a float", given(stds, c)));
    if (!(std >= kMinNormal))
      return bad(fmt::format("std {} is not a normal float above 0 (at least "
                             "{:g})",
                             given(stds, c), kMinNormal));
    // The pixel farthest from the mean, 0 or 1, divided by the std.
    double reach =
        std::max(std::abs(double(mean)), std::abs(1.0 - double(mean))) /
        double(std);
    if (reach > double(kMax))
      return bad(fmt::format("channel {} normalizes pixels to magnitudes up "
                             "to {:g}, past a float's {:g}",
                             c, reach, kMax));
  }
  return normalization;
}

/// What every output of `func` is computed by: planModel's plan, with the
/// kernels of the 8-bit entries for a model of 3 input channels.
static llvm::Expected<ModelPlan> planLibrary(mlir::func::FuncOp func,
                                             const LibraryOptions &options) {
  mlir::FailureOr<ModelPlan> plan = planModel(func);
  if (mlir::failed(plan))
    return fail(""); // The diagnostic said it all.
  int64_t channels = plan->tensors[plan->inputTensor].shape.channels;
  if (channels != 3) {
    if (options.normalize)
      return fail(fmt::format("--normalize is for NAME_run_rgb8, which takes "
                              "RGB pixels: this model takes {} channels",
                              channels));
    return std::move(*plan);
  }
  llvm::Expected<PixelNormalization> normalization =
      parseNormalization(options.normalize.value_or("imagenet"));
  if (!normalization)
    return normalization.takeError();
  addPixelKernels(*plan, *normalization);
  return std::move(*plan);
}

Error mlir::effnet::codegen::printPlan(mlir::func::FuncOp func,
                                       const LibraryOptions &options,
                                       llvm::raw_ostream &os) {
  llvm::Expected<ModelPlan> plan = planLibrary(func, options);
  if (!plan)
    return plan.takeError();
  printPlan(os, *plan);
  return Error::success();
}

Error mlir::effnet::codegen::checkNormalization(const std::string &text) {
  llvm::Expected<PixelNormalization> normalization = parseNormalization(text);
  return normalization ? Error::success() : normalization.takeError();
}

Error mlir::effnet::codegen::checkJobs(unsigned jobs) {
  if (jobs > kMaxJobs)
    return fail(fmt::format("expects --jobs from 0 (every core) to {}, got {}",
                            kMaxJobs, jobs));
  return Error::success();
}

Error mlir::effnet::codegen::checkOutputPath(const std::string &output) {
  std::string name = llvm::sys::path::filename(output).str();
  if (std::string why = checkLibraryName(name); !why.empty())
    return fail(fmt::format("the library name '{}' (from -o {}) {}", name,
                            output, why));
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
  if (std::string why = checkLibraryName(name); !why.empty())
    return fail(fmt::format("the library name '{}' {}", name, why));
  TargetDescription target;
  std::string error = describeTarget(options.target, target);
  if (!error.empty())
    return fail(fmt::format("bad --target: {}", error));
  llvm::Expected<ModelPlan> plan = planLibrary(func, options);
  if (!plan)
    return plan.takeError();
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

  llvm::Expected<ModelPlan> plan = planLibrary(func, options);
  if (!plan)
    return plan.takeError();
  if (options.verbose)
    fmt::print(stderr,
               "effnetc: {} steps, {} distinct kernels, arena {:.1f} MiB, "
               "weights {:.1f} MiB, target {}\n",
               plan->steps.size(), plan->kernels.size(),
               plan->arenaFloats * 4 / 1048576.0,
               plan->weights.size() * 4 / 1048576.0, target.halide);

  // Each object is a scratch file; the archive names its members as the
  // objects are named here (NAME_k0.o, ...), whatever the files' names.
  ScratchFiles scratch;
  std::vector<std::string> memberNames;
  auto scratchFile = [&](const std::string &file) {
    memberNames.push_back(file);
    return scratch.create(file);
  };
  std::vector<std::string> kernelNames = getKernelNames(*plan, name);
  std::vector<std::string> kernelObjects;
  for (const std::string &kernel : kernelNames) {
    llvm::Expected<std::string> object = scratchFile(kernel + ".o");
    if (!object)
      return object.takeError();
    kernelObjects.push_back(std::move(*object));
  }
  llvm::Expected<std::string> driverObject = scratchFile(name + "_driver.o");
  if (!driverObject)
    return driverObject.takeError();
  llvm::Expected<std::string> runtimeObject = scratchFile(name + "_runtime.o");
  if (!runtimeObject)
    return runtimeObject.takeError();

  if (Error err = checkJobs(options.threads))
    return err;
  // A thread per kernel and one for Halide's runtime are all that can work.
  unsigned threads = options.threads
                         ? options.threads
                         : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(
      std::min<size_t>(threads, plan->kernels.size() + 1));
  Clock::time_point compileStart = Clock::now();
  if (Error err = compileObjects(*plan, target, kernelNames, kernelObjects,
                                 *runtimeObject, threads, options.verbose))
    return err;
  if (options.verbose)
    fmt::print(stderr,
               "effnetc: kernels and runtime compiled in {:.2f} s on "
               "{} threads\n",
               secondsSince(compileStart), threads);

  Clock::time_point linkStart = Clock::now();
  ModelInfo info = getModelInfo(options, name, target);
  if (Error err = emitDriverObject(*plan, info, kernelNames, target.triple,
                                   *driverObject))
    return err;

  std::vector<llvm::NewArchiveMember> members;
  std::vector<std::string> objects = kernelObjects;
  objects.push_back(*driverObject);
  objects.push_back(*runtimeObject);
  for (auto [object, memberName] : llvm::zip_equal(objects, memberNames)) {
    llvm::Expected<llvm::NewArchiveMember> member =
        llvm::NewArchiveMember::getFile(object, /*Deterministic=*/true);
    if (!member)
      return fail(fmt::format("cannot read '{}': {}", object,
                              llvm::toString(member.takeError())));
    member->MemberName = memberName;
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
    return fail(fmt::format("cannot write '{}': {}", archive,
                            llvm::toString(std::move(err))));
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
