//===- Kernel.h - what one group computes, in plain C++ --------*- C++ -*-===//
//
// The contract between the MLIR side of codegen (Plan.cpp, which reads
// effnet.group regions) and the Halide side (HalideKernels.cpp, the only file
// that includes Halide.h). Neither MLIR nor Halide types appear here.
//
// Every activation tensor of one image is stored as (C, W, H) with channels
// innermost: element (c, x, y) at c + C * (x + W * y). The model input alone
// is planar (the user's NCHW image): element (c, x, y) at x + W * (y + H * c).
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_KERNEL_H
#define EFFNET_CODEGEN_KERNEL_H

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
namespace effnet {
namespace codegen {

/// Shape of one image's tensor.
struct TensorShape {
  int64_t channels = 0;
  int64_t width = 1;
  int64_t height = 1;
  /// The model input's planar layout instead of channels innermost.
  bool planar = false;

  int64_t elements() const { return channels * width * height; }
};

/// How a kernel starts.
enum class AnchorKind {
  /// Convolution (also dense layers, as 1x1 convolutions of a 1x1 image).
  Conv,
  /// Mean over width and height.
  Pool,
  /// No anchor: the epilogue applies to input 0 as it is.
  None,
};

/// A convolution, padding already explicit.
struct ConvParams {
  int64_t inChannels = 0;
  int64_t outChannels = 0;
  int64_t kernelW = 1, kernelH = 1;
  int64_t strideX = 1, strideY = 1;
  int64_t dilationX = 1, dilationY = 1;
  int64_t padLeft = 0, padTop = 0;
  int64_t groups = 1;
};

enum class Activation { Silu, Sigmoid, Relu };

/// One elementwise step applied to the value computed so far (the chain).
struct EpilogueStep {
  enum class Kind {
    Activation,
    /// chain * scale + shift per channel (a batch norm that was not folded).
    Affine,
    /// chain scales extra input `input` per channel (squeeze-excite): the
    /// chain is C x 1 x 1, the result has the extra input's shape.
    ScaleInput,
    /// extra input `input`, C x 1 x 1, scales the chain per channel.
    ScaleByInput,
    /// chain + extra input `input`.
    Add,
  } kind;
  Activation activation = Activation::Silu;
  /// Index into KernelSpec::inputs for ScaleInput, ScaleByInput and Add.
  int input = -1;
};

/// A weight buffer of a kernel, in the packed layout the kernel reads.
/// Dims are listed innermost first, as Halide does.
struct WeightShape {
  std::vector<int64_t> dims;

  int64_t elements() const {
    int64_t n = 1;
    for (int64_t d : dims)
      n *= d;
    return n;
  }
};

/// Everything that determines one compiled function. Two groups with equal
/// keys share code.
struct KernelSpec {
  AnchorKind anchor = AnchorKind::None;
  ConvParams conv;
  bool bias = false;
  std::vector<EpilogueStep> epilogue;
  /// Activation inputs; input 0 feeds the anchor.
  std::vector<TensorShape> inputs;
  TensorShape output;
  /// Weights in the order the function takes them: conv weight, conv bias,
  /// then per Affine step its scale and shift.
  std::vector<WeightShape> weights;

  /// A string that identifies the function: equal keys, equal code.
  std::string key() const;
};

/// Packed layouts. Convolution weights OIHW (O x C/groups x KH x KW) are
/// stored with the output channel innermost: (O, C/groups, KW, KH).
std::vector<float> packConvWeights(const std::vector<float> &oihw,
                                   const ConvParams &conv);

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_KERNEL_H
