//===- library.cpp - fuzz a generated library's Halide-style entry --------===//
//
// A small model (B0 at 32 x 32, 5 classes), compiled by effnetc at build
// time, is called through `fuzz_model(input, output)` with halide_buffer_t
// descriptors built from the fuzzer's bytes: null buffers, null dims and
// hosts, other types, ranks, extents, strides, mins and flags. The library
// must answer each with a status, never crash. The harness itself keeps its
// side of the contract: a non-null host always holds as many elements as the
// descriptor's extents and strides span.
//
//===----------------------------------------------------------------------===//

#include "HalideRuntime.h"
#include "fuzz_model.h"

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size) {
  FuzzedDataProvider data(bytes, size);
  int32_t batch = data.ConsumeIntegralInRange<int32_t>(-1, 4);
  Buffer in, out;
  build(data, in, {FUZZ_MODEL_RESOLUTION, FUZZ_MODEL_RESOLUTION, 3, batch});
  build(data, out, {FUZZ_MODEL_NUM_CLASSES, batch});
  halide_buffer_t *input = data.ConsumeIntegralInRange<int>(0, 31) ? &in.buffer
                                                                     : nullptr;
  halide_buffer_t *output =
      data.ConsumeIntegralInRange<int>(0, 31) ? &out.buffer : nullptr;
  int status = fuzz_model(input, output);
  if (status == 0) {
    // A call that succeeded wrote finite logits.
    int32_t n = out.buffer.dim[1].extent;
    for (int64_t i = 0; i < int64_t(n) * FUZZ_MODEL_NUM_CLASSES; ++i)
      if (!std::isfinite(out.host[i]))
        abort();
  } else if (status != FUZZ_MODEL_ERROR_NULL_POINTER &&
             status != FUZZ_MODEL_ERROR_BAD_BATCH &&
             status != FUZZ_MODEL_ERROR_BAD_BUFFER) {
    abort(); // Only the documented codes.
  }
  return 0;
}
