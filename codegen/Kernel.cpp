//===- Kernel.cpp - kernel keys and weight packing ------------------------===//

#include "codegen/Kernel.h"

#include <sstream>

using namespace mlir::effnet::codegen;

static void describe(std::ostringstream &os, const TensorShape &shape) {
  os << shape.channels << "x" << shape.width << "x" << shape.height
     << (shape.planar ? "p" : "");
}

std::string KernelSpec::key() const {
  std::ostringstream os;
  os << "a" << static_cast<int>(anchor);
  if (anchor == AnchorKind::Conv)
    os << "/conv" << conv.inChannels << "," << conv.outChannels << ","
       << conv.kernelW << "," << conv.kernelH << "," << conv.strideX << ","
       << conv.strideY << "," << conv.dilationX << "," << conv.dilationY << ","
       << conv.padLeft << "," << conv.padTop << "," << conv.groups
       << (bias ? "b" : "");
  for (const EpilogueStep &step : epilogue)
    os << "/e" << static_cast<int>(step.kind) << ","
       << static_cast<int>(step.activation) << "," << step.input;
  for (const TensorShape &input : inputs) {
    os << "/i";
    describe(os, input);
  }
  os << "/o";
  describe(os, output);
  for (const WeightShape &weight : weights) {
    os << "/w";
    for (int64_t dim : weight.dims)
      os << dim << ",";
  }
  return os.str();
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
