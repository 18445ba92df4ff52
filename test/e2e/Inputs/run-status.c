/* Runs a generated library once on zeros and prints what the call returned:
 * "status N: MESSAGE". Exits 0 whatever the status (the test checks it);
 * a crash or an abort is the failure this program exists to catch.
 * Build with -DMODEL=name -include name.h. Usage: run-status BATCH */
#include "library.h"

int main(int argc, char **argv) {
  int batch = argc > 1 ? atoi(argv[1]) : 1;
  int res = FN(_resolution)(), classes = FN(_num_classes)();
  float *x = calloc((size_t)batch * FN(_in_channels)() * res * res,
                    sizeof(float));
  float *y = calloc((size_t)batch * classes, sizeof(float));
  int status = FN(_run)(x, batch, y);
  printf("status %d: %s\n", status, FN(_error_message)(status));
  free(x);
  free(y);
  return 0;
}
