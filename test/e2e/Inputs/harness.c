/* Runs a generated library on raw float32 files: the end-to-end tests' C
 * program, linked with nothing but the library and -lpthread -ldl -lm.
 * Build with -DMODEL=name -include name.h.
 * Usage: harness BATCH INPUT.bin OUTPUT.bin */
#include "library.h"

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: harness BATCH INPUT.bin OUTPUT.bin\n");
    return 2;
  }
  int batch = atoi(argv[1]);
  int res = FN(_resolution)(), classes = FN(_num_classes)();
  size_t in = (size_t)batch * FN(_in_channels)() * res * res,
         out = (size_t)batch * classes;
  float *x = readExactly(argv[2], in * sizeof(float));
  float *y = malloc(out * sizeof(float));
  int status = FN(_run)(x, batch, y);
  if (status != 0) {
    fprintf(stderr, "harness: run returned %d\n", status);
    return 1;
  }
  writeExactly(argv[3], y, out * sizeof(float));
  free(x);
  free(y);
  return 0;
}
