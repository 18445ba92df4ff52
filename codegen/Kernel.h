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

#include "codegen/runtime/Runtime.h"

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
  /// 8-bit pixels, interleaved (c, x, y innermost first, as image decoders
  /// give them), each row a stride apart that the caller gives at run time,
  /// normalized as they are read (NAME_run_rgb8's input).
  bool rgb8 = false;

  int64_t elements() const { return channels * width * height; }
};

/// One dimension of a buffer as Halide describes it.
struct BufferDim {
  int64_t extent = 0;
  int64_t stride = 0;
};

/// A BufferDim's stride when the caller gives it at run time: the driver's
/// runtime fills it in (runtime/Runtime.h).
constexpr int64_t kRuntimeStride = EFFNET_ROW_STRIDE;

/// The dimensions of an activation buffer, innermost first: x, y, c for a
/// planar tensor, c, x, y otherwise; dense, except that the rows of 8-bit
/// pixels have a stride known only at run time (kRuntimeStride). The one
/// definition of a buffer's layout: kernels are compiled for it
/// (HalideKernels.cpp) and the driver builds and checks buffers by it
/// (Driver.cpp).
std::vector<BufferDim> getBufferDims(const TensorShape &shape);

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
  /// Conv2DOp::isDepthwise and Conv2DOp::isPadded (some window reads
  /// outside the input), as the dialect defines them.
  bool depthwise = false;
  bool padded = false;
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
  /// Stored as IEEE half floats (effnetc --fp16-weights: a convolution's
  /// or dense layer's weights), widened to float as the kernel reads them.
  bool half = false;

  int64_t elements() const {
    int64_t n = 1;
    for (int64_t d : dims)
      n *= d;
    return n;
  }
};

/// The dimensions of a weight buffer: its dims, innermost first, dense.
std::vector<BufferDim> getBufferDims(const WeightShape &shape);

/// A group's #effnet.schedule, in plain C++ (see dialect/EffNetSchedule.td
/// for what each field means). Loops and levels use the dialect's numbering:
/// loops c, x, y, kx, ky; levels inline, root, c, x, y; reductions tile,
/// row, pixel.
struct Schedule {
  enum LoopId { C = 0, X = 1, Y = 2, KX = 3, KY = 4 };
  enum LevelId { Inline = 0, Root = 1, AtC = 2, AtX = 3, AtY = 4 };
  enum ProducerId { Acc = 0, Input = 1, Weights = 2, Excite = 3, Expand = 4 };
  enum ReductionId { AroundTile = 0, InsideRow = 1, InsidePixel = 2 };
  struct Place {
    int compute = Inline;
    int store = Inline;
    /// At root: the pass's loop `across` (X or Y) runs on the thread pool.
    bool parallel = false;
    int across = Y;
  };

  int64_t tile[3] = {1, 1, 1};
  int64_t vector = 1;
  std::vector<int> order;
  std::vector<int> parallel;
  int64_t grain = 1;
  std::vector<int> unroll;
  /// Tail strategy: shift inwards (else guard with a condition).
  bool shiftInwards = true;
  /// Per producer, where it is computed and stored.
  Place places[5];
  /// A second path for 8-bit pixel rows packed width x channels bytes apart
  /// (specialize = [dense_rows]), in the kernel that reads them.
  bool denseRows = false;
  /// Winograd's F(2x2, 3x3) for the anchor convolution (algorithm =
  /// winograd): its weights are transformed (winogradWeights).
  bool winograd = false;
  /// Where the anchor convolution's reduction loops sit among the
  /// accumulation's loops over a tile (reduce).
  int reduce = AroundTile;
  /// The producers' vectorized channel loops shift their last vector
  /// inwards (inner_tail = shift; else they guard it).
  bool innerShift = false;
  /// A fused expansion's channel and pixel tiles (expand_tile, or the
  /// output's).
  int64_t expandTile[2] = {1, 1};
  /// The expansion's last channel tile moves inwards (else it is guarded):
  /// see the dialect's ExpansionChannels.
  bool expandShift = false;
  /// GPU threads per block along c, x, y (empty on CPUs).
  std::vector<int64_t> threads;
  std::vector<int> shared;
  /// Threads that share each value of a global pooling's reduction (GPU;
  /// 1: the output's thread alone).
  int reduceThreads = 1;
  /// Winograd: where the row transform is computed and stored (a LevelId;
  /// -1: where the transformed input is), and whether the transforms loop
  /// over their positions instead of unrolling them.
  int winogradRows = -1;
  bool winogradLoop = false;
  /// The attribute as printed.
  std::string text;

  bool unrolls(int loop) const;
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
  /// For an input of 8-bit pixels, per channel: value = (pixel / 255 -
  /// mean) / std, torchvision's ToTensor and Normalize.
  std::vector<float> pixelMean, pixelStd;
  /// Index into `inputs` of a C x 1 x 1 tensor that scales the convolution's
  /// input per channel (a squeeze-excite scale fused in front), or -1.
  int inputScale = -1;
  /// A 1x1 convolution (stride 1, one group) with an epilogue of
  /// activations and affine steps, computed from input 0 in front of the
  /// anchor convolution, which reads its result (MBConv's expansion). Its
  /// weights come first in `weights`: weight, bias, affine scales and
  /// shifts.
  struct Expansion {
    bool present = false;
    ConvParams conv;
    bool bias = false;
    std::vector<EpilogueStep> epilogue;
  } expansion;
  Schedule schedule;

  /// Identifies the function: the group's kernel key and its schedule.
  /// Equal keys, equal code.
  std::string key;
};

/// One line saying what a kernel computes: "conv 1x1 s1 16->96 at 56x56".
std::string describeKernel(const KernelSpec &spec);

/// Packed layouts. Convolution weights OIHW (O x C/groups x KH x KW) are
/// stored with the output channel innermost: (O, C/groups, KW, KH).
std::vector<float> packConvWeights(const std::vector<float> &oihw,
                                   const ConvParams &conv);

/// Winograd F(2x2, 3x3) weights: G g G^T per output and input channel, from
/// weights packed by packConvWeights ((O, C, 3, 3)), as (O, C, 16), the
/// 4x4 transformed window innermost-x-first (index 4 * row + column), with
/// G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]].
std::vector<float> winogradWeights(const std::vector<float> &packed,
                                   const ConvParams &conv);

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_KERNEL_H
