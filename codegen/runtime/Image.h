/*===- Image.h - torchvision's resize + centre crop of an 8-bit image -*- C -*-=
 *
 * Part of the generated libraries' runtime (see Runtime.h): freestanding C11,
 * compiled to bitcode for every triple with -ffp-contract=off.
 *
 *===----------------------------------------------------------------------===*/

#ifndef EFFNET_CODEGEN_RUNTIME_IMAGE_H
#define EFFNET_CODEGEN_RUNTIME_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The uint8 values that torchvision 0.14 / torch 1.13 (CPU) give for
 *
 *   t = torch.from_numpy(hwc_uint8_image).permute(2, 0, 1)
 *   t = torchvision.transforms.functional.resize(
 *           t, [resize], interpolation=InterpolationMode.BILINEAR,
 *           antialias=bool(antialias))
 *   t = torchvision.transforms.functional.center_crop(t, [crop])
 *
 * bit for bit: the shorter side becomes `resize` and the longer one
 * int(resize * long / short) (Python's float division, so torchvision's
 * size exactly); bilinear interpolation with align_corners=False computed
 * operation for operation as torch's CPU kernels do in Debian 12's build
 * on a CPU with AVX2 (Image.c says how: without antialias each value from
 * the 2x2 neighbouring pixels, as the channels-last kernel does; with
 * antialias a horizontal then a vertical pass of the triangle filter
 * widened by the scale, weights normalised by their sum, a pass skipped
 * where that side keeps its size); each value rounded half to even to an
 * integer; then the crop x crop pixels from row round((new_height - crop) /
 * 2) and column round((new_width - crop) / 2), both rounded half to even as
 * Python does.
 * Only the pixels the crop needs are computed.
 *
 * pixels: an 8-bit RGB image, width x height pixels, 3 bytes per pixel
 * (R, G, B), rows row_stride bytes apart (row_stride >= 3 * width).
 * out: 3 * crop * crop floats; out[c * crop * crop + y * crop + x] is the
 * uint8 value of channel c (0 R, 1 G, 2 B) at row y, column x of the crop,
 * as a float (an integer 0..255).
 * antialias: 0 or not 0 (torchvision's antialias=False or True).
 * scratch: scratch_floats floats the function may overwrite as it likes
 * (NULL with 0 is fine). Any count, 0 included, gives the same bits; more
 * makes antialiasing faster. With tx = 2 * ceil(max(width / new_width, 1))
 * + 1 and ty likewise for the heights (the most source pixels one output
 * pixel reads along each side), it holds first the crop's column weights,
 * crop * tx floats, then a cache of up to ty horizontally resized rows of
 * 3 * crop floats each: crop * tx + 3 * crop * ty floats let every source
 * row be resized once (e.g. 4032x3024 to 256 then 224: 5600 + 16800). With
 * less, rows are resized again for each output row that needs them, and
 * without room for the weights they are recomputed too. Without antialias
 * scratch is not used. Memory and stack use (at most about 3 KB) do not
 * grow with the image beyond scratch.
 * (Named effnet_rt_ as the runtime's functions are: each library keeps its
 * copy to itself.)
 * Requires pixels and out not NULL, width, height >= 1, crop >= 1,
 * resize >= crop; does nothing otherwise. */
void effnet_rt_resize_crop_rgb8(const uint8_t *pixels, int32_t width,
                             int32_t height, size_t row_stride, int32_t resize,
                             int32_t crop, int32_t antialias, float *out,
                             float *scratch, size_t scratch_floats);

#ifdef __cplusplus
}
#endif

#endif /* EFFNET_CODEGEN_RUNTIME_IMAGE_H */
