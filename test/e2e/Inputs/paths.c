/* Runs every path of a generated library that this CPU has the features of:
 * the end-to-end tests' check that a portable library's paths agree, and
 * that a library on a CPU without its features says so instead of
 * executing an illegal instruction.
 * Build with -DMODEL=name -include name.h.
 * Usage: paths BATCH INPUT.bin OUT  writes OUT.bin (the path the library
 * chose) and OUT.K.bin for each path K this CPU runs; prints what ran. */
#include "library.h"

#include <string.h>

static int run(const float *x, int batch, float *y, const char *out,
               size_t bytes) {
  int status = FN(_run)(x, batch, y);
  if (status != 0) {
    printf("run returned %d: %s\n", status, FN(_error_message)(status));
    return 1;
  }
  writeExactly(out, y, bytes);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: paths BATCH INPUT.bin OUT\n");
    return 2;
  }
  int batch = atoi(argv[1]);
  int res = FN(_resolution)(), classes = FN(_num_classes)();
  size_t in = (size_t)batch * FN(_in_channels)() * res * res,
         out = (size_t)batch * classes;
  float *x = readExactly(argv[2], in * sizeof(float));
  float *y = malloc(out * sizeof(float));
  char file[4096];
  printf("targets: %s\n", FN(_targets)());
  snprintf(file, sizeof file, "%s.bin", argv[3]);
  if (run(x, batch, y, file, out * sizeof(float)))
    return 1;
  printf("chosen: %s\n", FN(_target)());
  char list[4096];
  snprintf(list, sizeof list, "%s", FN(_targets)());
  int k = 0;
  for (char *t = strtok(list, ","); t; t = strtok(NULL, ","), ++k) {
    int status = FN(_use_target)(t);
    printf("path %d: %s: %s\n", k, t, FN(_error_message)(status));
    if (status != 0)
      continue;
    snprintf(file, sizeof file, "%s.%d.bin", argv[3], k);
    if (run(x, batch, y, file, out * sizeof(float)))
      return 1;
  }
  /* Back to the CPU's choice; a name no path has changes nothing. */
  if (FN(_use_target)(NULL) != 0 ||
      FN(_use_target)("x86-64-linux") != 7 /* NAME_ERROR_UNKNOWN_TARGET */)
    return 1;
  printf("after: %s\n", FN(_target)());
  free(x);
  free(y);
  return 0;
}
