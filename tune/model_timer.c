/* Times one model compiled twice, with tuned schedules (library `tuned`)
 * and with the default ones (library `default_schedules`), on the same
 * input: after warm-up, ROUNDS alternating rounds (the order swapped each
 * round) of one call each on BATCH images in a workspace allocated once,
 * on THREADS threads. Prints "time: TUNED_MS DEFAULT_MS", the medians.
 * Build with -include tuned.h -include default_schedules.h.
 * Built with -DONE_MODEL=NAME instead, it times the one library NAME
 * (effnet-tune --budget-ms) and prints "time: MS"; there a fourth argument,
 * SECONDS, ends the rounds early (after 3 at least) once they have taken
 * that long, for models far over the budget.
 * Usage: model_timer ROUNDS BATCH THREADS [SECONDS] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CALL_(lib, fn) lib##_##fn
#define CALL(lib, fn) CALL_(lib, fn)
#ifdef ONE_MODEL
#define MODELS 1
#define FIRST ONE_MODEL
#else
#define MODELS 2
#define FIRST tuned
#define SECOND default_schedules
#endif

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

typedef int (*run_fn)(const float *, int, float *, void *, size_t);

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5)
    return fprintf(stderr, "usage: model_timer ROUNDS BATCH THREADS "
                           "[SECONDS]\n"), 2;
  int rounds = atoi(argv[1]), batch = atoi(argv[2]), threads = atoi(argv[3]);
  double seconds = argc == 5 ? atof(argv[4]) : 0;
  if (rounds < 1 || batch < 1 || threads < 1 || !(seconds >= 0))
    return fprintf(stderr, "model_timer: ROUNDS, BATCH, THREADS >= 1\n"), 2;
  int res = CALL(FIRST, resolution)();
  size_t n = (size_t)batch * CALL(FIRST, in_channels)() * res * res;
  int shape[3];
  if (CALL(FIRST, output_shape)(0, shape) != 0)
    return fprintf(stderr, "model_timer: the model has no output\n"), 2;
  size_t outputs = (size_t)batch * shape[0] * shape[1] * shape[2];
  float *x = malloc(n * sizeof(float));
  float *y = malloc(outputs * sizeof(float));
  if (!x || !y)
    return fprintf(stderr, "model_timer: out of memory\n"), 2;
  for (size_t i = 0; i < n; ++i)
    x[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
  CALL(FIRST, set_num_threads)(threads);
#if MODELS == 2
  CALL(SECOND, set_num_threads)(threads);
  run_fn run[2] = {CALL(FIRST, run_with_workspace),
                   CALL(SECOND, run_with_workspace)};
  size_t bytes[2] = {CALL(FIRST, workspace_size)(batch),
                     CALL(SECOND, workspace_size)(batch)};
#else
  run_fn run[1] = {CALL(FIRST, run_with_workspace)};
  size_t bytes[1] = {CALL(FIRST, workspace_size)(batch)};
#endif
  void *ws[MODELS];
  double *times[MODELS];
  for (int i = 0; i < MODELS; ++i) {
    ws[i] = malloc(bytes[i]);
    times[i] = malloc(rounds * sizeof(double));
    if (!ws[i] || !times[i])
      return fprintf(stderr, "model_timer: out of memory\n"), 2;
  }
  for (int warm = 0; warm < 3; ++warm)
    for (int i = 0; i < MODELS; ++i)
      if (run[i](x, batch, y, ws[i], bytes[i]) != 0)
        return fprintf(stderr, "model_timer: a model failed\n"), 1;
  double begin = now();
  int done = 0;
  while (done < rounds) {
    for (int j = 0; j < MODELS; ++j) {
      int i = (done + j) % MODELS;
      double start = now();
      if (run[i](x, batch, y, ws[i], bytes[i]) != 0)
        return fprintf(stderr, "model_timer: a model failed\n"), 1;
      times[i][done] = (now() - start) * 1e3;
    }
    ++done;
    if (seconds > 0 && done >= 3 && now() - begin > seconds)
      break;
  }
  printf("time:");
  for (int i = 0; i < MODELS; ++i) {
    qsort(times[i], done, sizeof(double), compare);
    printf(" %.4f", times[i][done / 2]);
  }
  printf("\n");
  return 0;
}
