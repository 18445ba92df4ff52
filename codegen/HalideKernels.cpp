//===- HalideKernels.cpp - kernels as Halide pipelines --------------------===//
//
// The only file that includes Halide.h. Each KernelSpec becomes one Halide
// pipeline: the algorithm first (an anchor convolution or pooling and an
// epilogue of elementwise steps), then its schedule, chosen by the kind of
// anchor and the target's vector width.
//
//===----------------------------------------------------------------------===//

#include "codegen/HalideKernels.h"

#include "Halide.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>

using namespace Halide;
using namespace mlir::effnet::codegen;

namespace {

/// Halide reports a compile-time error by calling this; throwing carries the
/// message to the boundary below instead of aborting or printing.
struct HalideFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ThrowingReporter : public CompileTimeErrorReporter {
public:
  void warning(const char *) override {}
  void error(const char *message) override { throw HalideFailure(message); }
};

void installReporter() {
  static ThrowingReporter reporter;
  static std::once_flag once;
  std::call_once(once,
                 [] { set_custom_compile_time_error_reporter(&reporter); });
}

/// Runs `body`, turning anything Halide throws into a one-line message.
template <typename Body> std::string guarded(Body body) {
  installReporter();
  try {
    body();
    return "";
  } catch (const HalideFailure &e) {
    std::string message = e.what();
    while (!message.empty() &&
           (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    for (char &ch : message)
      if (ch == '\n')
        ch = ' ';
    return message.empty() ? "Halide failed" : message;
  } catch (const Halide::Error &e) {
    return e.what();
  } catch (const std::exception &e) {
    return e.what();
  }
}

int asInt(int64_t value) { return static_cast<int>(value); }

/// The largest power of two that is at most `limit` and at most `cap`.
int powerOfTwoAtMost(int64_t limit, int cap) {
  int p = 1;
  while (p * 2 <= limit && p * 2 <= cap)
    p *= 2;
  return p;
}

Var c("c"), x("x"), y("y");

/// Constrains an activation buffer to the layout of `shape`, so that Halide
/// knows every stride and extent when it compiles.
void constrain(OutputImageParam param, const TensorShape &shape) {
  int cs = asInt(shape.channels), ws = asInt(shape.width),
      hs = asInt(shape.height);
  if (shape.planar) {
    param.dim(0).set_bounds(0, ws).set_stride(1);
    param.dim(1).set_bounds(0, hs).set_stride(ws);
    param.dim(2).set_bounds(0, cs).set_stride(ws * hs);
  } else {
    param.dim(0).set_bounds(0, cs).set_stride(1);
    param.dim(1).set_bounds(0, ws).set_stride(cs);
    param.dim(2).set_bounds(0, hs).set_stride(cs * ws);
  }
}

/// The activation as a function of (c, x, y), whatever its layout.
Func view(const ImageParam &param, const TensorShape &shape,
          const std::string &name) {
  Func f(name);
  if (shape.planar)
    f(c, x, y) = param(x, y, c);
  else
    f(c, x, y) = param(c, x, y);
  return f;
}

/// A lowered kernel: its arguments in calling order and its output.
struct Lowered {
  std::vector<ImageParam> inputs;
  std::vector<ImageParam> weights;
  Func output{"output"};
  /// The anchor's accumulation, when it has one.
  Func accumulate;
  RDom reduction;
  /// Funcs that broadcast per channel into a larger output.
  bool chainBroadcast = false;
};

Expr activate(Activation kind, Expr value) {
  switch (kind) {
  case Activation::Silu:
    return value / (1.0f + exp(-value));
  case Activation::Sigmoid:
    return 1.0f / (1.0f + exp(-value));
  case Activation::Relu:
    return max(value, 0.0f);
  }
  return value;
}

void lower(const KernelSpec &spec, Lowered &out) {
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    ImageParam param(Float(32), 3, "input" + std::to_string(i));
    constrain(param, spec.inputs[i]);
    out.inputs.push_back(param);
  }
  for (size_t i = 0; i < spec.weights.size(); ++i) {
    const WeightShape &shape = spec.weights[i];
    ImageParam param(Float(32), static_cast<int>(shape.dims.size()),
                     "weight" + std::to_string(i));
    int stride = 1;
    for (size_t d = 0; d < shape.dims.size(); ++d) {
      param.dim(static_cast<int>(d))
          .set_bounds(0, asInt(shape.dims[d]))
          .set_stride(stride);
      stride *= asInt(shape.dims[d]);
    }
    out.weights.push_back(param);
  }

  const TensorShape &in0 = spec.inputs.front();
  Func input = view(out.inputs.front(), in0, "in");
  Func chain("anchor");
  size_t weightIndex = 0;

  switch (spec.anchor) {
  case AnchorKind::Conv: {
    const ConvParams &conv = spec.conv;
    int perGroupIn = asInt(conv.inChannels / conv.groups);
    int perGroupOut = asInt(conv.outChannels / conv.groups);
    bool padded = conv.padLeft > 0 || conv.padTop > 0 ||
                  (spec.output.width - 1) * conv.strideX +
                          (conv.kernelW - 1) * conv.dilationX >=
                      in0.width ||
                  (spec.output.height - 1) * conv.strideY +
                          (conv.kernelH - 1) * conv.dilationY >=
                      in0.height;
    Func source = input;
    if (padded)
      source = BoundaryConditions::constant_exterior(input, 0.0f,
                                                     {{0, asInt(in0.channels)},
                                                      {0, asInt(in0.width)},
                                                      {0, asInt(in0.height)}});
    RDom r(0, perGroupIn, 0, asInt(conv.kernelW), 0, asInt(conv.kernelH), "r");
    ImageParam weight = out.weights[weightIndex++];
    Expr channel = (c / perGroupOut) * perGroupIn + r.x;
    Expr ix = x * asInt(conv.strideX) + r.y * asInt(conv.dilationX) -
              asInt(conv.padLeft);
    Expr iy = y * asInt(conv.strideY) + r.z * asInt(conv.dilationY) -
              asInt(conv.padTop);
    Func acc("conv");
    if (spec.bias) {
      ImageParam bias = out.weights[weightIndex++];
      acc(c, x, y) = bias(c);
    } else {
      acc(c, x, y) = 0.0f;
    }
    acc(c, x, y) += weight(c, r.x, r.y, r.z) * source(channel, ix, iy);
    out.accumulate = acc;
    out.reduction = r;
    chain = acc;
    break;
  }
  case AnchorKind::Pool: {
    RDom r(0, asInt(in0.width), 0, asInt(in0.height), "r");
    Func sum("sum");
    sum(c) = 0.0f;
    sum(c) += input(c, r.x, r.y);
    out.accumulate = sum;
    out.reduction = r;
    float scale = 1.0f / static_cast<float>(in0.width * in0.height);
    chain(c, x, y) = sum(c) * scale;
    break;
  }
  case AnchorKind::None:
    chain = input;
    break;
  }

  int step = 0;
  for (const EpilogueStep &e : spec.epilogue) {
    Func next("step" + std::to_string(step++));
    switch (e.kind) {
    case EpilogueStep::Kind::Activation:
      next(c, x, y) = activate(e.activation, chain(c, x, y));
      break;
    case EpilogueStep::Kind::Affine: {
      ImageParam scale = out.weights[weightIndex++];
      ImageParam shift = out.weights[weightIndex++];
      next(c, x, y) = chain(c, x, y) * scale(c) + shift(c);
      break;
    }
    case EpilogueStep::Kind::ScaleInput: {
      Func other = view(out.inputs[e.input], spec.inputs[e.input],
                        "scaled" + std::to_string(step));
      next(c, x, y) = other(c, x, y) * chain(c, 0, 0);
      // The per-channel chain is computed once, then broadcast.
      chain.compute_root();
      out.chainBroadcast = true;
      break;
    }
    case EpilogueStep::Kind::ScaleByInput: {
      Func other = view(out.inputs[e.input], spec.inputs[e.input],
                        "scale" + std::to_string(step));
      next(c, x, y) = chain(c, x, y) * other(c, 0, 0);
      break;
    }
    case EpilogueStep::Kind::Add: {
      Func other = view(out.inputs[e.input], spec.inputs[e.input],
                        "residual" + std::to_string(step));
      next(c, x, y) = chain(c, x, y) + other(c, x, y);
      break;
    }
    }
    chain = next;
  }
  out.output(c, x, y) = chain(c, x, y);
  constrain(out.output.output_buffer(), spec.output);
}

/// The pixel tile in [4, largest] that wastes least of a row of `width`
/// (ShiftInwards recomputes the overlap of the last tile), larger tiles first.
int pixelTileFor(int width, int largest) {
  if (width <= largest)
    return width;
  int best = largest, bestWaste = width;
  for (int tile = largest; tile >= 4; --tile) {
    int waste = (width + tile - 1) / tile * tile - width;
    if (waste < bestWaste) {
      best = tile;
      bestWaste = waste;
    }
  }
  return best;
}

/// Schedules a convolution: the output tiled over channels (innermost,
/// vectorized) and pixels of a row, the accumulation of one tile kept in
/// registers while the reduction runs.
void scheduleConv(const KernelSpec &spec, Lowered &l, int lanes) {
  const ConvParams &conv = spec.conv;
  int outs = asInt(spec.output.channels);
  int width = asInt(spec.output.width);
  int height = asInt(spec.output.height);
  bool depthwise =
      conv.inChannels / conv.groups == 1 && conv.outChannels / conv.groups == 1;
  // Two vectors of output channels by up to eight pixels is 16 accumulators,
  // half of AVX-512's 32 registers, leaving room for the weights and input
  // broadcasts; one vector by eight for depthwise convolutions, which have no
  // channel reduction to amortize.
  int vec = powerOfTwoAtMost(outs, lanes);
  int channelTile = vec;
  // Two vectors reuse each input broadcast twice, but ShiftInwards recomputes
  // the overlap of the last tile: 40 channels cost 4 vector FMAs per pixel
  // and input channel in tiles of 32, 3 in tiles of 16. Ties go to 32.
  if (!depthwise && outs >= 2 * lanes) {
    int wide = 2 * lanes;
    int wideCost = (outs + wide - 1) / wide * 2;
    int narrowCost = (outs + lanes - 1) / lanes;
    if (wideCost <= narrowCost)
      channelTile = wide;
  }
  int pixelTile = pixelTileFor(width, 8);
  // Weights that do not fit in L2 are streamed once per row when rows are
  // outermost; with channel tiles outermost each tile's weights are read
  // from cache for every row instead.
  int64_t weightBytes = conv.outChannels * (conv.inChannels / conv.groups) *
                        conv.kernelW * conv.kernelH * 4;
  bool channelsOutermost = !depthwise && weightBytes > 192 * 1024;

  Func &out = l.output;
  Func &acc = l.accumulate;
  RDom &r = l.reduction;
  Var co("co"), ci("ci"), xo("xo"), xi("xi");
  out.split(c, co, ci, channelTile, TailStrategy::ShiftInwards)
      .split(x, xo, xi, pixelTile, TailStrategy::ShiftInwards)
      .vectorize(ci, vec)
      .unroll(xi);
  if (channelsOutermost) {
    out.reorder(ci, xi, xo, y, co).parallel(co);
  } else {
    out.reorder(ci, xi, co, xo, y);
    if (height > 1)
      out.parallel(y);
    else if (outs >= 4 * channelTile)
      out.parallel(co);
  }
  // One tile of accumulators, in registers, at the innermost tile loop.
  acc.compute_at(out, channelsOutermost ? xo : co)
      .vectorize(c, vec)
      .unroll(c)
      .unroll(x);
  acc.update()
      .reorder(c, x, r.x, r.y, r.z)
      .vectorize(c, vec)
      .unroll(c)
      .unroll(x);
  if (depthwise)
    acc.update().unroll(r.y);
}

/// The per-channel anchor of a broadcast (squeeze-excite's excitation) is
/// tiny; the work is the broadcast multiply over the large input.
void scheduleBroadcast(const KernelSpec &spec, Lowered &l, int lanes) {
  int vec = powerOfTwoAtMost(spec.output.channels, lanes);
  if (l.accumulate.defined()) {
    int anchorVec = powerOfTwoAtMost(spec.anchor == AnchorKind::Conv
                                         ? spec.conv.outChannels
                                         : spec.inputs.front().channels,
                                     lanes);
    l.accumulate.compute_root().vectorize(c, anchorVec,
                                          TailStrategy::GuardWithIf);
    l.accumulate.update().vectorize(c, anchorVec, TailStrategy::GuardWithIf);
  }
  Var co("co"), ci("ci");
  l.output.split(c, co, ci, vec, TailStrategy::ShiftInwards).vectorize(ci);
  if (spec.output.height > 1)
    l.output.parallel(y);
}

void schedulePool(const KernelSpec &spec, Lowered &l, int lanes) {
  int vec = powerOfTwoAtMost(spec.inputs.front().channels, lanes);
  l.accumulate.compute_root().vectorize(c, vec, TailStrategy::GuardWithIf);
  l.accumulate.update()
      .reorder(c, l.reduction.x, l.reduction.y)
      .vectorize(c, vec, TailStrategy::GuardWithIf);
  l.output.vectorize(c, vec, TailStrategy::GuardWithIf);
}

void scheduleElementwise(const KernelSpec &spec, Lowered &l, int lanes) {
  int vec = powerOfTwoAtMost(spec.output.channels, lanes);
  Var co("co"), ci("ci");
  l.output.split(c, co, ci, vec, TailStrategy::ShiftInwards).vectorize(ci);
  if (spec.output.height > 1)
    l.output.parallel(y);
}

Target kernelTarget(const TargetDescription &description) {
  // Kernels are internal: the driver builds every buffer they see, so checks
  // and bounds queries are dead weight. One runtime per library, elsewhere.
  return Target(description.halide)
      .with_feature(Target::NoRuntime)
      .with_feature(Target::NoAsserts)
      .with_feature(Target::NoBoundsQuery);
}

std::string llvmTriple(const Target &target) {
  std::string arch;
  switch (target.arch) {
  case Target::X86:
    arch = target.bits == 64 ? "x86_64" : "i386";
    break;
  case Target::ARM:
    arch = target.bits == 64 ? "aarch64" : "armv7";
    break;
  case Target::POWERPC:
    arch = target.bits == 64 ? "powerpc64le" : "powerpc";
    break;
  case Target::RISCV:
    arch = target.bits == 64 ? "riscv64" : "riscv32";
    break;
  case Target::WebAssembly:
    arch = "wasm32";
    break;
  default:
    return "";
  }
  switch (target.os) {
  case Target::Linux:
    return arch + (arch == "armv7" ? "-unknown-linux-gnueabihf"
                                   : "-unknown-linux-gnu");
  case Target::Android:
    return arch + "-unknown-linux-android";
  case Target::OSX:
    return (arch == "aarch64" ? std::string("arm64") : arch) +
           "-apple-macosx10.15.0";
  case Target::Windows:
    return arch + "-pc-windows-msvc";
  case Target::NoOS:
    return arch + "-unknown-unknown";
  default:
    return "";
  }
}

} // namespace

std::string mlir::effnet::codegen::describeTarget(const std::string &name,
                                                  TargetDescription &out) {
  return guarded([&] {
    Target target;
    if (name == "host") {
      target = get_host_target();
    } else {
      if (!Target::validate_target_string(name))
        throw HalideFailure("'" + name + "' is not a Halide target string");
      target = Target(name);
    }
    std::string triple = llvmTriple(target);
    if (triple.empty())
      throw HalideFailure("target '" + target.to_string() +
                          "' has no architecture and OS effnetc can emit for");
    out.halide = target.to_string();
    out.triple = triple;
    out.vectorLanes = std::max(1, target.natural_vector_size<float>());
  });
}

std::string mlir::effnet::codegen::compileKernel(
    const KernelSpec &spec, const std::string &function,
    const TargetDescription &target, const std::string &objectPath) {
  return guarded([&] {
    Lowered lowered;
    lower(spec, lowered);
    int lanes = target.vectorLanes;
    if (lowered.chainBroadcast)
      scheduleBroadcast(spec, lowered, lanes);
    else if (spec.anchor == AnchorKind::Conv)
      scheduleConv(spec, lowered, lanes);
    else if (spec.anchor == AnchorKind::Pool)
      schedulePool(spec, lowered, lanes);
    else
      scheduleElementwise(spec, lowered, lanes);

    std::vector<Argument> arguments;
    for (ImageParam &input : lowered.inputs)
      arguments.push_back(input);
    for (ImageParam &weight : lowered.weights)
      arguments.push_back(weight);
    Pipeline pipeline(lowered.output);
    pipeline.compile_to_object(objectPath, arguments, function,
                               kernelTarget(target));
  });
}

std::string
mlir::effnet::codegen::compileRuntime(const TargetDescription &target,
                                      const std::string &objectPath) {
  return guarded(
      [&] { compile_standalone_runtime(objectPath, Target(target.halide)); });
}
