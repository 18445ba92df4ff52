/* Two generated libraries in one app: no symbol clashes, each its own
 * answers. Build with both headers and both archives.
 * Usage: app ALPHA-IN ALPHA-OUT BETA-IN BETA-OUT: each model runs on one
 * image read from its input file (raw float32 NCHW) and writes its logits. */
#include "alpha.h"
#include "beta.h"

#include "library.h"

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: app ALPHA-IN ALPHA-OUT BETA-IN BETA-OUT\n");
    return 2;
  }
  size_t alpha_in = 3 * (size_t)ALPHA_RESOLUTION * ALPHA_RESOLUTION;
  size_t beta_in = 3 * (size_t)BETA_RESOLUTION * BETA_RESOLUTION;
  float *x = readExactly(argv[1], alpha_in * sizeof(float));
  float *y = readExactly(argv[3], beta_in * sizeof(float));
  float a[ALPHA_NUM_CLASSES], b[BETA_NUM_CLASSES];
  int ra = alpha_run(x, 1, a);
  int rb = beta_run(y, 1, b);
  printf("alpha %s %d classes status %d; beta %s %d classes status %d\n",
         alpha_variant(), alpha_num_classes(), ra, beta_variant(),
         beta_num_classes(), rb);
  writeExactly(argv[2], a, sizeof a);
  writeExactly(argv[4], b, sizeof b);
  free(x);
  free(y);
  return ra || rb;
}
