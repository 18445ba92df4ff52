/* Calls a generated library the ways an app might, right and wrong, and from
 * several threads at once. Build with -DMODEL=name -include name.h and the
 * include path of HalideRuntime.h (only this test needs it). */
#include <HalideRuntime.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(suffix) CAT(MODEL, suffix)

static int failures = 0;
#define EXPECT(cond)                                                           \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "FAILED: %s (line %d)\n", #cond, __LINE__);              \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

static int res, classes;
static size_t image;

static void fill(float *x, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 1103515245u + 12345u;
    x[i] = (float)((seed >> 8) & 0xffff) / 32768.0f - 1.0f;
  }
}

enum { kThreads = 6, kRounds = 4, kBatch = 2 };
static float *inputs[kThreads], *expected[kThreads];

static void *worker(void *arg) {
  long t = (long)arg;
  float *out = malloc(sizeof(float) * kBatch * classes);
  for (int round = 0; round < kRounds; ++round) {
    memset(out, 0, sizeof(float) * kBatch * classes);
    if (FN(_run)(inputs[t], kBatch, out) != 0 ||
        memcmp(out, expected[t], sizeof(float) * kBatch * classes) != 0) {
      free(out);
      return (void *)1;
    }
  }
  free(out);
  return NULL;
}

static void buffer(halide_buffer_t *b, halide_dimension_t *dims, void *host,
                   int rank, const int *extents) {
  memset(b, 0, sizeof(*b));
  b->host = host;
  b->type.code = halide_type_float;
  b->type.bits = 32;
  b->type.lanes = 1;
  b->dimensions = rank;
  b->dim = dims;
  int stride = 1;
  for (int d = 0; d < rank; ++d) {
    dims[d].min = 0;
    dims[d].extent = extents[d];
    dims[d].stride = stride;
    dims[d].flags = 0;
    stride *= extents[d];
  }
}

int main(void) {
  res = FN(_resolution)();
  classes = FN(_num_classes)();
  image = (size_t)3 * res * res;
  float *x = malloc(sizeof(float) * image * kBatch);
  float *y = malloc(sizeof(float) * classes * kBatch);
  float *z = malloc(sizeof(float) * classes * kBatch);
  fill(x, image * kBatch, 1);

  /* Bad calls get error codes and write nothing out of bounds. */
  EXPECT(FN(_run)(NULL, 1, y) == CAT(MODEL_UPPER, _ERROR_NULL_POINTER));
  EXPECT(FN(_run)(x, 1, NULL) == CAT(MODEL_UPPER, _ERROR_NULL_POINTER));
  EXPECT(FN(_run)(x, 0, y) == CAT(MODEL_UPPER, _ERROR_BAD_BATCH));
  EXPECT(FN(_run)(x, -5, y) == CAT(MODEL_UPPER, _ERROR_BAD_BATCH));
  EXPECT(FN(_workspace_size)(0) == 0);
  size_t ws = FN(_workspace_size)(kBatch);
  EXPECT(ws > 0 && ws == FN(_workspace_size)(1));
  void *workspace = malloc(ws);
  EXPECT(FN(_run_with_workspace)(x, 1, y, workspace, ws - 1) ==
         CAT(MODEL_UPPER, _ERROR_WORKSPACE));
  EXPECT(FN(_run_with_workspace)(x, 1, y, NULL, ws) ==
         CAT(MODEL_UPPER, _ERROR_WORKSPACE));

  /* A batch equals its images run one by one, with or without workspace. */
  EXPECT(FN(_run)(x, kBatch, y) == 0);
  EXPECT(FN(_run_with_workspace)(x + image, 1, z, workspace, ws) == 0);
  EXPECT(memcmp(z, y + classes, sizeof(float) * classes) == 0);

  /* The Halide-style entry: the same bits; wrong shapes and types refused. */
  halide_buffer_t in, out;
  halide_dimension_t in_dims[4], out_dims[2];
  int in_extents[4] = {res, res, 3, kBatch}, out_extents[2] = {classes, kBatch};
  buffer(&in, in_dims, x, 4, in_extents);
  buffer(&out, out_dims, z, 2, out_extents);
  EXPECT(FN()(&in, &out) == 0);
  EXPECT(memcmp(z, y, sizeof(float) * classes * kBatch) == 0);
  EXPECT(FN()(NULL, &out) == CAT(MODEL_UPPER, _ERROR_NULL_POINTER));
  in_dims[0].extent = res + 1;
  EXPECT(FN()(&in, &out) == CAT(MODEL_UPPER, _ERROR_BAD_BUFFER));
  in_dims[0].extent = res;
  in.type.bits = 16;
  EXPECT(FN()(&in, &out) == CAT(MODEL_UPPER, _ERROR_BAD_BUFFER));
  in.type.bits = 32;
  out_dims[1].extent = kBatch + 1;
  EXPECT(FN()(&in, &out) == CAT(MODEL_UPPER, _ERROR_BAD_BUFFER));
  out_dims[1].extent = kBatch;
  in.dimensions = 3;
  EXPECT(FN()(&in, &out) == CAT(MODEL_UPPER, _ERROR_BAD_BUFFER));
  in.dimensions = 4;
  in.host = NULL;
  EXPECT(FN()(&in, &out) == CAT(MODEL_UPPER, _ERROR_BAD_BUFFER));
  in.host = (uint8_t *)x;
  in.dim = NULL;
  EXPECT(FN()(&in, &out) == CAT(MODEL_UPPER, _ERROR_BAD_BUFFER));
  in.dim = in_dims;
  out.dim = NULL;
  EXPECT(FN()(&in, &out) == CAT(MODEL_UPPER, _ERROR_BAD_BUFFER));
  out.dim = out_dims;
  EXPECT(FN()(&in, &out) == 0);

  /* Metadata. */
  EXPECT(strlen(FN(_variant)()) > 0);
  EXPECT(strlen(FN(_target)()) > 0);
  EXPECT(CAT(MODEL_UPPER, _RESOLUTION) == res);

  /* Many threads at once give the bits of one call at a time. */
  for (int t = 0; t < kThreads; ++t) {
    inputs[t] = malloc(sizeof(float) * image * kBatch);
    expected[t] = malloc(sizeof(float) * classes * kBatch);
    fill(inputs[t], image * kBatch, 100 + t);
    EXPECT(FN(_run)(inputs[t], kBatch, expected[t]) == 0);
  }
  pthread_t threads[kThreads];
  for (long t = 0; t < kThreads; ++t)
    pthread_create(&threads[t], NULL, worker, (void *)t);
  for (int t = 0; t < kThreads; ++t) {
    void *result;
    pthread_join(threads[t], &result);
    EXPECT(result == NULL);
  }
  EXPECT(FN(_set_num_threads)(1) >= 1);
  EXPECT(FN(_run)(inputs[0], kBatch, z) == 0);
  EXPECT(memcmp(z, expected[0], sizeof(float) * classes * kBatch) == 0);

  for (int t = 0; t < kThreads; ++t) {
    free(inputs[t]);
    free(expected[t]);
  }
  free(workspace);
  free(x);
  free(y);
  free(z);
  printf("%d failures\n", failures);
  return failures != 0;
}
