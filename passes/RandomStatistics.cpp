//===- RandomStatistics.cpp - batch-norm statistics for random weights ----===//
//
// Random weights with random batch-norm statistics are a dead model: each
// SiLU keeps about a third of its input's second moment, the constant
// shifts add up, and by the classifier every image gives the same logits.
// Trained statistics are what the mean and variance of each batch norm's
// input were on real images; here they are measured the same way, on a
// random image: the model runs forward in plain C++ (float32, one op at a
// time, in the order of the IR), and each batch norm, on reaching it, takes
// the mean and variance of its input over the image's pixels as its running
// statistics, so that its output has about its scale's variance around its
// shift, as in a trained model. A dense layer's bias, on reaching it,
// centres its outputs: that image's logits are 0. Pooled over an image,
// random images' features differ by little against their mean, which would
// otherwise decide the top class for every image alike.
//
// An analytic derivation (moments propagated as if pixels were independent)
// was tried first: its errors compound through the blocks' residual sums
// and squeeze-excite products, and B0's pooled features came out 7x the
// variance it predicted. A run at a smaller size (at most 256 pixels a
// side) was tried next: statistics measured there, applied at the model's
// size, compound their border effects too, and B4 to B7 gave logits 10-13%
// of their range apart between random images (25-40% measured at the
// model's size).
//
// So the run is at the model's size (up to kMaxSide), on one image from
// 224 pixels a side up (more below: kPixels): B0 takes 0.1 s more
// to compile with random weights, B7 at 600 and V2-L at 480 about 6 s
// (2026-12-06, AMD EPYC, 2 cores); the convolutions split their output
// channels among the cores, and are compiled for AVX2 with FMA too.
//
//===----------------------------------------------------------------------===//

#include "passes/RandomStatistics.h"

#include "dialect/EffNet.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"

#include <algorithm>
#include <cmath>
#include <system_error>
#include <thread>

using namespace mlir;
using namespace mlir::effnet;

namespace {

/// Images enough that the run holds at least kPixels input pixels (at most
/// kMaxImages): one at B0's 224 and above, more for small models, whose
/// last feature maps are a pixel or two (B0 at 32: 1 x 1), where one
/// image's variance would be 0 and its batch norms would scale the next
/// image's values by hundreds (NaN logits for a constant image).
constexpr int64_t kPixels = 224 * 224;
constexpr int64_t kMaxImages = 64;
/// The run's largest side: beyond it (no EfficientNet's size; a model of
/// 16384 pixels a side would need gigabytes per tensor), the statistics
/// are measured at this size.
constexpr int64_t kMaxSide = 1024;

/// N x C x H x W floats (a dense layer's are N x C x 1 x 1).
struct Tensor {
  int64_t n = 0, c = 0, h = 1, w = 1;
  std::vector<float> data;

  static Tensor of(int64_t n, int64_t c, int64_t h, int64_t w) {
    Tensor t;
    t.n = n, t.c = c, t.h = h, t.w = w;
    t.data.assign(static_cast<size_t>(n * c * h * w), 0.0f);
    return t;
  }
  int64_t plane() const { return h * w; }
  float *at(int64_t image, int64_t channel) {
    return data.data() + (image * c + channel) * plane();
  }
  const float *at(int64_t image, int64_t channel) const {
    return data.data() + (image * c + channel) * plane();
  }
  /// Per channel, the mean and variance over images and pixels.
  std::pair<std::vector<double>, std::vector<double>> moments() const {
    std::vector<double> mean(c), variance(c);
    for (int64_t k = 0; k < c; ++k) {
      double sum = 0, squares = 0;
      for (int64_t i = 0; i < n; ++i) {
        const float *p = at(i, k);
        for (int64_t j = 0; j < plane(); ++j) {
          sum += p[j];
          squares += double(p[j]) * p[j];
        }
      }
      double count = double(n * plane());
      mean[k] = sum / count;
      variance[k] = std::max(0.0, squares / count - mean[k] * mean[k]);
    }
    return {mean, variance};
  }
};

/// SplitMix64, as RandomWeights.cpp: the same images on every platform.
uint64_t nextRandom(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// A weight's bound values: a view of its blob where it has one, else a
/// copy.
struct Values {
  std::vector<float> owned;
  ArrayRef<float> view;

  // Moving keeps `owned`'s buffer, and so the view; a copy would not.
  Values() = default;
  Values(Values &&) = default;
  Values &operator=(Values &&) = default;
  Values(const Values &) = delete;

  size_t size() const { return view.size(); }
  float operator[](size_t i) const { return view[i]; }
  const float *data() const { return view.data(); }
};

/// The bound values of `value`'s defining weight, or none.
std::optional<Values> weightValues(Value value) {
  auto weight = value ? value.getDefiningOp<WeightOp>() : WeightOp();
  if (!weight || !weight.getValueAttr())
    return std::nullopt;
  Values values;
  if (auto blob = dyn_cast<DenseF32ResourceElementsAttr>(weight.getValueAttr()))
    if (std::optional<ArrayRef<float>> view = blob.tryGetAsArrayRef()) {
      values.view = *view;
      return values;
    }
  FailureOr<std::vector<float>> read = weight.readValues();
  if (failed(read))
    return std::nullopt;
  values.owned = std::move(*read);
  values.view = values.owned;
  return values;
}

/// Where a window's first tap reads along one dimension, and the output's
/// extent, for an input of `size` (the op's padding rule at this size).
struct Axis {
  int64_t before = 0, output = 0;
};

Axis axisOf(Conv2DOp conv, int dim, int64_t size, int64_t kernel) {
  int64_t stride = conv.getStrides()[dim], dilation = conv.getDilations()[dim];
  if (conv.getPaddingMode() == PaddingMode::same) {
    SamePadding same = computeSamePadding(size, kernel, stride, dilation);
    return {same.before, same.output};
  }
  ArrayRef<int64_t> padding = conv.getPadding();
  int64_t before = padding[dim], after = padding[dim + 2];
  int64_t span = size + before + after - dilation * (kernel - 1) - 1;
  return {before, span < 0 ? 0 : span / stride + 1};
}

/// One convolution's shapes, the loops' bounds and its operands.
struct ConvWork {
  const Tensor *in = nullptr;
  Tensor *result = nullptr;
  const float *weights = nullptr;
  const float *bias = nullptr;
  int64_t perGroup = 1, outPerGroup = 1, kh = 1, kw = 1;
  int64_t sy = 1, sx = 1, dy = 1, dx = 1;
  Axis rows, cols;
  bool pointwise = false;
};

/// Output channels [begin, end) of `work`. Compiled for AVX2 with FMA too,
/// chosen at run time (effnetc runs on any x86-64).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2,fma", "default")))
#endif
void convolveChannels(const ConvWork &work, int64_t begin, int64_t end) {
  const Tensor &in = *work.in;
  Tensor &result = *work.result;
  int64_t perGroup = work.perGroup;
  if (work.pointwise) {
    // A pointwise convolution, most of the work: per output channel, a
    // block of kBlock pixels accumulates in registers over the input
    // channels (the block of every input channel stays in the cache for
    // the next output channel).
    constexpr int64_t kBlock = 16;
    for (int64_t image = 0; image < in.n; ++image)
      for (int64_t base = 0; base < in.plane(); base += kBlock) {
        int64_t count = std::min(kBlock, in.plane() - base);
        const float *src = in.at(image, 0) + base;
        for (int64_t o = begin; o < end; ++o) {
          const float *w = work.weights + o * perGroup;
          float first = work.bias ? work.bias[o] : 0.0f;
          float *dst = result.at(image, o) + base;
          if (count == kBlock) {
            float acc[kBlock];
            for (int64_t j = 0; j < kBlock; ++j)
              acc[j] = first;
            for (int64_t i = 0; i < perGroup; ++i) {
              const float *x = src + i * in.plane();
              float weight = w[i];
              for (int64_t j = 0; j < kBlock; ++j)
                acc[j] += weight * x[j];
            }
            std::copy(acc, acc + kBlock, dst);
            continue;
          }
          for (int64_t j = 0; j < count; ++j) {
            float acc = first;
            for (int64_t i = 0; i < perGroup; ++i)
              acc += w[i] * src[i * in.plane() + j];
            dst[j] = acc;
          }
        }
      }
    return;
  }
  const Axis &rows = work.rows, &cols = work.cols;
  int64_t kh = work.kh, kw = work.kw, sx = work.sx;
  for (int64_t image = 0; image < in.n; ++image)
    for (int64_t o = begin; o < end; ++o) {
      float *dst = result.at(image, o);
      if (work.bias)
        std::fill(dst, dst + result.plane(), work.bias[o]);
      int64_t firstIn = (o / work.outPerGroup) * perGroup;
      for (int64_t i = 0; i < perGroup; ++i) {
        const float *src = in.at(image, firstIn + i);
        const float *w = work.weights + (o * perGroup + i) * kh * kw;
        for (int64_t ky = 0; ky < kh; ++ky)
          for (int64_t kx = 0; kx < kw; ++kx) {
            float weight = w[ky * kw + kx];
            // The output pixels whose tap reads inside the row.
            int64_t offset = kx * work.dx - cols.before;
            int64_t first = offset >= 0 ? 0 : (-offset + sx - 1) / sx;
            int64_t last = std::min(cols.output - 1,
                                    in.w - 1 - offset < 0
                                        ? int64_t(-1)
                                        : (in.w - 1 - offset) / sx);
            for (int64_t oy = 0; oy < rows.output; ++oy) {
              int64_t iy = oy * work.sy - rows.before + ky * work.dy;
              if (iy < 0 || iy >= in.h)
                continue;
              float *row = dst + oy * result.w;
              const float *from = src + iy * in.w + offset;
              if (sx == 1)
                for (int64_t ox = first; ox <= last; ++ox)
                  row[ox] += weight * from[ox];
              else
                for (int64_t ox = first; ox <= last; ++ox)
                  row[ox] += weight * from[ox * sx];
            }
          }
      }
    }
}

std::optional<Tensor> convolve(Conv2DOp conv, const Tensor &in) {
  std::optional<Values> weights = weightValues(conv.getWeight());
  std::optional<Values> bias;
  if (!weights || (conv.getBias() && !(bias = weightValues(conv.getBias()))))
    return std::nullopt;
  auto type = cast<RankedTensorType>(conv.getWeight().getType());
  int64_t out = type.getDimSize(0);
  ConvWork work;
  work.perGroup = type.getDimSize(1);
  work.kh = type.getDimSize(2);
  work.kw = type.getDimSize(3);
  int64_t groups = conv.getGroups();
  if (groups < 1 || work.perGroup * groups != in.c || out % groups != 0)
    return std::nullopt;
  work.rows = axisOf(conv, 0, in.h, work.kh);
  work.cols = axisOf(conv, 1, in.w, work.kw);
  work.sy = conv.getStrides()[0], work.sx = conv.getStrides()[1];
  work.dy = conv.getDilations()[0], work.dx = conv.getDilations()[1];
  Tensor result =
      Tensor::of(in.n, out, work.rows.output, work.cols.output);
  work.in = &in;
  work.result = &result;
  work.weights = weights->data();
  work.bias = bias ? bias->data() : nullptr;
  work.outPerGroup = out / groups;
  work.pointwise = groups == 1 && work.kh == 1 && work.kw == 1 &&
                   work.sy == 1 && work.sx == 1 && work.rows.before == 0 &&
                   work.cols.before == 0 && result.plane() == in.plane();
  // The output channels split among the machine's cores (each writes its
  // own planes).
  int64_t macs = out * work.perGroup * work.kh * work.kw * result.plane() *
                 in.n;
  unsigned threads = std::max(1u, std::min(std::thread::hardware_concurrency(),
                                           8u));
  if (macs < (int64_t(1) << 22) || out < 2)
    threads = 1;
  threads = std::min<unsigned>(threads, out);
  std::vector<std::thread> workers;
  unsigned started = 1;
  for (; started < threads; ++started) {
    try {
      workers.emplace_back(convolveChannels, std::cref(work),
                           out * started / threads,
                           out * (started + 1) / threads);
    } catch (const std::system_error &) {
      break; // No thread to be had: this one does the rest.
    }
  }
  convolveChannels(work, 0, out / threads);
  for (unsigned t = started; t < threads; ++t)
    convolveChannels(work, out * t / threads, out * (t + 1) / threads);
  for (std::thread &worker : workers)
    worker.join();
  return result;
}

/// In double, rounded once: libm's float exp has variants per CPU feature
/// that may round differently.
float activate(ActivationKind kind, float x) {
  switch (kind) {
  case ActivationKind::silu:
  case ActivationKind::swish:
    return static_cast<float>(x / (1.0 + std::exp(-double(x))));
  case ActivationKind::sigmoid:
    return static_cast<float>(1.0 / (1.0 + std::exp(-double(x))));
  case ActivationKind::relu:
    return x > 0 ? x : 0;
  case ActivationKind::identity:
    return x;
  }
  return x;
}

} // namespace

void mlir::effnet::deriveRandomStatistics(
    Operation *model, uint64_t seed,
    llvm::function_ref<bool(WeightOp)> isDerived,
    llvm::function_ref<void(WeightOp, ArrayRef<float>)> bind) {
  auto function = dyn_cast<func::FuncOp>(model);
  if (!function || function.isExternal())
    return;
  llvm::DenseMap<Value, Tensor> tensors;
  // The images: uniform 8-bit pixels normalized with ImageNet's mean and
  // std for three channels; other counts, uniform with unit variance.
  static const float kMean[3] = {0.485f, 0.456f, 0.406f};
  static const float kStd[3] = {0.229f, 0.224f, 0.225f};
  uint64_t state = seed ^ 0x5eed5eed5eed5eedULL;
  for (BlockArgument input : function.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || type.getRank() != 4 || !type.hasStaticShape())
      continue;
    int64_t h = std::min(type.getDimSize(2), kMaxSide),
            w = std::min(type.getDimSize(3), kMaxSide);
    int64_t images = std::clamp<int64_t>(
        (kPixels + h * w - 1) / std::max<int64_t>(h * w, 1), 1, kMaxImages);
    Tensor t = Tensor::of(images, type.getDimSize(1), h, w);
    for (int64_t image = 0; image < t.n; ++image)
      for (int64_t c = 0; c < t.c; ++c) {
        float *p = t.at(image, c);
        for (int64_t j = 0; j < t.plane(); ++j) {
          uint64_t bits = nextRandom(state);
          p[j] = t.c == 3 ? (float(bits % 256) / 255.0f - kMean[c]) / kStd[c]
                          : (float(bits >> 40) * 0x1.0p-24f - 0.5f) * 3.4641f;
        }
      }
    tensors[input] = std::move(t);
  }
  // Each value is freed after its last use.
  llvm::DenseMap<Value, unsigned> usesLeft;
  function.walk([&](Operation *op) {
    for (Value operand : op->getOperands())
      ++usesLeft[operand];
  });

  function.walk([&](Operation *op) -> WalkResult {
    if (isa<WeightOp>(op) || op->getNumResults() != 1 ||
        op->getNumOperands() == 0)
      return WalkResult::advance();
    auto found = tensors.find(op->getOperand(0));
    if (found == tensors.end())
      return WalkResult::advance();
    const Tensor &in = found->second;
    // The input to compute the result in: moved when this op is its last
    // use (elementwise ops, most of them), else copied.
    auto takeInput = [&]() -> Tensor {
      Value first = op->getOperand(0);
      if (usesLeft[first] == 1 &&
          llvm::count(op->getOperands(), first) == 1) {
        Tensor moved = std::move(found->second);
        return moved;
      }
      return found->second;
    };
    std::optional<Tensor> out;
    if (auto conv = dyn_cast<Conv2DOp>(op)) {
      out = convolve(conv, in);
    } else if (auto norm = dyn_cast<BatchNormOp>(op)) {
      auto [mean, variance] = in.moments();
      auto measure = [&](Value value, const std::vector<double> &measured,
                         double least) {
        auto weight = value.getDefiningOp<WeightOp>();
        if (!weight || !isDerived(weight) ||
            cast<RankedTensorType>(weight.getType()).getNumElements() != in.c)
          return;
        std::vector<float> values(measured.size());
        for (size_t k = 0; k < values.size(); ++k)
          values[k] = static_cast<float>(std::max(measured[k], least));
        bind(weight, values);
      };
      // A channel nearly constant on the random images would have its
      // deviations on another image scaled without bound: its variance is
      // at least a thousandth of the channels' mean variance.
      double meanVariance = 0;
      for (double v : variance)
        meanVariance += v / double(variance.size());
      measure(norm.getMean(), mean, -HUGE_VAL);
      measure(norm.getVariance(), variance, std::max(1e-3 * meanVariance, 1e-6));
      // Then the batch norm as folding computes it (computeAffine), once
      // every weight of it is bound.
      for (Value weight : {norm.getScale(), norm.getShift(), norm.getMean(),
                           norm.getVariance()})
        if (!weightValues(weight))
          return WalkResult::advance();
      FailureOr<std::pair<std::vector<double>, std::vector<double>>> affine =
          norm.computeAffine();
      if (failed(affine) ||
          affine->first.size() != static_cast<size_t>(in.c) ||
          affine->second.size() != static_cast<size_t>(in.c))
        return WalkResult::advance();
      out = takeInput();
      for (int64_t c = 0; c < out->c; ++c) {
        float a = static_cast<float>(affine->first[c]);
        float b = static_cast<float>(affine->second[c]);
        for (int64_t image = 0; image < out->n; ++image) {
          float *p = out->at(image, c);
          for (int64_t j = 0; j < out->plane(); ++j)
            p[j] = p[j] * a + b;
        }
      }
    } else if (auto activation = dyn_cast<ActivationOp>(op)) {
      out = takeInput();
      for (float &value : out->data)
        value = activate(activation.getKind(), value);
    } else if (isa<GlobalAvgPoolOp>(op)) {
      out = Tensor::of(in.n, in.c, 1, 1);
      for (int64_t image = 0; image < in.n; ++image)
        for (int64_t c = 0; c < in.c; ++c) {
          const float *p = in.at(image, c);
          double sum = 0;
          for (int64_t j = 0; j < in.plane(); ++j)
            sum += p[j];
          *out->at(image, c) = static_cast<float>(sum / double(in.plane()));
        }
    } else if (isa<FlattenOp>(op)) {
      out = takeInput();
      out->c *= out->plane();
      out->h = out->w = 1;

    } else if (auto mul = dyn_cast<ChannelMulOp>(op)) {
      auto scale = tensors.find(mul.getScale());
      if (scale == tensors.end() || scale->second.c != in.c ||
          scale->second.plane() != 1 || scale->second.n != in.n)
        return WalkResult::advance();
      const Tensor &factors = scale->second;
      out = takeInput();
      for (int64_t image = 0; image < out->n; ++image)
        for (int64_t c = 0; c < out->c; ++c) {
          float s = *factors.at(image, c);
          float *p = out->at(image, c);
          for (int64_t j = 0; j < out->plane(); ++j)
            p[j] *= s;
        }
    } else if (auto add = dyn_cast<AddOp>(op)) {
      auto rhs = tensors.find(add.getRhs());
      if (rhs == tensors.end() || rhs->second.data.size() != in.data.size())
        return WalkResult::advance();
      const Tensor &addend = rhs->second;
      out = takeInput();
      for (size_t j = 0; j < out->data.size(); ++j)
        out->data[j] += addend.data[j];
    } else if (auto dense = dyn_cast<DenseOp>(op)) {
      auto type = cast<RankedTensorType>(dense.getWeight().getType());
      std::optional<Values> weights =
          weightValues(dense.getWeight());
      int64_t outputs = type.getDimSize(0);
      if (!weights || type.getDimSize(1) != in.c * in.plane())
        return WalkResult::advance();
      int64_t features = type.getDimSize(1);
      out = Tensor::of(in.n, outputs, 1, 1);
      for (int64_t image = 0; image < in.n; ++image)
        for (int64_t k = 0; k < outputs; ++k) {
          double sum = 0;
          const float *x = in.data.data() + image * features;
          for (int64_t j = 0; j < features; ++j)
            sum += double((*weights)[k * features + j]) * x[j];
          *out->at(image, k) = static_cast<float>(sum);
        }
      // The bias: one to derive centres the outputs; else the bound one.
      auto biasWeight = dense.getBias()
                            ? dense.getBias().getDefiningOp<WeightOp>()
                            : WeightOp();
      if (biasWeight && isDerived(biasWeight) &&
          cast<RankedTensorType>(biasWeight.getType()).getNumElements() ==
              outputs) {
        std::vector<double> mean = out->moments().first;
        std::vector<float> values(outputs);
        for (int64_t k = 0; k < outputs; ++k)
          values[k] = static_cast<float>(-mean[k]);
        bind(biasWeight, values);
      }
      std::optional<Values> bias;
      if (dense.getBias() && !(bias = weightValues(dense.getBias())))
        return WalkResult::advance();
      if (bias)
        for (int64_t image = 0; image < in.n; ++image)
          for (int64_t k = 0; k < outputs; ++k)
            *out->at(image, k) += (*bias)[k];
    }
    for (Value operand : op->getOperands())
      if (--usesLeft[operand] == 0)
        tensors.erase(operand);
    if (out)
      tensors[op->getResult(0)] = std::move(*out);
    return WalkResult::advance();
  });
}
