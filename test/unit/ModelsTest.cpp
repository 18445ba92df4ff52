//===- ModelsTest.cpp - channel rounding and the variant tables -----------===//

#include "models/Models.h"

#include "gtest/gtest.h"

using namespace mlir::effnet;

// Expected values worked by hand from torchvision's _make_divisible:
// max(8, int(v + 4) // 8 * 8), plus 8 when that is below 0.9 v.
TEST(RoundChannels, MatchesMakeDivisible) {
  EXPECT_EQ(roundChannels(32 * 1.1), 32);   // 35.2 -> 39 // 8 * 8 = 32
  EXPECT_EQ(roundChannels(16 * 1.1), 16);   // 17.6 -> 21 // 8 * 8 = 16
  EXPECT_EQ(roundChannels(24 * 1.1), 24);   // 26.4 -> 30 // 8 * 8 = 24
  EXPECT_EQ(roundChannels(40 * 1.2), 48);   // 48.0 -> 52 // 8 * 8 = 48
  EXPECT_EQ(roundChannels(112 * 1.4), 160); // 156.8 -> 160
  EXPECT_EQ(roundChannels(20.0), 24);       // 24 // 8 * 8 = 24
  EXPECT_EQ(roundChannels(3.0), 8);         // never below the divisor
  EXPECT_EQ(roundChannels(11.9), 16);       // 15 // 8 * 8 = 8 < 10.71: + 8
  EXPECT_EQ(roundChannels(12.0), 16);       // 16 // 8 * 8 = 16
  EXPECT_EQ(roundChannels(100.0, 32), 96);  // 116 // 32 * 32 = 96 >= 90
  EXPECT_EQ(roundChannels(110.0, 32), 128); // 126 // 32 * 32 = 96 < 99
}

TEST(BlockConvOutputSize, PadsHalfTheKernel) {
  EXPECT_EQ(blockConvOutputSize(224, 3, 2), 112);
  EXPECT_EQ(blockConvOutputSize(75, 3, 2), 38);
  EXPECT_EQ(blockConvOutputSize(75, 5, 2), 38);
  EXPECT_EQ(blockConvOutputSize(7, 5, 1), 7);
  EXPECT_EQ(blockConvOutputSize(1, 3, 2), 1);
  EXPECT_EQ(blockConvOutputSize(1, 4, 1), 0); // (4 - 1) / 2 = 1 each side
}

TEST(Variants, EveryVariantHasItsTable) {
  EXPECT_EQ(getVariants().size(), 11u);
  for (const Variant &variant : getVariants()) {
    std::optional<StageTable> table = lookupStageTable(variant.table);
    ASSERT_TRUE(table.has_value()) << variant.name.str();
    EXPECT_GT(variant.resolution, 0);
  }
  EXPECT_FALSE(lookupVariant("b8").has_value());
  EXPECT_EQ(lookupVariant("b5")->bnEps, 1e-3);
  EXPECT_EQ(lookupVariant("b4")->bnEps, 1e-5);
}

// torchvision 0.14's evaluation transforms (EfficientNet_*_Weights.DEFAULT
// in torchvision/models/efficientnet.py): resize_size at the variant's own
// crop, the ratio at another resolution.
TEST(Variants, DefaultImageResizeIsTorchvisions) {
  EXPECT_EQ(defaultImageResize("b0", 224), 256);
  EXPECT_EQ(defaultImageResize("b1", 240), 255);
  EXPECT_EQ(defaultImageResize("b2", 288), 288);
  EXPECT_EQ(defaultImageResize("b3", 300), 320);
  EXPECT_EQ(defaultImageResize("b4", 380), 384);
  EXPECT_EQ(defaultImageResize("b7", 600), 600);
  EXPECT_EQ(defaultImageResize("v2_s", 384), 384);
  EXPECT_EQ(defaultImageResize("v2_l", 480), 480);
  // 64 x 256 / 224 = 73.14; 112 x 256 / 224 = 128 exactly; 7 x 8 / 7.
  EXPECT_EQ(defaultImageResize("b0", 64), 73);
  EXPECT_EQ(defaultImageResize("b0", 112), 128);
  EXPECT_EQ(defaultImageResize("custom", 7), 8);
  // Never below the crop; a half rounds up (b1: 8 x 255 / 240 = 8.5).
  EXPECT_EQ(defaultImageResize("b2", 1), 1);
  EXPECT_EQ(defaultImageResize("b1", 8), 9);
}

TEST(Variants, B0TableIsThePapersTable1) {
  std::optional<StageTable> b0 = lookupStageTable("b0");
  ASSERT_TRUE(b0.has_value());
  EXPECT_EQ(b0->stemChannels, 32);
  EXPECT_EQ(b0->headChannels, 1280);
  ASSERT_EQ(b0->rows.size(), 7u);
  int64_t layers = 0;
  for (const StageRow &row : b0->rows)
    layers += row.repeats;
  EXPECT_EQ(layers, 16);
  EXPECT_EQ(b0->rows[2].kernel, 5);
  EXPECT_EQ(b0->rows[2].outChannels, 40);
}

TEST(SamePadding, MatchesTensorFlowsDefinition) {
  // total = max((ceil(in / stride) - 1) * stride + dilation * (kernel - 1) +
  // 1 - in, 0); before = total / 2; after = the rest.
  auto check = [](int64_t size, int64_t kernel, int64_t stride,
                  int64_t dilation, int64_t before, int64_t after,
                  int64_t output) {
    mlir::effnet::SamePadding padding =
        mlir::effnet::computeSamePadding(size, kernel, stride, dilation);
    EXPECT_EQ(padding.before, before) << size << " " << kernel << " " << stride;
    EXPECT_EQ(padding.after, after) << size << " " << kernel << " " << stride;
    EXPECT_EQ(padding.output, output) << size << " " << kernel << " " << stride;
  };
  check(9, 3, 2, 1, 1, 1, 5);
  check(10, 3, 2, 1, 0, 1, 5);  // Asymmetric: the extra row goes after.
  check(224, 3, 2, 1, 0, 1, 112);
  check(225, 5, 2, 1, 2, 2, 113);
  check(9, 3, 2, 2, 2, 2, 5);   // Dilated.
  check(1, 5, 1, 1, 2, 2, 1);
  check(7, 1, 1, 1, 0, 0, 7);
  check(2, 3, 4, 1, 0, 1, 1);   // A stride wider than the input.
}
