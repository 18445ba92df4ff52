//===- HalfTest.cpp - float to half as --fp16-weights rounds --------------===//

#include "codegen/Half.h"

#include "llvm/ADT/APFloat.h"

#include "gtest/gtest.h"

#include <cstring>
#include <random>

using mlir::effnet::codegen::toHalf;

namespace {

/// LLVM's IEEE conversion, rounded to nearest, ties to even.
uint16_t reference(float value) {
  llvm::APFloat f(value);
  bool lost = false;
  f.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue());
}

float fromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

bool isNaN(uint16_t half) {
  return (half & 0x7c00u) == 0x7c00u && (half & 0x3ffu) != 0;
}

void expectSame(uint32_t bits) {
  float value = fromBits(bits);
  uint16_t want = reference(value), got = toHalf(value);
  if (isNaN(want)) {
    EXPECT_TRUE(isNaN(got)) << std::hex << bits;
    EXPECT_EQ(got & 0x8000u, want & 0x8000u) << std::hex << bits;
    return;
  }
  EXPECT_EQ(got, want) << "float bits 0x" << std::hex << bits;
}

TEST(ToHalf, KnownValues) {
  EXPECT_EQ(toHalf(0.0f), 0x0000);
  EXPECT_EQ(toHalf(-0.0f), 0x8000);
  EXPECT_EQ(toHalf(1.0f), 0x3c00);
  EXPECT_EQ(toHalf(-2.0f), 0xc000);
  EXPECT_EQ(toHalf(65504.0f), 0x7bff);  // the largest half
  EXPECT_EQ(toHalf(65520.0f), 0x7c00);  // halfway above it: infinity
  EXPECT_EQ(toHalf(65519.0f), 0x7bff);
  EXPECT_EQ(toHalf(1.0f / 16384), 0x0400);     // the smallest normal
  EXPECT_EQ(toHalf(1.0f / 16777216), 0x0001);  // the smallest subnormal
  EXPECT_EQ(toHalf(1.0f / 33554432), 0x0000);  // half of it: ties to even
  EXPECT_EQ(toHalf(1.5f / 16777216), 0x0002);  // 1.5 units: ties to even
  EXPECT_EQ(toHalf(1.0f + 1.0f / 2048), 0x3c00);  // a tie, to even
  EXPECT_EQ(toHalf(1.0f + 3.0f / 2048), 0x3c02);  // a tie, to even (up)
}

/// Every sign and exponent, with mantissas whose dropped bits sit at,
/// around and away from the rounding point, and a million random floats:
/// the same bits as LLVM's conversion (NaNs: a NaN of the same sign).
TEST(ToHalf, MatchesAPFloat) {
  const uint32_t tails[] = {0x0,    0x1,    0xfff,  0x1000, 0x1001,
                            0x1fff, 0x0800, 0x17ff, 0x1800};
  for (uint32_t sign = 0; sign < 2; ++sign)
    for (uint32_t exponent = 0; exponent < 256; ++exponent)
      for (uint32_t kept = 0; kept < 1024; kept += 7)
        for (uint32_t tail : tails)
          expectSame(sign << 31 | exponent << 23 | kept << 13 | tail);
  // Subnormal halves round at other bits: every low pattern of a few.
  for (uint32_t exponent = 127 - 26; exponent <= 127 - 14; ++exponent)
    for (uint32_t mantissa = 0; mantissa < (1u << 23); mantissa += 4093)
      expectSame(exponent << 23 | mantissa);
  std::mt19937 random(2026);
  for (int i = 0; i < 1000000; ++i)
    expectSame(static_cast<uint32_t>(random()));
}

} // namespace
