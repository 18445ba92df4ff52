/* Runs one kernel compiled twice, with the schedule under test
 * (fuzz_candidate) and with the default schedule (fuzz_reference), on the
 * same random inputs and the same weights, and compares every output value.
 * Each buffer lies against a page the process may not touch: once ending
 * at it, once starting after it, so a read or write past either end stops
 * the run with SIGSEGV. The output is filled with a pattern no kernel
 * writes first, so a value the kernel never writes is found too.
 *
 * Usage: runner CANDIDATE.txt REFERENCE.txt SEED [ROUNDS CALLS]
 * With ROUNDS and CALLS, once the outputs agree, both kernels are timed
 * after warm-up in ROUNDS alternating rounds of CALLS calls each (CALLS 0:
 * as many as take about 2 ms, at least one), and a
 * line "time: CANDIDATE_MS REFERENCE_MS" gives the medians of the rounds'
 * milliseconds per call (the tuner's measurement: both in one process).
 * Each description lists its kernel's arguments in calling order, a line
 * each:
 *   in|out TYPE DIMS EXTENT STRIDE ...
 *   weight f32 DIMS EXTENT STRIDE ... FILE   (the values, raw float32)
 * TYPE is f32 or u8; a stride of 0 is given at the call: the rows of 8-bit
 * pixels, which the runner lays packed on one run and padded on the other.
 * The two kernels take the same inputs and output; their weights may be
 * laid out differently (Winograd's are transformed).
 * Kernels' parallel loops run on the libraries' own pool (Pool.c), on
 * HL_NUM_THREADS threads (1 when unset), as a lone image's do in a library.
 * Prints what it runs, then one line; exits 0 when the outputs agree within
 * 1e-5 of the largest reference value, 1 when they differ, 2 on a bad call
 * or a kernel that fails. */
#include <HalideRuntime.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int fuzz_candidate_argv(void **args);
int fuzz_reference_argv(void **args);

/* The generated libraries' pool (codegen/runtime/Pool.c, linked in): a lone
 * image's kernels run their parallel loops on it in a library, so they are
 * run and timed on it here, on HL_NUM_THREADS threads. */
int effnet_pool_par_for(void *user_context, int (*task)(void *, int, uint8_t *),
                        int min, int extent, uint8_t *closure, int threads);
static int poolThreads = 1;

static int poolParFor(void *context, halide_task_t task, int min, int size,
                      uint8_t *closure) {
  if (poolThreads <= 1 || size <= 1) {
    for (int i = min; i < min + size; ++i) {
      int status = task(context, i, closure);
      if (status)
        return status;
    }
    return 0;
  }
  return effnet_pool_par_for(context, task, min, size, closure, poolThreads);
}

enum { kMaxArgs = 32, kMaxDims = 4 };

struct arg {
  int out, weight, u8, dims;
  int64_t extent[kMaxDims], stride[kMaxDims];
  char file[4096];
  size_t elements; /* elements the buffer spans, strides included */
  size_t bytes;
  void *mapping;
  size_t mappingBytes;
  void *host;
  halide_dimension_t dim[kMaxDims];
  halide_buffer_t buffer;
};

struct kernel {
  const char *name;
  int (*function)(void **);
  struct arg args[kMaxArgs];
  int count;
};

static struct kernel candidate = {"candidate", fuzz_candidate_argv};
static struct kernel reference = {"reference", fuzz_reference_argv};
static uint64_t state;

static uint64_t next(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

static float uniform(void) {
  return (float)((next() >> 40) * (2.0 / 16777216.0) - 1.0);
}

static const uint32_t kUnwritten = 0x7fa5a5a5u; /* a NaN no kernel makes */

static void die(const char *what) {
  printf("error: %s\n", what);
  exit(2);
}

static void readDescription(const char *path, struct kernel *k) {
  FILE *file = fopen(path, "r");
  if (!file)
    die("cannot open a description");
  char kind[16], type[16];
  int outputs = 0;
  while (fscanf(file, "%15s %15s", kind, type) == 2) {
    if (k->count == kMaxArgs)
      die("too many arguments");
    struct arg *g = &k->args[k->count++];
    g->out = strcmp(kind, "out") == 0;
    g->weight = strcmp(kind, "weight") == 0;
    g->u8 = strcmp(type, "u8") == 0;
    outputs += g->out;
    if (fscanf(file, "%d", &g->dims) != 1 || g->dims < 1 ||
        g->dims > kMaxDims)
      die("bad dimensions");
    for (int d = 0; d < g->dims; ++d)
      if (fscanf(file, "%lld %lld", (long long *)&g->extent[d],
                 (long long *)&g->stride[d]) != 2 ||
          g->extent[d] < 1 || g->stride[d] < 0)
        die("bad extent or stride");
    if (g->weight && fscanf(file, "%4095s", g->file) != 1)
      die("a weight without its file");
  }
  fclose(file);
  if (outputs != 1)
    die("expects one output");
}

/* Lays out every stride, given the row stride of 8-bit pixels. */
static void layout(struct kernel *k, int paddedRows) {
  for (int a = 0; a < k->count; ++a) {
    struct arg *g = &k->args[a];
    size_t span = 1;
    for (int d = 0; d < g->dims; ++d) {
      int64_t stride = g->stride[d];
      if (stride == 0) /* rows of pixels: packed, or 5 bytes apart */
        stride = g->extent[0] * g->extent[1] + (paddedRows ? 5 : 0);
      g->dim[d].min = 0;
      g->dim[d].extent = (int32_t)g->extent[d];
      g->dim[d].stride = (int32_t)stride;
      g->dim[d].flags = 0;
      span += (size_t)(g->extent[d] - 1) * (size_t)stride;
    }
    g->elements = span;
    g->bytes = span * (g->u8 ? 1 : 4);
  }
}

/* Maps the buffer beside an inaccessible page: its end against the page
 * that follows it (atEnd), or its start right after the page before it. */
static void place(struct arg *g, int atEnd) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t pages = (g->bytes + page - 1) / page;
  g->mappingBytes = (pages + 2) * page;
  char *base = mmap(NULL, g->mappingBytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED)
    die("mmap");
  if (mprotect(base, page, PROT_NONE) ||
      mprotect(base + (pages + 1) * page, page, PROT_NONE))
    die("mprotect");
  g->mapping = base;
  g->host = atEnd ? base + (pages + 1) * page - g->bytes : base + page;
}

static void release(struct arg *g) {
  munmap(g->mapping, g->mappingBytes);
  g->mapping = g->host = NULL;
}

/* Random inputs (the same for every call: the state is reseeded), weights
 * from their files, outputs filled with the unwritten pattern. */
static void fill(struct kernel *k, uint64_t seed) {
  state = seed * 2654435761u + 88172645463325252ull;
  for (int a = 0; a < k->count; ++a) {
    struct arg *g = &k->args[a];
    if (g->out) {
      uint32_t *p = g->host;
      for (size_t i = 0; i < g->elements; ++i)
        p[i] = kUnwritten;
    } else if (g->weight) {
      FILE *file = fopen(g->file, "rb");
      if (!file || fread(g->host, 1, g->bytes, file) != g->bytes ||
          fgetc(file) != EOF)
        die("a weight file does not hold its weight");
      fclose(file);
    } else if (g->u8) {
      unsigned char *p = g->host;
      for (size_t i = 0; i < g->elements; ++i)
        p[i] = (unsigned char)(next() >> 56);
    } else {
      float *p = g->host;
      for (size_t i = 0; i < g->elements; ++i)
        p[i] = uniform();
    }
  }
}

static int call(struct kernel *k) {
  void *argv[kMaxArgs];
  for (int a = 0; a < k->count; ++a) {
    struct arg *g = &k->args[a];
    memset(&g->buffer, 0, sizeof g->buffer);
    g->buffer.host = g->host;
    g->buffer.type.code = g->u8 ? halide_type_uint : halide_type_float;
    g->buffer.type.bits = g->u8 ? 8 : 32;
    g->buffer.type.lanes = 1;
    g->buffer.dimensions = g->dims;
    g->buffer.dim = g->dim;
    argv[a] = &g->buffer;
  }
  return k->function(argv);
}

/* The output's values at every in-bounds index, in order. */
static float *gather(const struct arg *g, size_t *count) {
  size_t n = 1;
  for (int d = 0; d < g->dims; ++d)
    n *= (size_t)g->extent[d];
  float *values = malloc(n * sizeof(float));
  if (!values)
    die("malloc");
  for (size_t i = 0; i < n; ++i) {
    size_t rest = i, offset = 0;
    for (int d = 0; d < g->dims; ++d) {
      offset += (rest % (size_t)g->extent[d]) * (size_t)g->dim[d].stride;
      rest /= (size_t)g->extent[d];
    }
    memcpy(&values[i], (const float *)g->host + offset, sizeof(float));
  }
  *count = n;
  return values;
}

static int isUnwritten(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  return bits == kUnwritten;
}

/* Runs `k` with every buffer placed at one end of its pages; returns its
 * output values. */
static float *run(struct kernel *k, int atEnd, int paddedRows, uint64_t seed,
                  size_t *count) {
  layout(k, paddedRows);
  for (int a = 0; a < k->count; ++a)
    place(&k->args[a], atEnd);
  fill(k, seed);
  /* Said first: a run that dies says which kernel it was in. */
  printf("%s, buffers at the %s of their pages%s: ", k->name,
         atEnd ? "end" : "start", paddedRows ? ", padded pixel rows" : "");
  fflush(stdout);
  int status = call(k);
  printf("returned\n");
  if (status != 0) {
    printf("error: %s returned %d\n", k->name, status);
    exit(2);
  }
  float *values = NULL;
  for (int a = 0; a < k->count; ++a)
    if (k->args[a].out)
      values = gather(&k->args[a], count);
  for (int a = 0; a < k->count; ++a)
    release(&k->args[a]);
  return values;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compareTimes(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Milliseconds per call of `calls` calls of `k`. */
static double timeCalls(struct kernel *k, int calls) {
  double start = now();
  for (int i = 0; i < calls; ++i)
    if (call(k) != 0)
      die("a kernel failed while timed");
  return (now() - start) * 1e3 / calls;
}

/* Times both kernels on buffers laid out once: warm-up, then alternating
 * rounds (the order swapped each round), the medians of the rounds. */
static void timeBoth(int rounds, int calls, uint64_t seed) {
  struct kernel *both[2] = {&candidate, &reference};
  for (int i = 0; i < 2; ++i) {
    layout(both[i], 0);
    for (int a = 0; a < both[i]->count; ++a)
      place(&both[i]->args[a], 1);
    fill(both[i], seed);
    timeCalls(both[i], 3);
  }
  if (calls == 0) {
    double slowest = fmax(timeCalls(both[0], 1), timeCalls(both[1], 1));
    calls = slowest >= 2.0 ? 1 : (int)fmin(10000, 2.0 / fmax(slowest, 1e-4));
  }
  double *times[2] = {malloc(rounds * sizeof(double)),
                      malloc(rounds * sizeof(double))};
  if (!times[0] || !times[1])
    die("malloc");
  for (int r = 0; r < rounds; ++r)
    for (int j = 0; j < 2; ++j) {
      int i = (r + j) % 2;
      times[i][r] = timeCalls(both[i], calls);
    }
  for (int i = 0; i < 2; ++i)
    qsort(times[i], rounds, sizeof(double), compareTimes);
  printf("time: %.6f %.6f\n", times[0][rounds / 2], times[1][rounds / 2]);
  for (int i = 0; i < 2; ++i) {
    for (int a = 0; a < both[i]->count; ++a)
      release(&both[i]->args[a]);
    free(times[i]);
  }
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 6)
    die("usage: runner CANDIDATE.txt REFERENCE.txt SEED [ROUNDS CALLS]");
  const char *threads = getenv("HL_NUM_THREADS");
  poolThreads = threads ? atoi(threads) : 1;
  halide_set_custom_do_par_for(poolParFor);
  readDescription(argv[1], &candidate);
  readDescription(argv[2], &reference);
  int pixels = 0;
  for (int a = 0; a < candidate.count; ++a)
    pixels |= candidate.args[a].u8;
  uint64_t seed = strtoull(argv[3], NULL, 10);

  size_t n = 0, m = 0;
  float *first = run(&reference, 1, 0, seed, &n);
  double largest = 0;
  for (size_t i = 0; i < n; ++i) {
    if (isUnwritten(first[i]) || !isfinite(first[i])) {
      printf("error: the reference leaves value %zu %s\n", i,
             isUnwritten(first[i]) ? "unwritten" : "not finite");
      return 2;
    }
    largest = fmax(largest, fabs(first[i]));
  }
  double tolerance = 1e-5 * (largest > 0 ? largest : 1);
  /* Each end of the pages; with 8-bit pixels, packed and padded rows. */
  for (int trial = 0; trial < (pixels ? 4 : 2); ++trial) {
    int atEnd = trial % 2 == 0, padded = trial >= 2;
    float *values = run(&candidate, atEnd, padded, seed, &m);
    float *expected = padded ? run(&reference, 1, 1, seed, &n) : first;
    if (m != n)
      die("the kernels' outputs differ in size");
    for (size_t i = 0; i < n; ++i) {
      double error = fabs((double)values[i] - expected[i]);
      if (isUnwritten(values[i]) || !(error <= tolerance)) {
        printf("differs: value %zu of %zu: %.9g, default %.9g (buffers at "
               "the %s of their pages%s)\n",
               i, n, values[i], expected[i], atEnd ? "end" : "start",
               padded ? ", padded pixel rows" : "");
        return 1;
      }
    }
    if (expected != first)
      free(expected);
    free(values);
  }
  if (argc == 6) {
    int rounds = atoi(argv[4]), calls = atoi(argv[5]);
    if (rounds < 1 || calls < 0)
      die("ROUNDS must be at least 1 and CALLS at least 0");
    timeBoth(rounds, calls, seed);
  }
  printf("agrees: %zu values within %.3g\n", n, tolerance);
  free(first);
  return 0;
}
