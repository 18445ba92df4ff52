/* What the end-to-end tests' C programs share: the generated library's
 * functions by suffix, and reading a raw input file whole.
 * Build with -DMODEL=name -include name.h. */
#ifndef EFFNET_TEST_LIBRARY_H
#define EFFNET_TEST_LIBRARY_H

#include <stdio.h>
#include <stdlib.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
/* FN(_run) is MODEL_run. */
#define FN(suffix) CAT(MODEL, suffix)

/* `bytes` bytes of `path`, or exits with 2 saying why. */
static void *readExactly(const char *path, size_t bytes) {
  void *data = malloc(bytes);
  FILE *f = fopen(path, "rb");
  if (!data || !f || fread(data, 1, bytes, f) != bytes) {
    fprintf(stderr, "cannot read %zu bytes from %s\n", bytes, path);
    exit(2);
  }
  fclose(f);
  return data;
}

/* Writes `bytes` bytes to `path`, or exits with 2. */
static void writeExactly(const char *path, const void *data, size_t bytes) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, bytes, f) != bytes || fclose(f)) {
    fprintf(stderr, "cannot write %zu bytes to %s\n", bytes, path);
    exit(2);
  }
}

#endif
