/* Measures this machine's peak float32 multiply-add rate: each thread runs
 * independent chains of vector FMAs as wide as the machine's (512 bits
 * with AVX-512, 256 with AVX, else 128; build with -O2 -march=native: 512-
 * bit chains split on an AVX2 machine need 24 registers of its 16, and
 * their spills measured a tenth of the peak) for a fixed count, best of 40
 * short tries (a shared machine lends its cores in bursts). Prints
 * "threads GFLOP/s" for each thread count.
 * Usage: fma_peak THREADS... */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__AVX512F__)
enum { LANES = 16 };
#elif defined(__AVX__)
enum { LANES = 8 };
#else
enum { LANES = 4 };
#endif
typedef float vector __attribute__((vector_size(LANES * 4)));
enum { CHAINS = 12, ITERATIONS = 4000000 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *spin(void *out) {
  vector acc[CHAINS], a, b;
  for (int i = 0; i < LANES; ++i) {
    a[i] = 0.999999f;
    b[i] = 1e-7f;
  }
  for (int c = 0; c < CHAINS; ++c)
    acc[c] = b * (float)c;
  for (long i = 0; i < ITERATIONS / 16; ++i) {
    /* Unrolled so the accumulators stay in registers. */
#pragma GCC unroll 12
    for (int c = 0; c < CHAINS; ++c)
      acc[c] = acc[c] * a + b; /* contracted to one FMA */
  }
  float sum = 0;
  for (int c = 0; c < CHAINS; ++c)
    sum += acc[c][0];
  *(float *)out = sum;
  return NULL;
}

int main(int argc, char **argv) {
  for (int a = 1; a < argc; ++a) {
    int threads = atoi(argv[a]);
    if (threads < 1 || threads > 256)
      return fprintf(stderr, "fma_peak: bad thread count\n"), 2;
    double best = 0;
    for (int attempt = 0; attempt < 40; ++attempt) {
      pthread_t ids[256];
      float sink[256];
      double start = now();
      for (int t = 0; t < threads; ++t)
        pthread_create(&ids[t], NULL, spin, &sink[t]);
      for (int t = 0; t < threads; ++t)
        pthread_join(ids[t], NULL);
      double seconds = now() - start;
      double flops =
          2.0 * LANES * CHAINS * (double)(ITERATIONS / 16) * threads;
      if (flops / seconds > best)
        best = flops / seconds;
    }
    printf("%d %.1f\n", threads, best / 1e9);
  }
  return 0;
}
