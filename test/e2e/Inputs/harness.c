/* Runs a generated library on raw float32 files: the end-to-end tests' C
 * program, linked with nothing but the library and -lpthread -ldl -lm.
 * Build with -DMODEL=name -include name.h.
 * Usage: harness BATCH INPUT.bin OUTPUT.bin */
#include <stdio.h>
#include <stdlib.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(suffix) CAT(MODEL, suffix)

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: harness BATCH INPUT.bin OUTPUT.bin\n");
    return 2;
  }
  int batch = atoi(argv[1]);
  int res = FN(_resolution)(), classes = FN(_num_classes)();
  size_t in = (size_t)batch * FN(_in_channels)() * res * res,
         out = (size_t)batch * classes;
  float *x = malloc(in * sizeof(float)), *y = malloc(out * sizeof(float));
  FILE *f = fopen(argv[2], "rb");
  if (!f || fread(x, sizeof(float), in, f) != in) {
    fprintf(stderr, "harness: cannot read %zu floats from %s\n", in, argv[2]);
    return 2;
  }
  fclose(f);
  int status = FN(_run)(x, batch, y);
  if (status != 0) {
    fprintf(stderr, "harness: run returned %d\n", status);
    return 1;
  }
  f = fopen(argv[3], "wb");
  if (!f || fwrite(y, sizeof(float), out, f) != out)
    return 2;
  fclose(f);
  free(x);
  free(y);
  return 0;
}
