/* Runs an OpenCL library CALLS times on a batch of zeros and prints, per
 * call, the bytes OpenCL copied to the device and back (opencl-counters.h):
 *   call K: IN bytes in, OUT bytes out, D copies on the device
 * With RELEASE, NAME_release_device() is called before call RELEASE.
 * Build with -DMODEL=name -include name.h -ldl.
 * Usage: count-copies CALLS BATCH [RELEASE] */
#include "library.h"

#include "opencl-counters.h"

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: count-copies CALLS BATCH [RELEASE]\n");
    return 2;
  }
  int calls = atoi(argv[1]), batch = atoi(argv[2]);
  int release = argc == 4 ? atoi(argv[3]) : -1;
  int res = FN(_resolution)(), classes = FN(_num_classes)();
  float *x = calloc((size_t)batch * FN(_in_channels)() * res * res,
                    sizeof(float));
  float *y = calloc((size_t)batch * classes, sizeof(float));
  for (int call = 0; call < calls; ++call) {
    if (call == release) {
      int released = FN(_release_device)();
      printf("released: %d\n", released);
    }
    bytesIn = bytesOut = deviceCopies = 0;
    int status = FN(_run)(x, batch, y);
    if (status) {
      printf("call %d: status %d: %s\n", call, status,
             FN(_error_message)(status));
      return 1;
    }
    printf("call %d: %zu bytes in, %zu bytes out, %zu copies on the device\n",
           call, bytesIn, bytesOut, deviceCopies);
  }
  free(x);
  free(y);
  return 0;
}
