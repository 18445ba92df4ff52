/* Runs a generated library's NAME_run_rgb8 on raw 8-bit RGB images (batch x
 * R x R x 3 bytes, rows packed) laid out with rows `row_stride` bytes apart,
 * the bytes between rows set to 0xAB so that reading them would show; writes
 * the first output as raw float32. Also checks NAME_run_rgb8_outputs and the
 * _with_workspace forms give the same bytes, and that a row stride below
 * 3 x R is refused. Build with -DMODEL=name -include name.h.
 * Usage: rgb8 BATCH ROW_STRIDE PIXELS.bin OUTPUT.bin */
#include "library.h"

#include <string.h>

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: rgb8 BATCH ROW_STRIDE PIXELS.bin OUTPUT.bin\n");
    return 2;
  }
  int batch = atoi(argv[1]);
  size_t stride = (size_t)atol(argv[2]);
  int res = FN(_resolution)();
  size_t row = (size_t)res * 3, packed = (size_t)batch * res * row;
  unsigned char *raw = readExactly(argv[3], packed);
  unsigned char *pixels = malloc((size_t)batch * res * stride);
  memset(pixels, 0xAB, (size_t)batch * res * stride);
  for (size_t r = 0; r < (size_t)batch * res; ++r)
    memcpy(pixels + r * stride, raw + r * row, row);

  int shape[3];
  FN(_output_shape)(0, shape);
  size_t floats = (size_t)batch * shape[0] * shape[1] * shape[2];
  float *out = malloc(floats * sizeof(float));
  float *again = malloc(floats * sizeof(float));
  int status = FN(_run_rgb8)(pixels, batch, stride, out);
  if (status != 0) {
    fprintf(stderr, "rgb8: run_rgb8 returned %d\n", status);
    return 1;
  }
  int count = 0;
  while (FN(_output_name)(count))
    ++count;
  float **outputs = calloc(count, sizeof(float *));
  for (int i = 0; i < count; ++i) {
    FN(_output_shape)(i, shape);
    outputs[i] = malloc((size_t)batch * shape[0] * shape[1] * shape[2] *
                        sizeof(float));
  }
  size_t bytes = FN(_workspace_size)(batch);
  void *workspace = malloc(bytes);
  if (FN(_run_rgb8_outputs)(pixels, batch, stride, outputs) != 0 ||
      memcmp(outputs[0], out, floats * sizeof(float)) ||
      FN(_run_rgb8_with_workspace)(pixels, batch, stride, again, workspace,
                                   bytes) != 0 ||
      memcmp(again, out, floats * sizeof(float)) ||
      FN(_run_rgb8_outputs_with_workspace)(pixels, batch, stride, outputs,
                                           workspace, bytes) != 0 ||
      memcmp(outputs[0], out, floats * sizeof(float))) {
    fprintf(stderr, "rgb8: the 8-bit entries disagree\n");
    return 1;
  }
  if (FN(_run_rgb8)(pixels, batch, row - 1, out) != 4 ||
      FN(_run_rgb8)(NULL, batch, stride, out) != 1 ||
      FN(_run_rgb8)(pixels, 0, stride, out) != 2) {
    fprintf(stderr, "rgb8: a bad call was not refused\n");
    return 1;
  }
  writeExactly(argv[4], again, floats * sizeof(float));
  for (int i = 0; i < count; ++i)
    free(outputs[i]);
  free(outputs);
  free(workspace);
  free(again);
  free(out);
  free(pixels);
  free(raw);
  return 0;
}
