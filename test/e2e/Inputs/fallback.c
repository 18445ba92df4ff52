/* A GPU library with a CPU fallback, as an app ships them: effnetc
 * --target host,GPU-TARGET writes NAME_cpu and NAME_GPU, and this program,
 * linked with both, runs the GPU's unless it has no device, then the CPU's.
 * Prints which ran. Build with -DGPU=name_api -DCPU=name_cpu
 * -DNO_DEVICE=NAME_API_ERROR_NO_DEVICE -include name_api.h
 * -include name_cpu.h. Usage: fallback BATCH INPUT.bin OUTPUT.bin */
#include <stdio.h>
#include <stdlib.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)

static void *readAll(const char *path, size_t bytes) {
  void *data = malloc(bytes);
  FILE *f = fopen(path, "rb");
  if (!data || !f || fread(data, 1, bytes, f) != bytes) {
    fprintf(stderr, "cannot read %zu bytes from %s\n", bytes, path);
    exit(2);
  }
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: fallback BATCH INPUT.bin OUTPUT.bin\n");
    return 2;
  }
  int batch = atoi(argv[1]);
  int res = CAT(CPU, _resolution)(), classes = CAT(CPU, _num_classes)();
  size_t in = (size_t)batch * CAT(CPU, _in_channels)() * res * res,
         out = (size_t)batch * classes;
  float *x = readAll(argv[2], in * sizeof(float));
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
  FILE *f = fopen(argv[3], "wb");
  if (!f || fwrite(y, sizeof(float), out, f) != out || fclose(f))
    return 2;
  free(x);
  free(y);
  return 0;
}
