/* A GPU library with a CPU fallback: effnet_add_model(pair TARGET
 * "host,x86-64-linux-avx2-opencl") makes pair_cpu and pair_opencl, and this
 * app links both through `pair`. */
#include "pair_cpu.h"
#include "pair_opencl.h"
#include <stdio.h>
int main(void) {
  float x[3 * 32 * 32] = {0}, y[5];
  int r = pair_opencl_run(x, 1, y);
  if (r == PAIR_OPENCL_ERROR_NO_DEVICE) {
    printf("no GPU: %s\n", pair_opencl_error_message(r));
    r = pair_cpu_run(x, 1, y);
    printf("status %d on the CPU, first logit %g\n", r, y[0]);
  } else {
    printf("status %d on the GPU, first logit %g\n", r, y[0]);
  }
  return r;
}
