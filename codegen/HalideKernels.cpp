//===- HalideKernels.cpp - kernels as Halide pipelines --------------------===//
//
// The only file that includes Halide.h. Each KernelSpec becomes one Halide
// pipeline: the algorithm first (an anchor convolution or pooling and an
// epilogue of elementwise steps), then the group's schedule, applied as the
// #effnet.schedule attribute says: nothing here decides a schedule.
//
//===----------------------------------------------------------------------===//

#include "codegen/HalideKernels.h"
#include "codegen/HalideNames.h"
#include "codegen/runtime/Runtime.h"

#include "Halide.h"

#include "llvm/Support/Error.h"

#include <mutex>
#include <optional>
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

/// An error with `message` as its text (a message, not a format: Halide's
/// may hold a '%').
llvm::Error fail(const std::string &message) {
  return llvm::createStringError(message);
}

/// Runs `body`, turning anything Halide throws into an error of one line:
/// the one place Halide's errors become the llvm::Error the rest of effnetc
/// handles.
template <typename Body> llvm::Error guarded(Body body) {
  installReporter();
  try {
    body();
    return llvm::Error::success();
  } catch (const HalideFailure &e) {
    std::string message = e.what();
    while (!message.empty() &&
           (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    for (char &ch : message)
      if (ch == '\n')
        ch = ' ';
    return fail(message.empty() ? "Halide failed" : message);
  } catch (const Halide::Error &e) {
    return fail(e.what());
  } catch (const std::exception &e) {
    return fail(e.what());
  }
}

int asInt(int64_t value) { return static_cast<int>(value); }

Var c("c"), x("x"), y("y"), k("k");

/// Constrains a buffer to `dims` (getBufferDims), so that Halide knows every
/// stride and extent when it compiles.
/// A weight as float: half-float weights (--fp16-weights) widen as read.
Expr widen(Expr value) {
  return value.type() == Float(32) ? value : cast<float>(value);
}

void constrain(OutputImageParam param, const std::vector<BufferDim> &dims) {
  for (size_t d = 0; d < dims.size(); ++d) {
    auto dim = param.dim(static_cast<int>(d));
    dim.set_bounds(0, asInt(dims[d].extent));
    if (dims[d].stride != kRuntimeStride)
      dim.set_stride(asInt(dims[d].stride));
  }
}

/// The activation as a function of (c, x, y), whatever its layout; 8-bit
/// pixels normalized as `spec` says.
Func view(const ImageParam &param, const TensorShape &shape,
          const std::string &name, const KernelSpec &spec) {
  Func f(name);
  if (shape.planar) {
    f(c, x, y) = param(x, y, c);
  } else if (shape.rgb8) {
    // Per channel, a select over the channels: a handful of values.
    auto perChannel = [&](const std::vector<float> &values) {
      Expr value = values.back();
      for (size_t i = values.size() - 1; i-- > 0;)
        value = select(c == static_cast<int>(i), values[i], value);
      return value;
    };
    f(c, x, y) =
        (cast<float>(param(c, x, y)) / 255.0f - perChannel(spec.pixelMean)) /
        perChannel(spec.pixelStd);
  } else {
    f(c, x, y) = param(c, x, y);
  }
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
  /// The convolution's input and weights as read (padded, scaled), when
  /// they differ from the buffers.
  Func inputRead, weightsRead;
  /// The per-channel value a broadcast multiplies a larger input by.
  Func excite;
  /// Winograd: the input's rows transformed along x (computed with the
  /// transformed input, `inputRead`).
  Func winogradRows;
  /// A 1x1 expansion in front of the anchor: its accumulation and result.
  Func expandAccumulate, expanded;
  RDom expandReduction;
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

/// Winograd's F(2x2, 3x3) (algorithm = winograd). In each 2x2 output tile
/// (tx, ty), per input channel, the 4x4 input tile d is transformed to
/// V = B^T d B, multiplied by the transformed weights U = G g G^T
/// (winogradWeights) and summed over input channels: M = sum U V, 16 values
/// per output channel; the output tile is A^T M A. B^T = [[1, 0, -1, 0],
/// [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], A^T = [[1, 1, 1, 0],
/// [0, 1, -1, -1]]: the transforms are additions. The 16 positions are the
/// variable k (4 * row + column).
void lowerWinograd(const KernelSpec &spec, Func source, Lowered &out,
                   size_t &weightIndex, Func &chain) {
  const ConvParams &conv = spec.conv;
  ImageParam u = out.weights[weightIndex++];
  // B^T applied to four values.
  auto transformIn = [](Expr index, Expr d0, Expr d1, Expr d2, Expr d3) {
    return mux(index, {d0 - d2, d1 + d2, d2 - d1, d1 - d3});
  };
  // Along x: rows(c, tx, input row, column of V).
  Func rows("winograd_rows");
  Expr x0 = 2 * x - asInt(conv.padLeft);
  rows(c, x, y, k) = transformIn(k, source(c, x0, y), source(c, x0 + 1, y),
                                 source(c, x0 + 2, y), source(c, x0 + 3, y));
  // Along y: V(c, tx, ty, 4 * row + column).
  Func v("winograd_input");
  Expr y0 = 2 * y - asInt(conv.padTop);
  Expr column = k % 4;
  v(c, x, y, k) =
      transformIn(k / 4, rows(c, x, y0, column), rows(c, x, y0 + 1, column),
                  rows(c, x, y0 + 2, column), rows(c, x, y0 + 3, column));
  RDom r(0, asInt(conv.inChannels), "r");
  Func m("conv");
  m(c, x, y, k) = 0.0f;
  m(c, x, y, k) += widen(u(c, r.x, k)) * v(r.x, x, y, k);
  // A^T along x, then y; the bias after.
  auto transformOut = [](Expr odd, Expr m0, Expr m1, Expr m2, Expr m3) {
    return select(odd, m1 - m2 - m3, m0 + m1 + m2);
  };
  auto atRow = [&](int row) {
    auto at = [&](int col) { return m(c, x / 2, y / 2, 4 * row + col); };
    return transformOut(x % 2 == 1, at(0), at(1), at(2), at(3));
  };
  Expr value = transformOut(y % 2 == 1, atRow(0), atRow(1), atRow(2), atRow(3));
  if (spec.bias)
    value += out.weights[weightIndex++](c);
  chain(c, x, y) = value;
  out.accumulate = m;
  out.reduction = r;
  out.inputRead = v;
  out.winogradRows = rows;
}

void lower(const KernelSpec &spec, Lowered &out) {
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    ImageParam param(spec.inputs[i].rgb8 ? UInt(8) : Float(32), 3,
                     "input" + std::to_string(i));
    constrain(param, getBufferDims(spec.inputs[i]));
    out.inputs.push_back(param);
  }
  for (size_t i = 0; i < spec.weights.size(); ++i) {
    const WeightShape &shape = spec.weights[i];
    ImageParam param(shape.half ? Float(16) : Float(32),
                     static_cast<int>(shape.dims.size()),
                     "weight" + std::to_string(i));
    constrain(param, getBufferDims(shape));
    out.weights.push_back(param);
  }

  TensorShape in0 = spec.inputs.front();
  Func input = view(out.inputs.front(), in0, "in", spec);
  Func chain("anchor");
  size_t weightIndex = 0;

  // A convolution's accumulation starts at its bias, the next weight, or 0.
  auto start = [&](bool bias) -> Expr {
    if (!bias)
      return 0.0f;
    ImageParam values = out.weights[weightIndex++];
    return values(c);
  };

  // Activations and affine steps of an epilogue, applied to `value`.
  auto simpleStep = [&](const EpilogueStep &e, Func value, Func next) {
    if (e.kind == EpilogueStep::Kind::Activation) {
      next(c, x, y) = activate(e.activation, value(c, x, y));
    } else {
      ImageParam scale = out.weights[weightIndex++];
      ImageParam shift = out.weights[weightIndex++];
      next(c, x, y) = value(c, x, y) * scale(c) + shift(c);
    }
  };

  if (spec.expansion.present) {
    // The 1x1 expansion in front of the anchor: its result is what the
    // anchor reads as input.
    const KernelSpec::Expansion &e = spec.expansion;
    RDom re(0, asInt(e.conv.inChannels), "re");
    ImageParam weight = out.weights[weightIndex++];
    Func acc("expand_acc");
    acc(c, x, y) = start(e.bias);
    acc(c, x, y) += widen(weight(c, re, 0, 0)) * input(re, x, y);
    Func value = acc;
    int step = 0;
    for (const EpilogueStep &s : e.epilogue) {
      Func next("expand_step" + std::to_string(step++));
      simpleStep(s, value, next);
      value = next;
    }
    Func expanded("expanded");
    expanded(c, x, y) = value(c, x, y);
    out.expandAccumulate = acc;
    out.expandReduction = re;
    out.expanded = expanded;
    input = expanded;
    in0.channels = e.conv.outChannels;
    in0.planar = false;
    in0.rgb8 = false;
  }

  switch (spec.anchor) {
  case AnchorKind::Conv: {
    const ConvParams &conv = spec.conv;
    int perGroupIn = asInt(conv.inChannels / conv.groups);
    int perGroupOut = asInt(conv.outChannels / conv.groups);
    Func source = input;
    if (conv.padded)
      source = BoundaryConditions::constant_exterior(input, 0.0f,
                                                     {{0, asInt(in0.channels)},
                                                      {0, asInt(in0.width)},
                                                      {0, asInt(in0.height)}});
    if (spec.schedule.winograd) {
      lowerWinograd(spec, source, out, weightIndex, chain);
      break;
    }
    RDom r(0, perGroupIn, 0, asInt(conv.kernelW), 0, asInt(conv.kernelH), "r");
    ImageParam weightBuffer = out.weights[weightIndex++];
    Func weight("weights");
    weight(c, x, y, k) = widen(weightBuffer(c, x, y, k));
    bool scaledWeights = false;
    if (spec.inputScale >= 0) {
      // A squeeze-excite scale per input channel: folded into the weights
      // when the schedule places them, else applied to the input as read.
      Func scale = view(out.inputs[spec.inputScale],
                        spec.inputs[spec.inputScale], "se", spec);
      if (spec.schedule.places[Schedule::Weights].compute != Schedule::Inline) {
        Func scaled("scaled_weights");
        scaled(c, x, y, k) = widen(weightBuffer(c, x, y, k)) * scale(x, 0, 0);
        weight = scaled;
        scaledWeights = true;
      } else {
        Func scaled("scaled_input");
        scaled(c, x, y) = source(c, x, y) * scale(c, 0, 0);
        source = scaled;
      }
    }
    if (conv.padded || spec.inputScale >= 0)
      out.inputRead = source;
    if (scaledWeights)
      out.weightsRead = weight;
    // The input channel an output channel reads. Spelled out for the common
    // cases: Halide cannot prove c / outChannels == 0 for a vector of c, and
    // would gather the input where one broadcast suffices.
    Expr channel = conv.groups == 1 ? Expr(r.x)
                   : perGroupIn == 1 && perGroupOut == 1
                       ? Expr(c)
                       : (c / perGroupOut) * perGroupIn + r.x;
    Expr ix = x * asInt(conv.strideX) + r.y * asInt(conv.dilationX) -
              asInt(conv.padLeft);
    Expr iy = y * asInt(conv.strideY) + r.z * asInt(conv.dilationY) -
              asInt(conv.padTop);
    Func acc("conv");
    acc(c, x, y) = start(spec.bias);
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
    case EpilogueStep::Kind::Affine:
      simpleStep(e, chain, next);
      break;
    case EpilogueStep::Kind::ScaleInput: {
      Func other = view(out.inputs[e.input], spec.inputs[e.input],
                        "scaled" + std::to_string(step), spec);
      next(c, x, y) = other(c, x, y) * chain(c, 0, 0);
      out.excite = chain;
      break;
    }
    case EpilogueStep::Kind::ScaleByInput: {
      Func other = view(out.inputs[e.input], spec.inputs[e.input],
                        "scale" + std::to_string(step), spec);
      next(c, x, y) = chain(c, x, y) * other(c, 0, 0);
      break;
    }
    case EpilogueStep::Kind::Add: {
      Func other = view(out.inputs[e.input], spec.inputs[e.input],
                        "residual" + std::to_string(step), spec);
      next(c, x, y) = chain(c, x, y) + other(c, x, y);
      break;
    }
    }
    chain = next;
  }
  // The output's buffer dimensions are its variables, innermost first: a
  // planar result (a model output) is (x, y, c), as getBufferDims lays it.
  if (spec.output.planar)
    out.output(x, y, c) = chain(c, x, y);
  else
    out.output(c, x, y) = chain(c, x, y);
  constrain(out.output.output_buffer(), getBufferDims(spec.output));
}

TailStrategy tailOf(const Schedule &s) {
  return s.shiftInwards ? TailStrategy::ShiftInwards
                        : TailStrategy::GuardWithIf;
}

/// The output's tile loops, as the schedule splits, orders and fuses them.
struct TileLoops {
  Var outer[3] = {Var("co"), Var("xo"), Var("yo")};
  Var inner[3] = {Var("ci"), Var("xi"), Var("yi")};
  /// The loop that levels c, x and y name (the fused loop for parallel
  /// loops fused together).
  LoopLevel levelOf(Func f, int level) const {
    if (level == Schedule::Root)
      return LoopLevel::root();
    if (level == Schedule::Inline)
      return LoopLevel::inlined();
    return LoopLevel(f, at[level - Schedule::AtC]);
  }
  VarOrRVar at[3] = {outer[0], outer[1], outer[2]};
};

/// Splits the output into tiles, orders, unrolls, vectorizes and
/// parallelizes its loops.
TileLoops scheduleOutput(const Schedule &s, Func &out) {
  TileLoops loops;
  Var dims[3] = {c, x, y};
  // Winograd's x and y tiles divide the output (the verifier checks), so
  // every tile starts at an even pixel and row, a 2x2 tile boundary.
  for (int d = 0; d < 3; ++d)
    out.split(dims[d], loops.outer[d], loops.inner[d], asInt(s.tile[d]),
              s.winograd && d > 0 ? TailStrategy::RoundUp : tailOf(s));
  // Innermost first: the tile's channels, pixels and rows, then the tile
  // loops from the innermost of `order` out.
  std::vector<VarOrRVar> nest = {loops.inner[0], loops.inner[1],
                                 loops.inner[2]};
  for (auto it = s.order.rbegin(); it != s.order.rend(); ++it)
    nest.push_back(loops.outer[*it]);
  out.reorder(nest);
  out.vectorize(loops.inner[0], asInt(s.vector));
  if (s.unrolls(Schedule::C))
    out.unroll(loops.inner[0]);
  if (s.unrolls(Schedule::X))
    out.unroll(loops.inner[1]);
  if (s.unrolls(Schedule::Y))
    out.unroll(loops.inner[2]);
  if (s.parallel.empty())
    return loops;
  // Parallel loops, outermost first in `order`, fused into one named after
  // the innermost of them.
  VarOrRVar fused = loops.outer[s.parallel.back()];
  for (size_t i = s.parallel.size() - 1; i-- > 0;) {
    Var next("fused" + std::to_string(i));
    out.fuse(fused, loops.outer[s.parallel[i]], next);
    fused = next;
  }
  loops.at[s.parallel.back()] = fused;
  if (s.grain > 1)
    out.parallel(fused, asInt(s.grain), TailStrategy::GuardWithIf);
  else
    out.parallel(fused);
  return loops;
}

/// A convolution's reduction (input channels innermost, then the window)
/// around the accumulator's tile, a row or a pixel, as `reduce` says.
void orderReduction(const Schedule &s, Stage update, const RDom &r) {
  if (s.reduce == Schedule::InsidePixel)
    update.reorder(c, r.x, r.y, r.z, x, y);
  else if (s.reduce == Schedule::InsideRow)
    update.reorder(c, x, r.x, r.y, r.z, y);
  else
    update.reorder(c, x, y, r.x, r.y, r.z);
}

/// Places `f` where the schedule says (inline leaves it to Halide's default).
void place(Func f, const Schedule::Place &p, const TileLoops &loops, Func out) {
  if (p.compute == Schedule::Inline)
    return;
  f.compute_at(loops.levelOf(out, p.compute));
  f.store_at(loops.levelOf(out, p.store));
}

/// Applies the group's schedule to its pipeline.
void applySchedule(const KernelSpec &spec, Lowered &l) {
  const Schedule &s = spec.schedule;
  TileLoops loops = scheduleOutput(s, l.output);
  int vector = asInt(s.vector);
  // Reductions' updates guard their channel tails; the producers' pure
  // stages as inner_tail says.
  auto guard = TailStrategy::GuardWithIf;
  auto inner = s.innerShift ? TailStrategy::ShiftInwards : guard;

  if (l.accumulate.defined()) {
    const Schedule::Place &p = s.places[Schedule::Acc];
    place(l.accumulate, p, loops, l.output);
    // Inside a tile the accumulator has the tile's extents: unrolled as the
    // schedule says, so that it lives in registers. At root it spans the
    // tensor and is only vectorized.
    bool inTile = p.compute != Schedule::Root;
    Func &acc = l.accumulate;
    RDom &r = l.reduction;
    acc.vectorize(c, vector, inner);
    Stage update = acc.update();
    if (s.winograd) {
      // M(c, tx, ty, position): per position, the input channels' loop
      // around the tile's channel vectors and tiles (x), in registers.
      if (s.reduce == Schedule::InsidePixel)
        update.reorder(c, r.x, x, k, y);
      else
        update.reorder(c, x, r.x, k, y);
      update.vectorize(c, vector, guard);
      if (inTile && s.unrolls(Schedule::C)) {
        int factor = asInt(s.tile[0] / s.vector);
        acc.unroll(c, factor, guard);
        update.unroll(c, factor, guard);
      }
      if (inTile && s.unrolls(Schedule::X)) {
        acc.unroll(x, asInt(s.tile[1] / 2));
        update.unroll(x, asInt(s.tile[1] / 2));
      }
    } else if (spec.anchor == AnchorKind::Conv) {
      orderReduction(s, update, r);
      update.vectorize(c, vector, guard);
      if (inTile) {
        for (int d : {Schedule::C, Schedule::X, Schedule::Y}) {
          if (!s.unrolls(d))
            continue;
          Var v = d == Schedule::C ? c : d == Schedule::X ? x : y;
          if (s.shiftInwards) {
            acc.unroll(v);
            update.unroll(v);
          } else {
            // A guarded tail tile is shorter: unroll by the full tile (in
            // vectors along c), guarded.
            int factor =
                asInt(d == Schedule::C ? s.tile[0] / s.vector : s.tile[d]);
            acc.unroll(v, factor, guard);
            update.unroll(v, factor, guard);
          }
        }
      }
      if (s.unrolls(Schedule::KX))
        update.unroll(r.y);
      if (s.unrolls(Schedule::KY))
        update.unroll(r.z);
    } else {
      update.reorder(c, r.x, r.y).vectorize(c, vector, guard);
    }
  }
  if (l.inputRead.defined()) {
    const Schedule::Place &p = s.places[Schedule::Input];
    place(l.inputRead, p, loops, l.output);
    if (p.compute != Schedule::Inline)
      l.inputRead.vectorize(c, vector, inner);
    if (s.winograd) {
      // The transforms' 16 and 4 positions unrolled, each a fixed sum
      // (winograd_positions = unrolled), or loops; the rows where
      // winograd_rows says, else with the transformed input.
      if (p.compute != Schedule::Inline) {
        l.inputRead.reorder(c, k, x, y);
        if (!s.winogradLoop)
          l.inputRead.unroll(k);
      }
      Schedule::Place rows = p;
      if (s.winogradRows >= 0)
        rows.compute = rows.store = s.winogradRows;
      if (rows.compute != Schedule::Inline) {
        place(l.winogradRows, rows, loops, l.output);
        l.winogradRows.vectorize(c, vector, inner).reorder(c, k, x, y);
        if (!s.winogradLoop)
          l.winogradRows.unroll(k);
      }
    }
    if (p.parallel)
      l.inputRead.parallel(p.across == Schedule::X ? x : y);
  }
  if (l.weightsRead.defined()) {
    const Schedule::Place &p = s.places[Schedule::Weights];
    place(l.weightsRead, p, loops, l.output);
    l.weightsRead.vectorize(c, vector, inner);
    // By default over input channels (x): scaled weights belong to a
    // convolution of one group, whose weights have several of them.
    if (p.parallel)
      l.weightsRead.parallel(p.across == Schedule::X ? x : y);
  }
  if (l.expanded.defined()) {
    // The expansion's result, where the schedule places it; inside it, its
    // accumulator a tile (expand_tile) at a time, unrolled as the anchor's
    // output is, so that it too lives in registers.
    const Schedule::Place &p = s.places[Schedule::Expand];
    Func &e = l.expanded;
    place(e, p, loops, l.output);
    Var eco("eco"), eci("eci"), exo("exo"), exi("exi");
    // Halide 14 drops the guard of a vectorized tail (the last tile's
    // vectors are stored whole, past the expanded channels): where the
    // channel tile leaves one, the last tile moves inwards instead
    // (expandShift; the verifier has checked that the tile fits).
    int64_t tileC = s.expandTile[0], tileX = s.expandTile[1];
    e.split(c, eco, eci, asInt(tileC),
            s.expandShift ? TailStrategy::ShiftInwards : guard)
        .split(x, exo, exi, asInt(tileX), guard)
        .reorder(eci, exi, eco, exo, y)
        .vectorize(eci, vector);
    if (s.unrolls(Schedule::X))
      e.unroll(exi);
    if (p.parallel)
      e.parallel(p.across == Schedule::X ? exo : y);
    Func &acc = l.expandAccumulate;
    acc.compute_at(e, eco).vectorize(c, vector, inner);
    acc.update().reorder(c, x, l.expandReduction.x).vectorize(c, vector, guard);
    if (s.unrolls(Schedule::C)) {
      acc.unroll(c, asInt(tileC / s.vector), guard);
      acc.update().unroll(c, asInt(tileC / s.vector), guard);
    }
    if (s.unrolls(Schedule::X)) {
      acc.unroll(x, asInt(tileX), guard);
      acc.update().unroll(x, asInt(tileX), guard);
    }
  }
  if (l.excite.defined()) {
    const Schedule::Place &p = s.places[Schedule::Excite];
    place(l.excite, p, loops, l.output);
    if (p.compute != Schedule::Inline)
      l.excite.vectorize(c, vector, inner);
  }
}

/// Applies a GPU schedule (threads given): each block computes one tile of
/// the output, the block loops ordered as `order` says; a block's
/// threads[d] threads along d take the tile's values threads[d] apart (so
/// that neighbouring threads read neighbouring channels), each computing
/// tile[d] / threads[d] of them in a loop of its own (unrolled where
/// `unroll` says). A producer placed at a tile loop is computed by each
/// thread for its own values, in its registers or private memory; the
/// reduction loops sit around a thread's values as `reduce` says. A
/// producer in `shared` is computed instead once per block, for the whole
/// tile (with its halo), into the block's shared memory: the block's threads
/// take its values threads[d] apart along its first three dimensions, in
/// serial loops around that (guarded at the region's edges), and Halide puts
/// a barrier between it and the threads that read it. The input, the
/// weights (where a squeeze-excite scale is folded into them) and the
/// excitation can be staged; the accumulator (each thread's own sums) and
/// the fused expansion (itself a reduction) cannot. Producers at root and
/// Winograd are refused (not compiled for GPUs yet).
void applyGpuSchedule(const KernelSpec &spec, Lowered &l) {
  const Schedule &s = spec.schedule;
  if (s.winograd)
    throw HalideFailure("Winograd is not compiled for GPUs yet: give "
                        "algorithm = direct");
  Var dims[3] = {c, x, y};
  Var blocks[3] = {Var("cb"), Var("xb"), Var("yb")};
  Var threads[3] = {Var("ct"), Var("xt"), Var("yt")};
  Var own[3] = {Var("ci"), Var("xi"), Var("yi")};
  Func &out = l.output;
  for (int d = 0; d < 3; ++d) {
    Var rest("rest" + std::to_string(d));
    out.split(dims[d], blocks[d], rest, asInt(s.tile[d]), tailOf(s))
        .split(rest, own[d], threads[d], asInt(s.threads[d]),
               TailStrategy::RoundUp);
  }
  std::vector<VarOrRVar> nest = {own[0], own[1], own[2],
                                 threads[0], threads[1], threads[2]};
  for (auto it = s.order.rbegin(); it != s.order.rend(); ++it)
    nest.push_back(blocks[*it]);
  out.reorder(nest);
  for (int d = 0; d < 3; ++d)
    if (s.unrolls(d))
      out.unroll(own[d]);
  out.gpu_threads(threads[0], threads[1], threads[2]);
  out.gpu_blocks(VarOrRVar(nest[6]), VarOrRVar(nest[7]), VarOrRVar(nest[8]));

  // Per thread: at the innermost thread loop; per block (shared memory):
  // at the innermost block loop.
  LoopLevel perThread(out, threads[0]);
  LoopLevel perBlock(out, VarOrRVar(nest[6]));
  auto staged = [&](int producer) {
    return llvm::is_contained(s.shared, producer);
  };
  for (int producer : s.shared) {
    const char *why = producer == Schedule::Acc
                          ? "the accumulator holds each thread's own sums"
                      : producer == Schedule::Expand
                          ? "the fused expansion is a reduction of its own"
                          : nullptr;
    if (why)
      throw HalideFailure(std::string("'") +
                          (producer == Schedule::Acc ? "acc" : "expand") +
                          "' cannot be staged in shared memory: " + why +
                          "; stage the input, the weights or the excitation");
    Func f = producer == Schedule::Input     ? l.inputRead
             : producer == Schedule::Weights ? l.weightsRead
                                             : l.excite;
    if (!f.defined())
      throw HalideFailure(
          std::string("'") +
          (producer == Schedule::Input     ? "input"
           : producer == Schedule::Weights ? "weights"
                                           : "excite") +
          "' is staged in shared memory, but this kernel has no such "
          "producer (the input is one when it is padded or scaled, the "
          "weights when a squeeze-excite scale is folded into them)");
  }
  auto place = [&](Func f, const Schedule::Place &p, int producer) {
    if (p.compute == Schedule::Inline)
      return false;
    if (p.compute == Schedule::Root)
      throw HalideFailure("a producer computed at root is not compiled for "
                          "GPUs yet: place it at a tile loop or inline");
    if (!staged(producer)) {
      f.compute_at(perThread).store_at(perThread);
      return true;
    }
    f.compute_at(perBlock).store_at(perBlock).store_in(MemoryType::GPUShared);
    std::vector<Var> args = f.args();
    std::vector<VarOrRVar> order, serial, spread;
    for (size_t d = 0; d < args.size(); ++d) {
      if (d >= 3) {
        serial.push_back(args[d]);
        continue;
      }
      Var outer(args[d].name() + "_s"), inner(args[d].name() + "_t");
      f.split(args[d], outer, inner, asInt(s.threads[d]),
              TailStrategy::GuardWithIf);
      spread.push_back(inner);
      serial.push_back(outer);
    }
    order = spread;
    order.insert(order.end(), serial.begin(), serial.end());
    f.reorder(order);
    if (spread.size() == 3)
      f.gpu_threads(spread[0], spread[1], spread[2]);
    else if (spread.size() == 2)
      f.gpu_threads(spread[0], spread[1]);
    else
      f.gpu_threads(spread[0]);
    return true;
  };
  // A global pooling's reduction shared by reduceThreads threads per
  // channel: each sums every N-th row (guarded past the last) into the
  // block's shared memory, and the channel's thread adds the N sums.
  bool sharedReduction = s.reduceThreads > 1;
  if (sharedReduction) {
    if (spec.anchor != AnchorKind::Pool)
      throw HalideFailure("reduce_threads is for a global pooling's kernel");
    RDom &r = l.reduction;
    RVar rows("rows"), row("row");
    Var u("u");
    Func partial = l.accumulate.update()
                       .split(r.y, rows, row, s.reduceThreads,
                              TailStrategy::GuardWithIf)
                       .rfactor(row, u);
    partial.compute_at(perBlock).store_in(MemoryType::GPUShared);
    partial.gpu_threads(c, u);
    partial.update().reorder(r.x, rows, c, u).gpu_threads(c, u);
  }
  if (l.accumulate.defined() &&
      place(l.accumulate, s.places[Schedule::Acc], Schedule::Acc) &&
      !sharedReduction) {
    Stage update = l.accumulate.update();
    RDom &r = l.reduction;
    if (spec.anchor == AnchorKind::Conv) {
      orderReduction(s, update, r);
      if (s.unrolls(Schedule::KX))
        update.unroll(r.y);
      if (s.unrolls(Schedule::KY))
        update.unroll(r.z);
    } else {
      update.reorder(c, r.x, r.y);
    }
  }
  if (l.inputRead.defined())
    place(l.inputRead, s.places[Schedule::Input], Schedule::Input);
  if (l.weightsRead.defined())
    place(l.weightsRead, s.places[Schedule::Weights], Schedule::Weights);
  if (l.expanded.defined() &&
      place(l.expanded, s.places[Schedule::Expand], Schedule::Expand))
    l.expandAccumulate.compute_at(perThread);
  if (l.excite.defined())
    place(l.excite, s.places[Schedule::Excite], Schedule::Excite);
}

Target kernelTarget(const TargetDescription &description) {
  // Kernels are internal: the driver builds every buffer they see, so checks
  // and bounds queries are dead weight. One runtime per library, elsewhere.
  return Target(description.halide)
      .with_feature(Target::NoRuntime)
      .with_feature(Target::NoAsserts)
      .with_feature(Target::NoBoundsQuery);
}

/// The LLVM triple of `target` (Triples.def), or "" when effnetc does not
/// emit for its architecture and OS.
std::string llvmTriple(const Target &target) {
  struct Row {
    Target::Arch arch;
    int bits;
    Target::OS os;
    const char *triple;
  };
  static const Row rows[] = {
#define EFFNET_TRIPLE(ARCH, BITS, OS, TRIPLE)                                  \
  {Target::ARCH, BITS, Target::OS, TRIPLE},
#include "codegen/Triples.def"
#undef EFFNET_TRIPLE
  };
  for (const Row &row : rows)
    if (row.arch == target.arch && row.bits == target.bits &&
        row.os == target.os)
      return row.triple;
  return "";
}

/// Adds `features` (enum effnet_cpu_feature) to `mask`.
void addFeatures(uint64_t &mask, std::initializer_list<int> features) {
  for (int feature : features)
    mask |= uint64_t(1) << feature;
}

/// The CPU features code compiled for `target` may use. Halide 14 gives
/// LLVM a CPU model per x86 level (penryn for SSE4.1, corei7-avx for AVX,
/// haswell for AVX2, knl, skylake-avx512, cannonlake, sapphirerapids), and
/// LLVM may use whatever that model has: the model's features count.
uint64_t cpuFeatures(const Target &target) {
  uint64_t f = 0;
  if (target.arch == Target::X86) {
    bool skylake = target.has_feature(Target::AVX512_Skylake) ||
                   target.has_feature(Target::AVX512_Cannonlake) ||
                   target.has_feature(Target::AVX512_SapphireRapids);
    bool haswell = target.has_feature(Target::AVX2) || skylake ||
                   target.has_feature(Target::AVX512_KNL);
    bool sandybridge = haswell || target.has_feature(Target::AVX);
    if (sandybridge || target.has_feature(Target::SSE41))
      addFeatures(f, {EFFNET_CPU_SSSE3, EFFNET_CPU_SSE41});
    if (sandybridge)
      addFeatures(f, {EFFNET_CPU_SSE42, EFFNET_CPU_POPCNT, EFFNET_CPU_AVX});
    if (haswell)
      addFeatures(f, {EFFNET_CPU_AVX2, EFFNET_CPU_BMI1, EFFNET_CPU_BMI2,
                      EFFNET_CPU_LZCNT, EFFNET_CPU_MOVBE, EFFNET_CPU_FMA,
                      EFFNET_CPU_F16C});
    if (target.has_feature(Target::FMA))
      addFeatures(f, {EFFNET_CPU_FMA});
    if (target.has_feature(Target::FMA4))
      addFeatures(f, {EFFNET_CPU_FMA4});
    if (target.has_feature(Target::F16C))
      addFeatures(f, {EFFNET_CPU_F16C});
    if (target.has_feature(Target::AVX512) ||
        target.has_feature(Target::AVX512_KNL) || skylake)
      addFeatures(f, {EFFNET_CPU_AVX512F, EFFNET_CPU_AVX512CD});
    if (target.has_feature(Target::AVX512_KNL))
      addFeatures(f, {EFFNET_CPU_AVX512ER, EFFNET_CPU_AVX512PF});
    if (skylake)
      addFeatures(f, {EFFNET_CPU_AVX512BW, EFFNET_CPU_AVX512DQ,
                      EFFNET_CPU_AVX512VL});
    if (target.has_feature(Target::AVX512_Cannonlake) ||
        target.has_feature(Target::AVX512_SapphireRapids))
      addFeatures(f, {EFFNET_CPU_AVX512IFMA, EFFNET_CPU_AVX512VBMI});
    if (target.has_feature(Target::AVX512_SapphireRapids))
      addFeatures(f, {EFFNET_CPU_AVX512BF16, EFFNET_CPU_AVX512VNNI,
                      EFFNET_CPU_AVXVNNI});
  } else if (target.arch == Target::ARM) {
    if (target.bits == 32 && !target.has_feature(Target::NoNEON))
      addFeatures(f, {EFFNET_CPU_NEON});
    if (target.has_feature(Target::ARMDotProd))
      addFeatures(f, {EFFNET_CPU_ARM_DOTPROD});
    if (target.has_feature(Target::ARMFp16))
      addFeatures(f, {EFFNET_CPU_ARM_FP16});
    if (target.has_feature(Target::SVE))
      addFeatures(f, {EFFNET_CPU_SVE});
    if (target.has_feature(Target::SVE2))
      addFeatures(f, {EFFNET_CPU_SVE2});
  }
  return f;
}

/// `target` without the vector extensions cpuFeatures counts: what Halide's
/// runtime is compiled for.
Target withoutExtensions(Target target) {
  for (Target::Feature feature :
       {Target::SSE41, Target::AVX, Target::AVX2, Target::FMA, Target::FMA4,
        Target::F16C, Target::AVX512, Target::AVX512_KNL,
        Target::AVX512_Skylake, Target::AVX512_Cannonlake,
        Target::AVX512_SapphireRapids, Target::ARMDotProd, Target::ARMFp16,
        Target::SVE, Target::SVE2})
    target = target.without_feature(feature);
  return target;
}

} // namespace

llvm::Expected<TargetDescription>
mlir::effnet::codegen::describeTarget(const std::string &name) {
  TargetDescription out;
  llvm::Error error = guarded([&] {
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
    out.cpuFeatures = cpuFeatures(target);
    out.gpu = target.has_gpu_feature();
  });
  if (error)
    return std::move(error);
  return out;
}

void FrontEndOrder::run(size_t index, const std::function<void()> &frontEnd) {
  {
    std::unique_lock<std::mutex> guard(lock);
    turn.wait(guard, [&] { return next == index; });
  }
  struct Pass {
    FrontEndOrder &order;
    ~Pass() {
      std::lock_guard<std::mutex> guard(order.lock);
      order.advance();
    }
  } pass{*this};
  frontEnd();
}

void FrontEndOrder::skip(size_t index) {
  std::lock_guard<std::mutex> guard(lock);
  if (index == next)
    advance();
  else
    skipped.insert(index);
}

void FrontEndOrder::advance() {
  ++next;
  while (skipped.erase(next))
    ++next;
  turn.notify_all();
}

llvm::Error mlir::effnet::codegen::compileKernel(
    const KernelSpec &spec, const std::string &function,
    const TargetDescription &target, const std::string &objectPath,
    size_t index, FrontEndOrder &order) {
  return guarded([&] {
    std::optional<Module> module;
    order.run(index, [&] {
      // GPU schedules for GPU targets only, and every kernel of a GPU
      // target on the GPU: a CPU schedule there would run on the host
      // without a word.
      bool gpuTarget = Target(target.halide).has_gpu_feature();
      if (!spec.schedule.threads.empty() && !gpuTarget)
        throw HalideFailure("GPU threads in a schedule for a CPU target (" +
                            target.halide +
                            "): compile for a cuda or opencl target, or "
                            "remove threads");
      if (spec.schedule.threads.empty() && gpuTarget)
        throw HalideFailure("a schedule without GPU threads for a GPU target "
                            "(" + target.halide +
                            ") would run on the CPU: give threads");
      startKernelNames();
      Lowered lowered;
      lower(spec, lowered);
      if (!spec.schedule.threads.empty())
        applyGpuSchedule(spec, lowered);
      else if (!spec.schedule.shared.empty())
        throw HalideFailure("shared memory is a GPU's: give threads with "
                            "shared, or remove shared");
      else
        applySchedule(spec, lowered);
      // A specialization takes the schedule as it stands: applied last.
      if (spec.schedule.denseRows)
        for (size_t i = 0; i < spec.inputs.size(); ++i)
          if (spec.inputs[i].rgb8)
            lowered.output.specialize(
                lowered.inputs[i].dim(2).stride() ==
                asInt(spec.inputs[i].channels * spec.inputs[i].width));

      std::vector<Argument> arguments;
      for (ImageParam &input : lowered.inputs)
        arguments.push_back(input);
      for (ImageParam &weight : lowered.weights)
        arguments.push_back(weight);
      Pipeline pipeline(lowered.output);
      module = pipeline.compile_to_module(arguments, function,
                                          kernelTarget(target));
    });
    module->compile({{OutputFileType::object, objectPath}});
  });
}

void mlir::effnet::codegen::useCallerStackForHalide() {
  Halide::set_compiler_stack_size(0);
}

llvm::Error
mlir::effnet::codegen::compileRuntime(const TargetDescription &target,
                                      const std::string &objectPath) {
  return guarded(
      [&] {
        startKernelNames();
        compile_standalone_runtime(objectPath,
                                   withoutExtensions(Target(target.halide)));
      });
}
