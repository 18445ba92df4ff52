/* Two generated libraries in one app: no symbol clashes, each its own
 * answers. Build with both headers and both archives.
 * Usage: app ALPHA-IN ALPHA-OUT BETA-IN BETA-OUT: each model runs on one
 * image read from its input file (raw float32 NCHW) and writes its logits. */
#include "alpha.h"
#include "beta.h"

#include <stdio.h>
#include <stdlib.h>

static float *read_floats(const char *path, size_t count) {
  float *data = malloc(sizeof(float) * count);
  FILE *f = fopen(path, "rb");
  if (!data || !f || fread(data, sizeof(float), count, f) != count) {
    fprintf(stderr, "cannot read %zu floats from %s\n", count, path);
    exit(1);
  }
  fclose(f);
  return data;
}

static void write_floats(const char *path, const float *data, size_t count) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, sizeof(float), count, f) != count) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(1);
  }
  fclose(f);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: app ALPHA-IN ALPHA-OUT BETA-IN BETA-OUT\n");
    return 2;
  }
  size_t alpha_in = 3 * (size_t)ALPHA_RESOLUTION * ALPHA_RESOLUTION;
  size_t beta_in = 3 * (size_t)BETA_RESOLUTION * BETA_RESOLUTION;
  float *x = read_floats(argv[1], alpha_in);
  float *y = read_floats(argv[3], beta_in);
  float a[ALPHA_NUM_CLASSES], b[BETA_NUM_CLASSES];
  int ra = alpha_run(x, 1, a);
  int rb = beta_run(y, 1, b);
  printf("alpha %s %d classes status %d; beta %s %d classes status %d\n",
         alpha_variant(), alpha_num_classes(), ra, beta_variant(),
         beta_num_classes(), rb);
  write_floats(argv[2], a, ALPHA_NUM_CLASSES);
  write_floats(argv[4], b, BETA_NUM_CLASSES);
  free(x);
  free(y);
  return ra || rb;
}
