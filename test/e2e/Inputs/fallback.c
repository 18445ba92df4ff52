/* A GPU library with a CPU fallback, as an app ships them: effnetc
 * --target host,GPU-TARGET writes NAME_cpu and NAME_GPU, and this program,
 * linked with both, runs the GPU's unless it has no device, then the CPU's.
 * Prints which ran. Build with -DGPU=name_api -DCPU=name_cpu
 * -DNO_DEVICE=NAME_API_ERROR_NO_DEVICE -include name_api.h
 * -include name_cpu.h. Usage: fallback BATCH INPUT.bin OUTPUT.bin */
#include "library.h"

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: fallback BATCH INPUT.bin OUTPUT.bin\n");
    return 2;
  }
  int batch = atoi(argv[1]);
  int res = CAT(CPU, _resolution)(), classes = CAT(CPU, _num_classes)();
  size_t in = (size_t)batch * CAT(CPU, _in_channels)() * res * res,
         out = (size_t)batch * classes;
  float *x = readExactly(argv[2], in * sizeof(float));
  float *y = malloc(out * sizeof(float));
  int status = CAT(GPU, _run)(x, batch, y);
  if (status == NO_DEVICE) {
    printf("no GPU: %s\n", CAT(GPU, _error_message)(status));
    status = CAT(CPU, _run)(x, batch, y);
    printf("ran on the CPU (%s)\n", CAT(CPU, _target)());
  } else {
    printf("ran on the GPU (%s)\n", CAT(GPU, _target)());
  }
  if (status != 0) {
    fprintf(stderr, "fallback: run returned %d\n", status);
    return 1;
  }
  writeExactly(argv[3], y, out * sizeof(float));
  free(x);
  free(y);
  return 0;
}
