//===- Half.h - float to IEEE half, as --fp16-weights stores weights ------===//
//
// Self-contained (the unit tests check it against LLVM's APFloat).
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_HALF_H
#define EFFNET_CODEGEN_HALF_H

#include <cstdint>
#include <cstring>

namespace mlir {
namespace effnet {
namespace codegen {

/// `value` as an IEEE half float's bits, rounded to nearest, ties to even
/// (overflow to infinity, NaN kept NaN), as torch's Tensor.half() rounds.
inline uint16_t toHalf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  uint32_t sign = (bits >> 16) & 0x8000u;
  uint32_t exponent = (bits >> 23) & 0xffu;
  uint32_t mantissa = bits & 0x7fffffu;
  if (exponent == 0xff) // Infinity, or a NaN kept quiet and non-zero.
    return static_cast<uint16_t>(sign | 0x7c00u |
                                 (mantissa ? 0x200u | (mantissa >> 13) : 0));
  int32_t unbiased = static_cast<int32_t>(exponent) - 127;
  if (unbiased > 15)
    return static_cast<uint16_t>(sign | 0x7c00u);
  if (unbiased >= -14) {
    // Normal: 10 of the 23 mantissa bits kept, the rest rounded; a carry
    // out of the mantissa steps the exponent (up to infinity), as it should.
    uint32_t half = (static_cast<uint32_t>(unbiased + 15) << 10) |
                    (mantissa >> 13);
    uint32_t rest = mantissa & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u)))
      ++half;
    return static_cast<uint16_t>(sign | half);
  }
  if (unbiased < -25) // Below half the smallest subnormal: zero.
    return static_cast<uint16_t>(sign);
  // Subnormal: the significand (with its leading 1) shifted to units of the
  // smallest half subnormal, 2^-24, and rounded; rounding up to 2^-14 gives
  // the smallest normal.
  uint32_t significand = mantissa | 0x800000u;
  int shift = -unbiased - 1; // 14..24 more than a normal's 13
  uint32_t half = significand >> shift;
  uint32_t rest = significand & ((1u << shift) - 1);
  uint32_t halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (half & 1u)))
    ++half;
  return static_cast<uint16_t>(sign | half);
}

} // namespace codegen
} // namespace effnet
} // namespace mlir

#endif // EFFNET_CODEGEN_HALF_H
