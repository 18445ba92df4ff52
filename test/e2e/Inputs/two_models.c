/* Two generated libraries in one app: no symbol clashes, each its own
 * answers. Build with both headers and both archives. */
#include "alpha.h"
#include "beta.h"

#include <stdio.h>

int main(void) {
  static float x[3 * 40 * 40], a[ALPHA_NUM_CLASSES], b[BETA_NUM_CLASSES];
  for (int i = 0; i < 3 * 40 * 40; ++i)
    x[i] = (float)(i % 17) / 17.0f - 0.5f;
  int ra = alpha_run(x, 1, a);
  int rb = beta_run(x, 1, b);
  printf("alpha %s %d classes status %d; beta %s %d classes status %d\n",
         alpha_variant(), alpha_num_classes(), ra, beta_variant(),
         beta_num_classes(), rb);
  return ra || rb;
}
