//===- Header.cpp - the library's C header, NAME.h ------------------------===//
//
// Plain C: the entry points with what each does, the return codes (Runtime.h's
// enum effnet_error, printed), and per output its index and shape as macros.
//
//===----------------------------------------------------------------------===//

#include "codegen/Library.h"
#include "codegen/Version.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/core.h>

using namespace mlir::effnet::codegen;
using llvm::Error;

namespace {

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

/// Per-channel values as the header prints them: "0.485 0.456 0.406".
static std::string listValues(const std::vector<float> &values) {
  std::string text;
  for (float value : values)
    text += fmt::format("{}{:g}", text.empty() ? "" : " ", value);
  return text;
}

/// The 8-bit entries' part of the header, when the library has them.
static std::string pixelEntries(const ModelInfo &info, const ModelPlan &plan) {
  if (plan.pixelKernels.empty())
    return "";
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
      fmt::arg("mean", listValues(plan.normalization.mean)),
      fmt::arg("std", listValues(plan.normalization.std)));
}

/// The image entries' part of the header, when the library has them.
static std::string imageEntries(const ModelInfo &info, const ModelPlan &plan) {
  if (!plan.image.resize)
    return "";
  return fmt::format(
      R"(/* 8-bit RGB images of any size, as image decoders give them: `batch`
 * images of width x height pixels, each pixel 3 bytes (R, G, B), each row
 * `row_stride` bytes apart (at least 3 x width), the images back to back
 * (height x row_stride bytes each). Each image goes through torchvision
 * 0.14's evaluation transform, as on the image as a uint8 tensor:
 *   Resize({resize}) (the shorter side to {N}_RESIZE pixels, bilinear,
 *     {aa}, rounded to 8 bits),
 *   CenterCrop({res}) and the conversion to floats in [0, 1],
 *   Normalize(mean = {mean}, std = {std}),
 * the same bits as torchvision's, then runs as {n}_run does. Otherwise as
 * {n}_run, {n}_run_outputs and their _with_workspace forms (the same
 * workspace size). Width or height below 1 or a row_stride below 3 x width
 * is {N}_ERROR_BAD_BUFFER. */
#define {N}_RESIZE {resize}
#define {N}_ANTIALIAS {aaflag}
int {n}_run_image(const unsigned char *pixels, int batch, int width,
                int height, size_t row_stride, float *output);
int {n}_run_image_outputs(const unsigned char *pixels, int batch, int width,
                        int height, size_t row_stride,
                        float *const *outputs);
int {n}_run_image_with_workspace(const unsigned char *pixels, int batch,
                               int width, int height, size_t row_stride,
                               float *output, void *workspace,
                               size_t workspace_size);
int {n}_run_image_outputs_with_workspace(const unsigned char *pixels,
                                       int batch, int width, int height,
                                       size_t row_stride,
                                       float *const *outputs,
                                       void *workspace,
                                       size_t workspace_size);

/* The transform alone: the float images {n}_run_image runs, batch x {ch} x
 * {res} x {res} floats into `input` (what {n}_run takes). Returns {N}_OK
 * or an error code as {n}_run_image. */
int {n}_preprocess_image(const unsigned char *pixels, int batch, int width,
                       int height, size_t row_stride, float *input);

)",
      fmt::arg("n", info.name),
      fmt::arg("N", llvm::StringRef(info.name).upper()),
      fmt::arg("res", info.resolution), fmt::arg("ch", info.inChannels),
      fmt::arg("resize", plan.image.resize),
      fmt::arg("aa", plan.image.antialias ? "antialiased" : "not antialiased"),
      fmt::arg("aaflag", plan.image.antialias ? 1 : 0),
      fmt::arg("mean", listValues(plan.normalization.mean)),
      fmt::arg("std", listValues(plan.normalization.std)));
}

/// What the header says of the library's targets: one, or a portable
/// library's paths.
static std::string describeTargets(const ModelInfo &info) {
  llvm::SmallVector<llvm::StringRef> targets;
  llvm::StringRef(info.target).split(targets, ',');
  if (targets.size() == 1)
    return info.target;
  std::string text = "every x86-64 CPU with SSE4.1:\n * a path per "
                     "target below, of which calls run the first the CPU\n"
                     " * has every feature of:\n";
  for (llvm::StringRef target : targets)
    text += fmt::format(" *   {}\n", target.str());
  return text + " * (" + info.name + "_target() says which; " + info.name +
         "_use_target() forces one)";
}

/// What the header says of a GPU library's device state, or nothing.
static std::string gpuNote(const ModelInfo &info) {
  llvm::SmallVector<llvm::StringRef> features;
  llvm::StringRef(info.target).split(features, '-');
  if (!llvm::is_contained(features, "cuda") &&
      !llvm::is_contained(features, "opencl"))
    return "";
  std::string n = info.name, N = llvm::StringRef(info.name).upper();
  return fmt::format(
      R"(
 *
 * The kernels run on a GPU. The first call opens the device and copies
 * the weights there, and allocates an arena there for the activations of
 * an image; both stay until the process ends, shared by every later call.
 * A call copies its images in and its outputs out, nothing else: kernels
 * read and write activations on the device. Calls run one at a time
 * (another thread's call waits) and a batch's images one after another,
 * so one arena of workspace is enough. Only the first call allocates host
 * memory in the _with_workspace entries, for a small table. Without a
 * driver or a device, calls return {N}_ERROR_NO_DEVICE; without room on
 * it for the weights and the arena, {N}_ERROR_DEVICE_MEMORY (no kernel
 * ran; a later call tries again); a failure there afterwards,
 * {N}_ERROR_RUNTIME. {n}_error_message() then gives Halide's message;
 * nothing is printed and the process is not aborted.
 *
 * Data already on the device: the Halide-style entry {n}() reads its input
 * there when the buffer has an allocation on this device (made through
 * Halide's runtime for this API) and that copy is current, and writes each
 * output that has one there (then device_dirty; its host memory is not
 * written), device to device; other buffers go through host memory.)",
      fmt::arg("n", n), fmt::arg("N", N));
}

std::string header(const ModelInfo &info, const ModelPlan &plan,
                   int64_t workspaceBytes) {
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
 * normalized as the weights expect (torchvision's RGB models: mean
 * {imagenetmean}, std {imagenetstd}).
 * Outputs, in this order (float32; the outputs array of {n}_run_outputs):
{outputs} *
 * Link with {n}.a and -lpthread -ldl -lm. Every function is safe to call
 * from several threads at once: each call has its own workspace. Threads:
 * HL_NUM_THREADS in the environment, or {n}_set_num_threads(). A batch
 * runs as many images at once as there are threads (each image's kernels
 * in one thread, the images left over with every thread on each kernel);
 * a single image spreads each kernel over the threads. An image's results
 * are the same bits either way.{gpu}
 */
#ifndef {guard}
#define {guard}

#include <stddef.h>

#ifdef __cplusplus
extern "C" {{
#endif

struct halide_buffer_t;

/* Return codes. {N}_ERROR_OVERLAP: an
 * output shares bytes with the input or another output, or the workspace
 * with any of them (the bytes a call reads and writes: batch images of
 * each). {N}_ERROR_CPU: this CPU lacks a feature the library's code needs
 * (every call checks before any of that code runs; {n}_error_message names
 * the features). {N}_ERROR_RUNTIME: Halide's runtime failed while the
 * model ran (on a GPU target: a copy, an allocation, a launch);
 * {n}_error_message gives Halide's message, which was not printed, and the
 * process was not aborted. {N}_ERROR_NO_DEVICE: a GPU library found no
 * driver or device; {N}_ERROR_DEVICE_MEMORY: no room on the device for
 * the weights and activations (no kernel ran in either case).
 * {n}_error_message(code) describes any code. */
enum {{
  {N}_OK = 0,
  {N}_ERROR_NULL_POINTER = {null},
  {N}_ERROR_BAD_BATCH = {batch},
  {N}_ERROR_WORKSPACE = {ws},
  {N}_ERROR_BAD_BUFFER = {buf},
  {N}_ERROR_OVERLAP = {overlap},
  {N}_ERROR_CPU = {cpu},
  {N}_ERROR_UNKNOWN_TARGET = {unknown},
  {N}_ERROR_RUNTIME = {runtime},
  {N}_ERROR_NO_DEVICE = {nodevice},
  {N}_ERROR_DEVICE_MEMORY = {devicememory}
}};

#define {N}_IN_CHANNELS {ch}
#define {N}_RESOLUTION {res}
#define {N}_NUM_CLASSES {classes}
#define {N}_WORKSPACE_BYTES {wsbytes}
#define {N}_NUM_OUTPUTS {count}
/* 1 when the weights of convolutions and dense layers are stored as IEEE
 * half floats (effnetc --fp16-weights; computed in float), else 0. */
#define {N}_FP16_WEIGHTS {fp16}
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
 * images as fast as the current thread count allows: {N}_WORKSPACE_BYTES
 * for one image, plus an arena per further image that can run at once (at
 * most the threads); 0 when batch < 1. */
size_t {n}_workspace_size(int batch);

/* As {n}_run and {n}_run_outputs, in a caller's workspace; they allocate
 * nothing. Any size from {N}_WORKSPACE_BYTES up works: a smaller workspace
 * than {n}_workspace_size(batch) runs fewer images at once. */
int {n}_run_with_workspace(const float *input, int batch, float *output,
                           void *workspace, size_t workspace_size);
int {n}_run_outputs_with_workspace(const float *input, int batch,
                                   float *const *outputs, void *workspace,
                                   size_t workspace_size);

{image}{pixels}/* Halide-style entry: dense float32 buffers with the batch outermost: input
 * [{res}, {res}, {ch}, N] (x, y, c, n){extents}. */
int {n}(struct halide_buffer_t *input{params});

const char *{n}_variant(void);

/* The Halide target of the code calls run on this CPU (of a portable
 * library, the best path the CPU has every feature of; when it has none,
 * the least path's, and calls return {N}_ERROR_CPU); {n}_targets() lists
 * every target the library holds, best first, separated by commas. */
const char *{n}_target(void);
const char *{n}_targets(void);

/* Makes calls run the path compiled for `target` (one of {n}_targets();
 * NULL: the best this CPU has, again): to compare paths, or to run a lower
 * one. Returns {N}_OK, {N}_ERROR_UNKNOWN_TARGET, or {N}_ERROR_CPU (and
 * changes nothing) when this CPU lacks a feature of that path. Calls
 * already running finish on the path they started on. */
int {n}_use_target(const char *target);

/* A one-line description of a return code of this library's functions;
 * for {N}_ERROR_CPU it names the features this CPU lacks. Never NULL. */
const char *{n}_error_message(int code);
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

/* On a GPU: frees what the library keeps on the device (the weights and
 * the activations' arena) and the table that holds them, once calls are
 * done with the GPU (a call running at once finishes first); the next call
 * copies them there again. Returns 0; on a CPU it does nothing. */
int {n}_release_device(void);

#ifdef __cplusplus
}}
#endif

#endif /* {guard} */
)",
      fmt::arg("n", n), fmt::arg("N", prefix), fmt::arg("guard", guard),
      fmt::arg("imagenetmean", listValues(PixelNormalization().mean)),
      fmt::arg("imagenetstd", listValues(PixelNormalization().std)),
      fmt::arg("variant", info.variant),
      fmt::arg("target", describeTargets(info)),
      fmt::arg("res", info.resolution), fmt::arg("ch", info.inChannels),
      fmt::arg("classes", info.numClasses),
      fmt::arg("null", static_cast<int>(EFFNET_NULL_POINTER)),
      fmt::arg("batch", static_cast<int>(EFFNET_BAD_BATCH)),
      fmt::arg("ws", static_cast<int>(EFFNET_WORKSPACE)),
      fmt::arg("buf", static_cast<int>(EFFNET_BAD_BUFFER)),
      fmt::arg("overlap", static_cast<int>(EFFNET_OVERLAP)),
      fmt::arg("cpu", static_cast<int>(EFFNET_CPU)),
      fmt::arg("unknown", static_cast<int>(EFFNET_UNKNOWN_TARGET)),
      fmt::arg("runtime", static_cast<int>(EFFNET_RUNTIME)),
      fmt::arg("nodevice", static_cast<int>(EFFNET_NO_DEVICE)),
      fmt::arg("devicememory", static_cast<int>(EFFNET_DEVICE_MEMORY)),
      fmt::arg("maxthreads", EFFNET_MAX_THREADS),
      fmt::arg("wsbytes", workspaceBytes),
      fmt::arg("gpu", gpuNote(info)),
      fmt::arg("fp16", llvm::any_of(plan.kernels,
                                    [](const KernelSpec &kernel) {
                                      return llvm::any_of(
                                          kernel.weights,
                                          [](const WeightShape &w) {
                                            return w.half;
                                          });
                                    })
                           ? 1
                           : 0),
      fmt::arg("count", plan.outputs.size()), fmt::arg("outputs", outputLines),
      fmt::arg("macros", outputMacros), fmt::arg("firstname", first.name),
      fmt::arg("firstshape",
               describeOutput(prefix, first, plan.tensors[first.tensor].shape)
                   .shape),
      fmt::arg("extents", bufferExtents), fmt::arg("params", bufferParams),
      fmt::arg("pixels", pixelEntries(info, plan)),
      fmt::arg("image", imageEntries(info, plan)));
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

} // namespace

Error mlir::effnet::codegen::writeHeader(const std::string &path,
                                         const ModelInfo &info,
                                         const ModelPlan &plan,
                                         int64_t workspaceBytes) {
  return writeFile(path, header(info, plan, workspaceBytes));
}

Error mlir::effnet::codegen::writePkgConfig(const std::string &path,
                                            const ModelInfo &info) {
  // pkg-config takes the file's own folder as ${pcfiledir}.
  std::string text = fmt::format(
      R"(# {n}.pc: {n}.a and {n}.h for pkg-config, written by effnetc beside
# them: pkg-config --cflags --libs {n} with this folder on PKG_CONFIG_PATH,
# or pkg-config --cflags --libs path/to/{n}.pc.
prefix=${{pcfiledir}}
includedir=${{prefix}}
libdir=${{prefix}}

Name: {n}
Description: EfficientNet {variant} compiled by effnetc for {target}
Version: {version}
Cflags: -I${{includedir}}
Libs: ${{libdir}}/{n}.a -lpthread -ldl -lm
)",
      fmt::arg("n", info.name), fmt::arg("variant", info.variant),
      fmt::arg("target", info.target), fmt::arg("version", EFFNET_VERSION));
  return writeFile(path, text);
}
