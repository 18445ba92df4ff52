#include "tiny.h"
#include <stdio.h>
int main(void) {
  float x[3 * 32 * 32] = {0}, y[5];
  int r = tiny_run(x, 1, y);
  printf("status %d, %d classes, first logit %g\n", r, tiny_num_classes(), y[0]);
  return r;
}
