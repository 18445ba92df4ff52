/* Checks and times a GPU library where a GPU is (scripts/gpu-check.sh):
 * runs NAME_run_rgb8 on the pixels export_torchvision.py --hashed-pixels
 * describes (hashed_pixels there: a hash of each byte's index),
 * compares the logits of the first images with REF.bin (torchvision's for
 * the same pixels and weights, made where the library was compiled) and
 * times calls: warm-up calls first (the first copies the weights to the
 * device), then the median and the fastest of RUNS calls.
 * Build with -DMODEL=name -include name.h (and name.a -lpthread -ldl -lm).
 * Usage: gpu_check REF.bin BATCH RUNS
 * Prints "NAME batch B: error E over N values; median M ms (fastest F ms)
 * over RUNS calls, I images/s"; exits 1 when E is over 1e-3 or a call
 * fails. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(suffix) CAT(MODEL, suffix)
#define STR2(a) #a
#define STR(a) STR2(a)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int ascending(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: gpu_check REF.bin BATCH RUNS\n");
    return 2;
  }
  int batch = atoi(argv[2]), runs = atoi(argv[3]);
  if (batch < 1 || runs < 1)
    return 2;
  int res = FN(_resolution)(), classes = FN(_num_classes)();
  size_t image = (size_t)res * res * 3;
  unsigned char *pixels = malloc(batch * image);
  float *logits = malloc((size_t)batch * classes * sizeof(float));
  double *times = malloc(runs * sizeof(double));
  if (!pixels || !logits || !times)
    return 2;
  /* export_torchvision.py's hashed_pixels. */
  for (size_t i = 0; i < batch * image; ++i) {
    uint32_t h = (uint32_t)i;
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    h *= 0x846ca68bu;
    h ^= h >> 16;
    pixels[i] = (unsigned char)(h >> 24);
  }

  /* The reference's images: as many as the file holds, at most the batch. */
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    fprintf(stderr, "gpu_check: cannot read %s\n", argv[1]);
    return 2;
  }
  float *ref = malloc((size_t)batch * classes * sizeof(float));
  size_t refValues = fread(ref, sizeof(float), (size_t)batch * classes, f);
  fclose(f);

  for (int call = 0; call < 3 + runs; ++call) {
    double start = now();
    int status = FN(_run_rgb8)(pixels, batch, (size_t)res * 3, logits);
    double seconds = now() - start;
    if (status) {
      printf("%s batch %d: call %d returned %d: %s\n", STR(MODEL), batch,
             call, status, FN(_error_message)(status));
      return 1;
    }
    if (call >= 3)
      times[call - 3] = seconds;
  }
  double largest = 0, error = 0;
  for (size_t i = 0; i < refValues; ++i)
    largest = fmax(largest, fabs(ref[i]));
  for (size_t i = 0; i < refValues; ++i)
    error = fmax(error, fabs(logits[i] - ref[i]) / largest);
  qsort(times, runs, sizeof(double), ascending);
  double median = runs % 2 ? times[runs / 2]
                           : (times[runs / 2 - 1] + times[runs / 2]) / 2;
  printf("%s batch %d: error %.2e over %zu values; median %.3f ms (fastest "
         "%.3f ms) over %d calls, %.1f images/s\n",
         STR(MODEL), batch, error, refValues, median * 1e3, times[0] * 1e3,
         runs, batch / median);
  return error <= 1e-3 ? 0 : 1;
}
