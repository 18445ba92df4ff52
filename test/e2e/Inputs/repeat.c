/* Runs a generated library CALLS times on the same raw float32 images and
 * checks that every call gives the bits of the first (a GPU library keeps
 * its weights on the device after the first call: later calls must read
 * the same); writes the last call's output.
 * Build with -DMODEL=name -include name.h.
 * Usage: repeat CALLS BATCH INPUT.bin OUTPUT.bin */
#include "library.h"

#include <string.h>

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: repeat CALLS BATCH INPUT.bin OUTPUT.bin\n");
    return 2;
  }
  int calls = atoi(argv[1]), batch = atoi(argv[2]);
  int res = FN(_resolution)(), classes = FN(_num_classes)();
  size_t in = (size_t)batch * FN(_in_channels)() * res * res,
         out = (size_t)batch * classes;
  float *x = readExactly(argv[3], in * sizeof(float));
  float *first = malloc(out * sizeof(float)), *y = malloc(out * sizeof(float));
  for (int call = 0; call < calls; ++call) {
    int status = FN(_run)(x, batch, call ? y : first);
    if (status != 0) {
      fprintf(stderr, "repeat: call %d returned %d: %s\n", call, status,
              FN(_error_message)(status));
      return 1;
    }
    if (call && memcmp(first, y, out * sizeof(float)) != 0) {
      fprintf(stderr, "repeat: call %d differs from the first\n", call);
      return 1;
    }
  }
  writeExactly(argv[4], calls > 1 ? y : first, out * sizeof(float));
  printf("%d calls, the same bits\n", calls);
  free(x);
  free(first);
  free(y);
  return 0;
}
