//===- Plan.h - a model as kernels, steps, an arena and a blob --*- C++ -*-===//
//
// What the generated library does, decided from the grouped IR: the distinct
// kernels to compile, the steps that call them in order, where every tensor
// lives in the activation arena, and the packed weight blob.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_PLAN_H
#define EFFNET_CODEGEN_PLAN_H

#include "codegen/Kernel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace mlir {
namespace effnet {
namespace codegen {

/// One tensor of one image in the arena; offsets and sizes in floats.
struct ArenaTensor {
  TensorShape shape;
  int64_t offset = 0;
  /// Steps between which the tensor lives: produced by step `first` (-1 for
  /// the model input), read last by step `last` (the step count for the
  /// model output, which the driver copies out after the last step).
  int first = -1;
  int last = -1;
};

/// One call of a kernel.
struct Step {
  int kernel = 0;
  /// Arena tensors in the order of KernelSpec::inputs.
  std::vector<int> inputs;
  int output = 0;
  /// Offsets (in floats) into the weight blob, one per KernelSpec::weights.
  std::vector<int64_t> weights;
  /// The group the step computes, for messages.
  std::string name;
};

/// One result of the model, as the library returns it.
struct ModelOutput {
  /// `logits`, `features` or `reduction_K` (the function's effnet.outputs).
  std::string name;
  /// The arena tensor copied out after the last step: planar (NCHW per
  /// image) for an N x C x H x W result, N x K logits as they are.
  int tensor = 0;
  /// N x K rather than N x C x H x W.
  bool flat = false;
};

/// How NAME_run_rgb8 normalizes 8-bit pixels, per channel: (pixel / 255 -
/// mean) / std, as torchvision's ToTensor and Normalize do. The defaults are
/// ImageNet's mean and std (`--normalize imagenet`), written here alone: the
/// header's text prints them from here.
struct PixelNormalization {
  std::vector<float> mean{0.485f, 0.456f, 0.406f};
  std::vector<float> std{0.229f, 0.224f, 0.225f};
};

/// How NAME_run_image transforms an 8-bit RGB image of any size into the
/// model's input, as torchvision 0.14's evaluation transform on the image as
/// a uint8 tensor: the shorter side resized to `resize` pixels (bilinear,
/// antialiased when `antialias`), the centre resolution x resolution
/// cropped, then normalized as PixelNormalization says.
struct ImageTransform {
  int64_t resize = 0;
  bool antialias = false;
};

struct ModelPlan {
  std::vector<KernelSpec> kernels;
  /// Per kernel, where its schedule came from: a schedule file's
  /// "FILE:LINE" (kScheduleOriginAttrName), or "" (effnet-tile's default,
  /// or the schedule its input gave).
  std::vector<std::string> scheduleOrigins;
  std::vector<Step> steps;
  std::vector<ArenaTensor> tensors;
  int inputTensor = 0;
  /// In the order of the function's results.
  std::vector<ModelOutput> outputs;
  /// Per kernel, the kernel that computes the same from 8-bit pixels
  /// instead of the float input (NAME_run_rgb8), or -1; empty when the
  /// library has no 8-bit entry (addPixelKernels).
  std::vector<int> pixelKernels;
  PixelNormalization normalization;
  /// NAME_run_image's transform; it has the entry when pixelKernels does.
  ImageTransform image;
  /// Floats of arena one image needs.
  int64_t arenaFloats = 0;
  /// Every packed weight, each starting at a multiple of 16 floats.
  std::vector<float> weights;
};

/// Plans `func`, whose body must be effnet.group ops with bound weights
/// reading the single NCHW input and returning N x K logits or, named by
/// effnet.outputs, several results (N x K or N x C x H x W). Emits a
/// diagnostic and fails on anything it cannot compile. With `halfWeights`,
/// the weights of convolutions and dense layers are stored as IEEE half
/// floats (rounded to nearest, ties to even), two to a float of the blob;
/// biases and affine steps stay float. With `onDevice` (a GPU target),
/// tensors start on multiples of kDeviceAlignBytes in the arena, which the
/// runtime mirrors on the device: an OpenCL kernel's buffer argument at an
/// offset must be aligned to the device's CL_DEVICE_MEM_BASE_ADDR_ALIGN
/// (4096 bits, 512 bytes, on NVIDIA's; a page leaves room for any), and
/// CUDA reads aligned rows in fewer transactions.
constexpr int64_t kDeviceAlignBytes = 4096;
mlir::FailureOr<ModelPlan> planModel(mlir::func::FuncOp func,
                                     bool halfWeights = false,
                                     bool onDevice = false);

/// Adds, for every kernel that reads the model input, one that reads
/// interleaved 8-bit pixels instead, normalized by `normalization` as they
/// are read (the border stays zero after normalizing, as torchvision pads
/// the normalized image): NAME_run_rgb8's kernels. The normalization must
/// have a mean and a std per input channel.
void addPixelKernels(ModelPlan &plan, const PixelNormalization &normalization);

/// Prints the plan as `effnetc --emit=plan` shows it: the kernels with their
/// keys and schedules, the steps, the arena and the weight blob.
void printPlan(llvm::raw_ostream &os, const ModelPlan &plan);

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_PLAN_H
