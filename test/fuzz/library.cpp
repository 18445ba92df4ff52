//===- library.cpp - fuzz a generated library's Halide-style entry --------===//
//
// A small model (B0 at 32 x 32, 5 classes), compiled by effnetc at build
// time, is called through `fuzz_model(input, output)` with halide_buffer_t
// descriptors built from the fuzzer's bytes: null buffers, null dims and
// hosts, other types, ranks, extents, strides, mins and flags; and through
// `fuzz_model_run_rgb8` with fuzzed pixels, batches and row strides,
// `fuzz_model_run_with_workspace` after fuzzed thread counts, with fuzzed
// batches and workspace sizes, and the image entries (`_run_image`,
// `_preprocess_image`, of fuzz_model and of fuzz_model_aa, which
// antialiases) with fuzzed widths, heights, row strides and batches. The
// library must answer each with a status, never crash. The harness itself keeps
// its side of the contract: a non-null host always holds as many elements as
// the descriptor's extents and strides span.
//
//===----------------------------------------------------------------------===//

#include "HalideRuntime.h"
#include "fuzz_model.h"
#include "fuzz_model_aa.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

/// One halide_buffer_t, its dims and its host memory.
struct Buffer {
  halide_buffer_t buffer = {};
  std::vector<halide_dimension_t> dims;
  std::vector<float> host;
};

/// The most bytes a fuzzed host may span (larger: a null host); ten images
/// of the 32 x 32 model, so that a call that runs stays quick.
constexpr int64_t kMaxBytes = 128 << 10;

/// Mostly a right value, sometimes anything.
int32_t pick(FuzzedDataProvider &data, int32_t right) {
  switch (data.ConsumeIntegralInRange<int>(0, 7)) {
  case 0:
    return data.ConsumeIntegral<int32_t>();
  case 1:
    return right + data.ConsumeIntegralInRange<int32_t>(-2, 2);
  default:
    return right;
  }
}

void build(FuzzedDataProvider &data, Buffer &b,
           const std::vector<int32_t> &extents) {
  int rank = static_cast<int>(extents.size());
  b.buffer.type.code = static_cast<halide_type_code_t>(
      static_cast<uint8_t>(pick(data, halide_type_float)));
  b.buffer.type.bits = static_cast<uint8_t>(pick(data, 32));
  b.buffer.type.lanes = static_cast<uint16_t>(pick(data, 1));
  b.buffer.dimensions = pick(data, rank);
  b.buffer.flags = data.ConsumeIntegralInRange<uint64_t>(0, 3);
  b.buffer.device = 0;
  b.buffer.device_interface = nullptr;
  int allocated = std::max(0, std::min(b.buffer.dimensions, 8));
  b.dims.resize(allocated);
  int64_t stride = 1;
  int64_t span = 1;
  bool spanKnown = true;
  for (int d = 0; d < allocated; ++d) {
    int32_t right = d < rank ? extents[d] : 1;
    halide_dimension_t &dim = b.dims[d];
    dim.min = data.ConsumeBool() ? 0 : data.ConsumeIntegral<int32_t>();
    dim.extent = pick(data, right);
    dim.stride = pick(data, static_cast<int32_t>(stride));
    dim.flags = 0;
    stride *= right;
    if (dim.extent > 0) {
      int64_t reach = (int64_t(dim.extent) - 1) * std::abs(int64_t(dim.stride));
      if (reach < kMaxBytes)
        span += reach;
      else
        spanKnown = false;
    }
  }
  if (!data.ConsumeIntegralInRange<int>(0, 15))
    b.dims.clear(); // A null dims array.
  b.buffer.dim = b.dims.empty() ? nullptr : b.dims.data();
  // A host the size the descriptor spans (in elements of the descriptor's
  // own type), or none at all.
  int64_t elementBytes = std::max<int64_t>(1, (b.buffer.type.bits + 7) / 8) *
                         std::max<int64_t>(1, b.buffer.type.lanes);
  bool nullHost = !spanKnown || span * elementBytes > kMaxBytes ||
                  !data.ConsumeIntegralInRange<int>(0, 15);
  if (!nullHost) {
    b.host.assign(static_cast<size_t>(span * elementBytes + 3) / 4, 0.5f);
    b.buffer.host = reinterpret_cast<uint8_t *>(b.host.data());
  }
}

/// Only the documented codes, and finite logits from a call that succeeded.
void check(int status, const float *logits, int32_t batch) {
  if (status == 0) {
    for (int64_t i = 0; i < int64_t(batch) * FUZZ_MODEL_NUM_CLASSES; ++i)
      if (!std::isfinite(logits[i]))
        abort();
  } else if (status != FUZZ_MODEL_ERROR_NULL_POINTER &&
             status != FUZZ_MODEL_ERROR_BAD_BATCH &&
             status != FUZZ_MODEL_ERROR_BAD_BUFFER) {
    abort();
  }
}

/// fuzz_model_run_rgb8 with fuzzed pointers, batch and row stride; the
/// pixels, when given, span what the batch and stride say.
void runPixels(FuzzedDataProvider &data) {
  constexpr int32_t res = FUZZ_MODEL_RESOLUTION;
  int32_t batch = data.ConsumeIntegralInRange<int32_t>(-1, 3);
  size_t stride = static_cast<size_t>(pick(data, 3 * res));
  if (data.ConsumeBool())
    stride = 3 * res + data.ConsumeIntegralInRange<size_t>(0, 64);
  std::vector<uint8_t> pixels;
  std::vector<float> logits;
  uint64_t bytes = uint64_t(std::max(batch, 0)) * res * stride;
  bool nullPixels =
      bytes > uint64_t(kMaxBytes) || !data.ConsumeIntegralInRange<int>(0, 31);
  if (!nullPixels) {
    pixels = data.ConsumeBytes<uint8_t>(static_cast<size_t>(bytes));
    pixels.resize(static_cast<size_t>(bytes), 128);
  }
  if (data.ConsumeIntegralInRange<int>(0, 31))
    logits.assign(size_t(std::max(batch, 0)) * FUZZ_MODEL_NUM_CLASSES + 1, 0);
  int status =
      fuzz_model_run_rgb8(nullPixels ? nullptr : pixels.data(), batch, stride,
                          logits.empty() ? nullptr : logits.data());
  check(status, logits.data(), batch);
}

/// An image entry with fuzzed pointers, batch, width, height and row
/// stride; the pixels, when given, span what those say (images of up to
/// kMaxBytes, up to 300 pixels a side: downscaled and upscaled).
void runImage(FuzzedDataProvider &data) {
  bool antialias = data.ConsumeBool();
  int32_t batch = data.ConsumeIntegralInRange<int32_t>(-1, 3);
  int32_t width = data.ConsumeIntegralInRange<int32_t>(-2, 300);
  int32_t height = data.ConsumeIntegralInRange<int32_t>(-2, 300);
  size_t stride = static_cast<size_t>(pick(data, 3 * width));
  if (data.ConsumeBool())
    stride = 3 * size_t(std::max(width, 0)) +
             data.ConsumeIntegralInRange<size_t>(0, 7);
  uint64_t bytes = uint64_t(std::max(batch, 0)) *
                   uint64_t(std::max(height, 0)) * uint64_t(stride);
  bool nullPixels = stride > uint64_t(kMaxBytes) ||
                    bytes > uint64_t(kMaxBytes) ||
                    !data.ConsumeIntegralInRange<int>(0, 31);
  std::vector<uint8_t> pixels;
  if (!nullPixels) {
    pixels = data.ConsumeBytes<uint8_t>(static_cast<size_t>(bytes));
    pixels.resize(std::max<size_t>(static_cast<size_t>(bytes), 1), 128);
  }
  const uint8_t *in = nullPixels ? nullptr : pixels.data();
  if (data.ConsumeBool()) {
    std::vector<float> input(size_t(std::max(batch, 0)) * 3 *
                                 FUZZ_MODEL_RESOLUTION * FUZZ_MODEL_RESOLUTION +
                             1);
    int status =
        antialias
            ? fuzz_model_aa_preprocess_image(in, batch, width, height, stride,
                                             input.data())
            : fuzz_model_preprocess_image(in, batch, width, height, stride,
                                          input.data());
    // Normalized bytes: (p / 255 - mean) / std, within [-2.2, 2.7].
    for (size_t i = 0; status == 0 && i + 1 < input.size(); ++i)
      if (!(input[i] >= -2.2f && input[i] <= 2.7f))
        abort();
    check(status, nullptr, 0);
    return;
  }
  std::vector<float> logits;
  if (data.ConsumeIntegralInRange<int>(0, 31))
    logits.assign(size_t(std::max(batch, 0)) * FUZZ_MODEL_NUM_CLASSES + 1, 0);
  float *out = logits.empty() ? nullptr : logits.data();
  int status =
      antialias
          ? fuzz_model_aa_run_image(in, batch, width, height, stride, out)
          : fuzz_model_run_image(in, batch, width, height, stride, out);
  check(status, out, batch);
}

/// fuzz_model_run_with_workspace after a fuzzed thread count, with a
/// fuzzed batch and a workspace of fuzzed size around what it needs (one
/// arena, one per thread): images at once, fewer at once, one at a time.
void runInWorkspace(FuzzedDataProvider &data) {
  int threads = data.ConsumeIntegralInRange<int>(-2, 4);
  int old = fuzz_model_set_num_threads(threads);
  if ((threads < 0) != (old == -1))
    abort();
  int32_t batch = data.ConsumeIntegralInRange<int32_t>(-1, 5);
  size_t least = FUZZ_MODEL_WORKSPACE_BYTES;
  size_t size = fuzz_model_workspace_size(batch);
  if ((batch < 1) != (size == 0) || (batch >= 1 && size < least))
    abort();
  size = data.ConsumeIntegralInRange<size_t>(0, std::max(size, least) + 256);
  std::vector<unsigned char> workspace(std::max<size_t>(size, 1));
  std::vector<float> input(
      size_t(std::max(batch, 0)) * 3 * FUZZ_MODEL_RESOLUTION *
          FUZZ_MODEL_RESOLUTION,
      0.25f);
  std::vector<float> logits(
      size_t(std::max(batch, 0)) * FUZZ_MODEL_NUM_CLASSES + 1, 0);
  int status = fuzz_model_run_with_workspace(input.data(), batch,
                                             logits.data(), workspace.data(),
                                             size);
  if (status == FUZZ_MODEL_ERROR_WORKSPACE) {
    if (batch >= 1 && size >= least)
      abort();
    return;
  }
  check(status, logits.data(), batch);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size) {
  FuzzedDataProvider data(bytes, size);
  switch (data.ConsumeIntegralInRange<int>(0, 9)) {
  case 0:
  case 1:
    runPixels(data);
    return 0;
  case 2:
    runInWorkspace(data);
    return 0;
  case 3:
  case 4:
    runImage(data);
    return 0;
  default:
    break;
  }
  int32_t batch = data.ConsumeIntegralInRange<int32_t>(-1, 4);
  Buffer in, out;
  build(data, in, {FUZZ_MODEL_RESOLUTION, FUZZ_MODEL_RESOLUTION, 3, batch});
  build(data, out, {FUZZ_MODEL_NUM_CLASSES, batch});
  halide_buffer_t *input =
      data.ConsumeIntegralInRange<int>(0, 31) ? &in.buffer : nullptr;
  halide_buffer_t *output =
      data.ConsumeIntegralInRange<int>(0, 31) ? &out.buffer : nullptr;
  int status = fuzz_model(input, output);
  check(status, out.host.data(), status == 0 ? out.buffer.dim[1].extent : 0);
  return 0;
}
