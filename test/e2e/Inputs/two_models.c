/* Two generated libraries in one app: no symbol clashes, each its own
 * answers, also when both run batches at once on two threads each, from
 * two threads of the app (they share one parallel-loop handler).
 * Build with both headers and both archives.
 * Usage: app BATCH ALPHA-IN ALPHA-OUT BETA-IN BETA-OUT: each model runs on
 * BATCH images read from its input file (raw float32 NCHW) and writes its
 * logits. */
#include "alpha.h"
#include "beta.h"

#include "library.h"

#include <pthread.h>
#include <string.h>

static int batch;
static float *x, *y, *a2, *b2;
static int ra2, rb2;

static void *runAlpha(void *unused) {
  (void)unused;
  ra2 = alpha_run(x, batch, a2);
  return NULL;
}

static void *runBeta(void *unused) {
  (void)unused;
  rb2 = beta_run(y, batch, b2);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 6 || (batch = atoi(argv[1])) < 1) {
    fprintf(stderr, "usage: app BATCH ALPHA-IN ALPHA-OUT BETA-IN BETA-OUT\n");
    return 2;
  }
  size_t alpha_in = 3 * (size_t)ALPHA_RESOLUTION * ALPHA_RESOLUTION * batch;
  size_t beta_in = 3 * (size_t)BETA_RESOLUTION * BETA_RESOLUTION * batch;
  size_t alpha_out = sizeof(float) * ALPHA_NUM_CLASSES * batch;
  size_t beta_out = sizeof(float) * BETA_NUM_CLASSES * batch;
  x = readExactly(argv[2], alpha_in * sizeof(float));
  y = readExactly(argv[4], beta_in * sizeof(float));
  float *a = malloc(alpha_out), *b = malloc(beta_out);
  a2 = malloc(alpha_out);
  b2 = malloc(beta_out);
  alpha_set_num_threads(2);
  beta_set_num_threads(2);
  int ra = alpha_run(x, batch, a);
  int rb = beta_run(y, batch, b);
  printf("alpha %s %d classes status %d; beta %s %d classes status %d\n",
         alpha_variant(), alpha_num_classes(), ra, beta_variant(),
         beta_num_classes(), rb);
  /* Both at once: the same bits. */
  pthread_t ta, tb;
  pthread_create(&ta, NULL, runAlpha, NULL);
  pthread_create(&tb, NULL, runBeta, NULL);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  printf("concurrent: status %d %d, %s\n", ra2, rb2,
         memcmp(a, a2, alpha_out) == 0 && memcmp(b, b2, beta_out) == 0
             ? "same bits"
             : "DIFFERENT");
  writeExactly(argv[3], a, alpha_out);
  writeExactly(argv[5], b, beta_out);
  free(x);
  free(y);
  free(a);
  free(b);
  free(a2);
  free(b2);
  return ra || rb || ra2 || rb2;
}
