/* Runs a generated library's NAME_run_outputs on a raw float32 input and
 * writes output i to PREFIX.i: the backbone tests' C program. It also checks
 * that NAME_run gives the first output alone, bit for bit, and that the
 * header's macros and NAME_output_shape agree.
 * Build with -DMODEL=name -include name.h.
 * Usage: outputs BATCH INPUT.bin PREFIX */
#include "library.h"

#include <string.h>

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: outputs BATCH INPUT.bin PREFIX\n");
    return 2;
  }
  int batch = atoi(argv[1]);
  int res = FN(_resolution)();
  size_t in = (size_t)batch * FN(_in_channels)() * res * res;
  float *x = readExactly(argv[2], in * sizeof(float));

  int count = 0;
  while (FN(_output_name)(count))
    ++count;
  float **outputs = calloc(count, sizeof(float *));
  size_t *floats = calloc(count, sizeof(size_t));
  for (int i = 0; i < count; ++i) {
    int shape[3];
    if (FN(_output_shape)(i, shape) != 0) {
      fprintf(stderr, "outputs: no shape for output %d\n", i);
      return 1;
    }
    floats[i] = (size_t)batch * shape[0] * shape[1] * shape[2];
    outputs[i] = malloc(floats[i] * sizeof(float));
    printf("output %d: %s %d x %d x %d\n", i, FN(_output_name)(i), shape[0],
           shape[1], shape[2]);
  }
  int shape[3];
  if (FN(_output_shape)(count, shape) == 0) {
    fprintf(stderr, "outputs: a shape past the last output\n");
    return 1;
  }
  int status = FN(_run_outputs)(x, batch, outputs);
  if (status != 0) {
    fprintf(stderr, "outputs: run_outputs returned %d\n", status);
    return 1;
  }
  float *first = malloc(floats[0] * sizeof(float));
  status = FN(_run)(x, batch, first);
  if (status != 0 || memcmp(first, outputs[0], floats[0] * sizeof(float))) {
    fprintf(stderr, "outputs: run (status %d) differs from run_outputs\n",
            status);
    return 1;
  }
  for (int i = 0; i < count; ++i) {
    char path[4096];
    snprintf(path, sizeof path, "%s.%d", argv[3], i);
    writeExactly(path, outputs[i], floats[i] * sizeof(float));
    free(outputs[i]);
  }
  free(outputs);
  free(floats);
  free(first);
  free(x);
  return 0;
}
