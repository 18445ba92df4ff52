/* Runs a generated library's image entries on 8-bit RGB images of any size
 * (batch images of width x height pixels, rows `row_stride` bytes apart,
 * back to back, as image_transform.py writes them): writes what
 * NAME_preprocess_image gives and the first output of NAME_run_image, raw
 * float32. Also checks that the four run_image entries agree, that they
 * give the bytes NAME_run gives for preprocess_image's floats, and that bad
 * calls are refused. Build with -DMODEL=name -include name.h.
 * Usage: image BATCH WIDTH HEIGHT ROW_STRIDE PIXELS.bin INPUT.bin OUTPUT.bin */
#include "library.h"

#include <string.h>

static int fail(const char *what) {
  fprintf(stderr, "image: %s\n", what);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: image BATCH WIDTH HEIGHT ROW_STRIDE PIXELS.bin "
                    "INPUT.bin OUTPUT.bin\n");
    return 2;
  }
  int batch = atoi(argv[1]), width = atoi(argv[2]), height = atoi(argv[3]);
  size_t stride = (size_t)atol(argv[4]);
  unsigned char *pixels =
      readExactly(argv[5], (size_t)batch * height * stride);
  int res = FN(_resolution)();
  size_t image = (size_t)3 * res * res;
  float *input = malloc((size_t)batch * image * sizeof(float));
  if (FN(_preprocess_image)(pixels, batch, width, height, stride, input) != 0)
    return fail("preprocess_image failed");

  int count = 0, shape[3];
  while (FN(_output_name)(count))
    ++count;
  float **outputs = calloc(count, sizeof(float *));
  size_t firstFloats = 0;
  for (int i = 0; i < count; ++i) {
    FN(_output_shape)(i, shape);
    size_t floats = (size_t)batch * shape[0] * shape[1] * shape[2];
    outputs[i] = malloc(floats * sizeof(float));
    if (i == 0)
      firstFloats = floats;
  }
  size_t bytes = firstFloats * sizeof(float);
  float *out = malloc(bytes), *again = malloc(bytes), *viaRun = malloc(bytes);
  size_t wsBytes = FN(_workspace_size)(batch);
  void *workspace = malloc(wsBytes);
  if (FN(_run_image)(pixels, batch, width, height, stride, out) != 0)
    return fail("run_image failed");
  if (FN(_run_image_outputs)(pixels, batch, width, height, stride, outputs) ||
      memcmp(outputs[0], out, bytes) ||
      FN(_run_image_with_workspace)(pixels, batch, width, height, stride,
                                    again, workspace, wsBytes) ||
      memcmp(again, out, bytes) ||
      FN(_run_image_outputs_with_workspace)(pixels, batch, width, height,
                                            stride, outputs, workspace,
                                            wsBytes) ||
      memcmp(outputs[0], out, bytes))
    return fail("the image entries disagree");
  /* The least workspace runs the images one at a time: the same bytes. */
  if (FN(_run_image_with_workspace)(pixels, batch, width, height, stride,
                                    again, workspace,
                                    FN(_workspace_size)(1)) ||
      memcmp(again, out, bytes))
    return fail("the least workspace gives other bytes");
  if (FN(_run)(input, batch, viaRun) || memcmp(viaRun, out, bytes))
    return fail("run_image is not run of preprocess_image's floats");

  /* Bad calls: codes as the header says, nothing written. */
  int bad = 0;
  bad |= FN(_run_image)(pixels, batch, 0, height, stride, out) != 4;
  bad |= FN(_run_image)(pixels, batch, width, 0, stride, out) != 4;
  bad |= FN(_run_image)(pixels, batch, width, height, 3 * (size_t)width - 1,
                        out) != 4;
  bad |= FN(_run_image)(pixels, batch, -width, height, stride, out) != 4;
  bad |= FN(_run_image)(NULL, batch, width, height, stride, out) != 1;
  bad |= FN(_run_image)(pixels, batch, width, height, stride, NULL) != 1;
  bad |= FN(_run_image)(pixels, 0, width, height, stride, out) != 2;
  bad |= FN(_run_image)(pixels, batch, width, height, (size_t)-1 / 2,
                        out) != 4;
  bad |= FN(_preprocess_image)(pixels, batch, width, height, 2, input) != 4;
  bad |= FN(_preprocess_image)(pixels, batch, width, height, stride,
                               (float *)pixels) != 5;
  bad |= FN(_run_image_with_workspace)(pixels, batch, width, height, stride,
                                       out, workspace, 16) != 3;
  bad |= FN(_run_image_with_workspace)(pixels, batch, width, height, stride,
                                       out, pixels, wsBytes) != 5;
  if (bad)
    return fail("a bad call was not refused");

  writeExactly(argv[6], input, (size_t)batch * image * sizeof(float));
  writeExactly(argv[7], out, bytes);
  for (int i = 0; i < count; ++i)
    free(outputs[i]);
  free(outputs);
  free(workspace);
  free(viaRun);
  free(again);
  free(out);
  free(input);
  free(pixels);
  return 0;
}
