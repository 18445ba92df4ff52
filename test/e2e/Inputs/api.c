/* Calls a generated library the ways an app might, right and wrong, and from
 * several threads at once. Build with -DMODEL=name -include name.h and the
 * include path of HalideRuntime.h (only this test needs it). */
#include <HalideRuntime.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
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

enum { kThreads = 6, kRounds = 4, kBatch = 3 };
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

/* The first fields of the libraries' shared pool (codegen/Pool.cpp). */
extern struct {
  int generation, active, sleepers, busy, started;
} effnet_pool_state;

/* Whether `field` of the pool's state is 0 within about a second: a worker
 * that saw a loop just as it ended counts itself in and out of `active`
 * after the call has returned. */
static int becomesZero(int *field) {
  for (int i = 0; i < 1000000; ++i) {
    if (__atomic_load_n(field, __ATOMIC_SEQ_CST) == 0)
      return 1;
    sched_yield();
  }
  return 0;
}

/* An app's handler for Halide's parallel loops: counts them and runs them
 * on Halide's pool. */
static atomic_int countedLoops;
static int countingParFor(void *context, halide_task_t task, int min,
                          int size, uint8_t *closure) {
  atomic_fetch_add(&countedLoops, 1);
  return halide_default_do_par_for(context, task, min, size, closure);
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
  EXPECT(FN(_workspace_size)(-3) == 0);
  EXPECT(FN(_set_num_threads)(-1) == -1);
  /* One image: one arena, WORKSPACE_BYTES; a batch: an arena per image
   * that runs at once, as many as the pool's threads. */
  size_t ws = FN(_workspace_size)(1);
  EXPECT(ws == CAT(MODEL_UPPER, _WORKSPACE_BYTES));
  FN(_set_num_threads)(1);
  EXPECT(FN(_workspace_size)(kBatch) == ws);
  FN(_set_num_threads)(2);
  size_t ws2 = FN(_workspace_size)(kBatch);
  EXPECT(ws2 > ws && ws2 < 2 * ws);
  EXPECT(FN(_workspace_size)(1) == ws);
  void *workspace = malloc(ws2);
  EXPECT(FN(_run_with_workspace)(x, 1, y, workspace, ws - 1) ==
         CAT(MODEL_UPPER, _ERROR_WORKSPACE));
  EXPECT(FN(_run_with_workspace)(x, 1, y, NULL, ws) ==
         CAT(MODEL_UPPER, _ERROR_WORKSPACE));

  /* Buffers that share bytes are refused, not run into wrong logits: an
   * output on the input (every entry), the workspace on the input or the
   * output, 8-bit pixels under the output. */
  int overlap = CAT(MODEL_UPPER, _ERROR_OVERLAP);
  EXPECT(FN(_run)(x, kBatch, x + image) == overlap);
  EXPECT(FN(_run)(x + 4, 1, x) == overlap);
  float *onInput[] = {x + 5};
  EXPECT(FN(_run_outputs)(x, 1, onInput) == overlap);
  EXPECT(FN(_run_with_workspace)(x, 1, y, x, ws2) == overlap);
  EXPECT(FN(_run_with_workspace)(x, 1, (float *)workspace, workspace, ws2) ==
         overlap);
  EXPECT(FN(_run_outputs_with_workspace)(x, 1, onInput, workspace, ws2) ==
         overlap);
  unsigned char *rgb = (unsigned char *)x;
  EXPECT(FN(_run_rgb8)(rgb, 1, 3 * res, x) == overlap);
  EXPECT(FN(_run_rgb8_outputs)(rgb, 1, 3 * res, onInput) == overlap);
  EXPECT(FN(_run_rgb8_with_workspace)(rgb, 1, 3 * res, y, rgb, ws2) ==
         overlap);
  EXPECT(FN(_run_rgb8_outputs_with_workspace)(rgb, 1, 3 * res, onInput,
                                              workspace, ws2) == overlap);

  /* A batch (two images at once on two threads, one worker taking two)
   * equals its images run one by one, with or without workspace, and the
   * batch one at a time in a workspace of one arena. */
  EXPECT(FN(_run)(x, kBatch, y) == 0);
  for (int n = 0; n < kBatch; ++n) {
    memset(z, 0, sizeof(float) * classes);
    EXPECT(FN(_run_with_workspace)(x + n * image, 1, z, workspace, ws) == 0);
    EXPECT(memcmp(z, y + n * classes, sizeof(float) * classes) == 0);
  }
  memset(z, 0, sizeof(float) * classes * kBatch);
  EXPECT(FN(_run_with_workspace)(x, kBatch, z, workspace, ws) == 0);
  EXPECT(memcmp(z, y, sizeof(float) * classes * kBatch) == 0);
  memset(z, 0, sizeof(float) * classes * kBatch);
  EXPECT(FN(_run_with_workspace)(x, kBatch, z, workspace, ws2) == 0);
  EXPECT(memcmp(z, y, sizeof(float) * classes * kBatch) == 0);

  /* An image that runs alone on two threads hands its kernels' loops to the
   * pool: one worker started, and after the call the pool is free, no worker
   * inside a loop and no loop published (an even generation). On one
   * thread, no loop goes to the pool. The bits are those of the batch above,
   * whose images ran at once, each on one thread. */
  int generation = effnet_pool_state.generation;
  EXPECT(generation % 2 == 0);
  EXPECT(generation > 0 && effnet_pool_state.started == 1);
  FN(_set_num_threads)(1);
  EXPECT(FN(_run_with_workspace)(x, 1, z, workspace, ws) == 0);
  EXPECT(effnet_pool_state.generation == generation);
  FN(_set_num_threads)(2);
  memset(z, 0, sizeof(float) * classes);
  EXPECT(FN(_run_with_workspace)(x + image, 1, z, workspace, ws) == 0);
  EXPECT(memcmp(z, y + classes, sizeof(float) * classes) == 0);
  EXPECT(effnet_pool_state.generation >= generation + 2);
  EXPECT(effnet_pool_state.generation % 2 == 0);
  EXPECT(effnet_pool_state.busy == 0);
  EXPECT(becomesZero(&effnet_pool_state.active));
  EXPECT(effnet_pool_state.started == 1);

  /* An app's own parallel-loop handler stays installed and keeps getting
   * the kernels' loops, images at once or not; the same bits. */
  halide_do_par_for_t before = halide_set_custom_do_par_for(countingParFor);
  memset(z, 0, sizeof(float) * classes * kBatch);
  EXPECT(FN(_run)(x, kBatch, z) == 0);
  EXPECT(memcmp(z, y, sizeof(float) * classes * kBatch) == 0);
  EXPECT(countedLoops > 0);
  EXPECT(halide_set_custom_do_par_for(before) == countingParFor);

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
  /* Past Halide's 256 threads: refused, and the count reported back is
   * the one set. */
  EXPECT(FN(_set_num_threads)(100000) == -1);
  EXPECT(FN(_set_num_threads)(256) == 1);
  EXPECT(FN(_set_num_threads)(2) == 256);

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
