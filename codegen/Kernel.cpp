//===- Kernel.cpp - buffer layouts, kernel descriptions, weight packing ---===//

#include "codegen/Kernel.h"

#include <fmt/core.h>

#include <algorithm>

using namespace mlir::effnet::codegen;

/// Dense strides for `extents`, innermost first.
static std::vector<BufferDim> dense(std::initializer_list<int64_t> extents) {
  std::vector<BufferDim> dims;
  int64_t stride = 1;
  for (int64_t extent : extents) {
    dims.push_back({extent, stride});
    stride *= extent;
  }
  return dims;
}

std::vector<BufferDim>
mlir::effnet::codegen::getBufferDims(const TensorShape &shape) {
  if (shape.planar)
    return dense({shape.width, shape.height, shape.channels});
  std::vector<BufferDim> dims =
      dense({shape.channels, shape.width, shape.height});
  if (shape.rgb8)
    dims[2].stride = kRuntimeStride;
  return dims;
}

std::vector<BufferDim>
mlir::effnet::codegen::getBufferDims(const WeightShape &shape) {
  std::vector<BufferDim> dims;
  int64_t stride = 1;
  for (int64_t extent : shape.dims) {
    dims.push_back({extent, stride});
    stride *= extent;
  }
  return dims;
}

bool Schedule::unrolls(int loop) const {
  return std::find(unroll.begin(), unroll.end(), loop) != unroll.end();
}

/// What the kernel computes, from its anchor.
static std::string describeAnchor(const KernelSpec &spec) {
  const TensorShape &in = spec.inputs.front();
  switch (spec.anchor) {
  case AnchorKind::Conv: {
    const ConvParams &c = spec.conv;
    std::string kind = c.depthwise ? "depthwise" : "conv";
    std::string expansion =
        spec.expansion.present
            ? fmt::format("expand {}->{} + ", spec.expansion.conv.inChannels,
                          spec.expansion.conv.outChannels)
            : "";
    return fmt::format("{}{} {}x{} s{} {}->{} at {}x{}{}", expansion, kind,
                       c.kernelW, c.kernelH, c.strideX, c.inChannels,
                       c.outChannels, in.width, in.height,
                       spec.schedule.winograd ? ", Winograd F(2x2, 3x3)" : "");
  }
  case AnchorKind::Pool:
    return fmt::format("pool {} at {}x{}", in.channels, in.width, in.height);
  case AnchorKind::None:
    return fmt::format("elementwise {}x{}x{}", in.channels, in.width,
                       in.height);
  }
  return "kernel";
}

std::string mlir::effnet::codegen::describeKernel(const KernelSpec &spec) {
  bool pixels =
      std::any_of(spec.inputs.begin(), spec.inputs.end(),
                  [](const TensorShape &shape) { return shape.rgb8; });
  return describeAnchor(spec) + (pixels ? ", reading 8-bit pixels" : "");
}

std::vector<float>
mlir::effnet::codegen::packConvWeights(const std::vector<float> &oihw,
                                       const ConvParams &conv) {
  int64_t outs = conv.outChannels;
  int64_t ins = conv.inChannels / conv.groups;
  int64_t kh = conv.kernelH, kw = conv.kernelW;
  std::vector<float> packed(oihw.size());
  // OIHW -> (O innermost, then I, then KW, then KH).
  for (int64_t o = 0; o < outs; ++o)
    for (int64_t i = 0; i < ins; ++i)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          packed[o + outs * (i + ins * (x + kw * y))] =
              oihw[((o * ins + i) * kh + y) * kw + x];
  return packed;
}

std::vector<float>
mlir::effnet::codegen::winogradWeights(const std::vector<float> &packed,
                                       const ConvParams &conv) {
  static const double g[4][3] = {
      {1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  int64_t outs = conv.outChannels, ins = conv.inChannels / conv.groups;
  std::vector<float> u(static_cast<size_t>(outs * ins * 16));
  for (int64_t i = 0; i < ins; ++i)
    for (int64_t o = 0; o < outs; ++o) {
      // w[row][column] of this output and input channel's window.
      double w[3][3];
      for (int64_t ky = 0; ky < 3; ++ky)
        for (int64_t kx = 0; kx < 3; ++kx)
          w[ky][kx] = packed[o + outs * (i + ins * (kx + 3 * ky))];
      for (int row = 0; row < 4; ++row)
        for (int col = 0; col < 4; ++col) {
          double sum = 0;
          for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b)
              sum += g[row][a] * w[a][b] * g[col][b];
          u[o + outs * (i + ins * (4 * row + col))] = static_cast<float>(sum);
        }
    }
  return u;
}
