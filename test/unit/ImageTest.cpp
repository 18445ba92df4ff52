//===- ImageTest.cpp - the image entries' resize and crop, natively ------===//
//
// codegen/runtime/Image.c compiled for this machine (under ASan and UBSan in
// the sanitizer build, which the generated libraries' copy of it is not):
// images of many shapes in buffers of exactly the bytes the call may read,
// every scratch size giving the same bits, values that are whole numbers
// in [0, 255], and a constant image staying constant. That the bits are
// torchvision's is test/e2e/image.test's to check.
//
//===----------------------------------------------------------------------===//

#include "codegen/runtime/Image.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

struct Shape {
  int32_t width, height;
  size_t padding; // bytes after each row's 3 x width
  int32_t resize, crop;
};

/// The crop of a width x height image of `value` (or a pattern when value
/// < 0) with `scratch` floats of room; the pixels in a buffer of exactly
/// the bytes the rows span (the last row without its padding).
std::vector<float> resizeCrop(const Shape &s, int antialias, size_t scratch,
                              int value = -1) {
  size_t stride = 3 * size_t(s.width) + s.padding;
  size_t bytes = stride * (s.height - 1) + 3 * size_t(s.width);
  std::unique_ptr<uint8_t[]> pixels(new uint8_t[bytes]);
  for (size_t i = 0; i < bytes; ++i)
    pixels[i] = value >= 0 ? uint8_t(value) : uint8_t((i * 37 + i / 7) % 256);
  std::vector<float> out(3 * size_t(s.crop) * s.crop, -1.0f);
  std::unique_ptr<float[]> room(scratch ? new float[scratch] : nullptr);
  effnet_rt_resize_crop_rgb8(pixels.get(), s.width, s.height, stride,
                             s.resize, s.crop, antialias, out.data(),
                             room.get(), scratch);
  return out;
}

const Shape kShapes[] = {
    {1, 1, 0, 8, 8},      {1, 500, 0, 16, 16},   {500, 1, 5, 16, 16},
    {3, 2, 1, 9, 7},      {97, 41, 3, 40, 32},   {41, 97, 0, 73, 64},
    {640, 480, 2, 36, 32}, {33, 2000, 0, 40, 33}, {64, 64, 0, 64, 64},
    {128, 64, 0, 32, 32}, {256, 1024, 7, 64, 48},
};

TEST(Image, ScratchOfAnySizeGivesTheSameBits) {
  for (const Shape &s : kShapes)
    for (int antialias : {0, 1}) {
      std::vector<float> none = resizeCrop(s, antialias, 0);
      for (size_t scratch : {size_t(1), size_t(3 * s.crop),
                             size_t(3 * s.crop * 5 + 17), size_t(1) << 20})
        EXPECT_EQ(resizeCrop(s, antialias, scratch), none)
            << s.width << "x" << s.height << " antialias " << antialias
            << " scratch " << scratch;
      for (float v : none)
        ASSERT_TRUE(v >= 0 && v <= 255 && v == std::floor(v))
            << s.width << "x" << s.height << ": " << v;
    }
}

TEST(Image, AConstantImageStaysConstant) {
  for (const Shape &s : kShapes)
    for (int antialias : {0, 1})
      for (int value : {0, 1, 128, 254, 255})
        for (float v : resizeCrop(s, antialias, 4096, value))
          ASSERT_EQ(v, float(value))
              << s.width << "x" << s.height << " antialias " << antialias;
}

TEST(Image, ACropOfTheResizeItselfCopiesTheCentre) {
  // A shorter side equal to the resize keeps every pixel: the crop is the
  // centre of the image itself (rows from round(8 / 2) = 4).
  Shape s{16, 24, 0, 16, 16};
  for (int antialias : {0, 1}) {
    std::vector<float> out = resizeCrop(s, antialias, 0);
    size_t stride = 3 * 16;
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < 16; ++y)
        for (int x = 0; x < 16; ++x) {
          size_t i = (y + 4) * stride + 3 * x + c;
          ASSERT_EQ(out[(c * 16 + y) * 16 + x],
                    float(uint8_t((i * 37 + i / 7) % 256)));
        }
  }
}

} // namespace
