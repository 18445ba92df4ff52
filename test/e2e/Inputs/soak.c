/* Soak test: THREADS threads call one generated library for SECONDS seconds,
 * each call checked bit for bit against the same input's single-threaded
 * result, through all three entries (NAME_run, NAME_run_with_workspace and
 * the Halide-style entry). Resident memory is sampled once the warm-up
 * (the first quarter) is over and again at the end: it must stay flat.
 * Build with -DMODEL=name -include name.h and HalideRuntime.h's include path.
 * Usage: soak SECONDS [THREADS (default 16)]. Prints calls, mismatches and
 * resident memory; exits non-zero on any mismatch, error or growth. */
#include <HalideRuntime.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(suffix) CAT(MODEL, suffix)

enum { kInputs = 8, kMaxThreads = 64 };
static int res, classes;
static size_t image;
static float *inputs[kInputs], *expected[kInputs];
static double deadline;
static atomic_long calls, mismatches, errors;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Resident set size in KiB, from /proc/self/statm. */
static long resident_kib(void) {
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (!f)
    return -1;
  if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
    resident = -1;
  fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void fill(float *x, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 1103515245u + 12345u;
    x[i] = (float)((seed >> 8) & 0xffff) / 32768.0f - 1.0f;
  }
}

static void dense(halide_buffer_t *b, halide_dimension_t *dims, void *host,
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

static void *worker(void *arg) {
  unsigned seed = (unsigned)(size_t)arg * 2654435761u;
  float *out = malloc(sizeof(float) * classes);
  size_t ws = FN(_workspace_size)(1);
  void *workspace = malloc(ws);
  long i = 0;
  while (now() < deadline) {
    seed = seed * 1103515245u + 12345u;
    int k = (int)((seed >> 16) % kInputs);
    int status;
    memset(out, 0xff, sizeof(float) * classes);
    switch (i++ % 3) {
    case 0:
      status = FN(_run)(inputs[k], 1, out);
      break;
    case 1:
      status = FN(_run_with_workspace)(inputs[k], 1, out, workspace, ws);
      break;
    default: {
      halide_buffer_t in, o;
      halide_dimension_t in_dims[4], out_dims[2];
      int in_extents[4] = {res, res, 3, 1}, out_extents[2] = {classes, 1};
      dense(&in, in_dims, inputs[k], 4, in_extents);
      dense(&o, out_dims, out, 2, out_extents);
      status = FN()(&in, &o);
    }
    }
    atomic_fetch_add(&calls, 1);
    if (status != 0)
      atomic_fetch_add(&errors, 1);
    else if (memcmp(out, expected[k], sizeof(float) * classes) != 0)
      atomic_fetch_add(&mismatches, 1);
  }
  free(workspace);
  free(out);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: soak SECONDS [THREADS]\n");
    return 2;
  }
  double seconds = atof(argv[1]);
  int threads = argc > 2 ? atoi(argv[2]) : 16;
  if (seconds <= 0 || threads < 1 || threads > kMaxThreads) {
    fprintf(stderr, "soak: bad SECONDS or THREADS\n");
    return 2;
  }
  res = FN(_resolution)();
  classes = FN(_num_classes)();
  image = (size_t)3 * res * res;
  for (int k = 0; k < kInputs; ++k) {
    inputs[k] = malloc(sizeof(float) * image);
    expected[k] = malloc(sizeof(float) * classes);
    fill(inputs[k], image, 1000 + k);
    if (FN(_run)(inputs[k], 1, expected[k]) != 0) {
      fprintf(stderr, "soak: a single call failed\n");
      return 1;
    }
  }
  double start = now();
  deadline = start + seconds;
  pthread_t pool[kMaxThreads];
  for (long t = 0; t < threads; ++t)
    pthread_create(&pool[t], NULL, worker, (void *)t);
  /* Warm-up: the thread pool, every worker's first allocations. */
  usleep((useconds_t)(seconds * 0.25e6));
  long warm = resident_kib();
  for (int t = 0; t < threads; ++t)
    pthread_join(pool[t], NULL);
  long end = resident_kib();
  /* Flat: at most 8 MiB or 10% above the warmed-up size. */
  long allowed = warm / 10 > 8192 ? warm / 10 : 8192;
  int grew = warm < 0 || end < 0 || end - warm > allowed;
  printf("soak: %d threads, %.1f s, %ld calls, %ld mismatches, %ld errors, "
         "resident %ld KiB after warm-up, %ld KiB at the end%s\n",
         threads, now() - start, (long)calls, (long)mismatches, (long)errors,
         warm, end, grew ? " (GREW)" : "");
  return (mismatches || errors || grew || calls == 0) ? 1 : 0;
}
