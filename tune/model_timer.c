/* Times one model compiled twice, with tuned schedules (library `tuned`)
 * and with the default ones (library `default_schedules`), on the same
 * input: after warm-up, ROUNDS alternating rounds (the order swapped each
 * round) of one call each on BATCH images in a workspace allocated once,
 * on THREADS threads. Prints "time: TUNED_MS DEFAULT_MS", the medians.
 * Build with -include tuned.h -include default_schedules.h.
 * Usage: model_timer ROUNDS BATCH THREADS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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
  if (argc != 4)
    return fprintf(stderr, "usage: model_timer ROUNDS BATCH THREADS\n"), 2;
  int rounds = atoi(argv[1]), batch = atoi(argv[2]), threads = atoi(argv[3]);
  if (rounds < 1 || batch < 1 || threads < 1)
    return fprintf(stderr, "model_timer: ROUNDS, BATCH, THREADS >= 1\n"), 2;
  int res = tuned_resolution();
  size_t n = (size_t)batch * tuned_in_channels() * res * res;
  int shape[3];
  if (tuned_output_shape(0, shape) != 0)
    return fprintf(stderr, "model_timer: the model has no output\n"), 2;
  size_t outputs = (size_t)batch * shape[0] * shape[1] * shape[2];
  float *x = malloc(n * sizeof(float));
  float *y = malloc(outputs * sizeof(float));
  if (!x || !y)
    return fprintf(stderr, "model_timer: out of memory\n"), 2;
  for (size_t i = 0; i < n; ++i)
    x[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
  tuned_set_num_threads(threads);
  default_schedules_set_num_threads(threads);
  run_fn run[2] = {tuned_run_with_workspace,
                   default_schedules_run_with_workspace};
  size_t bytes[2] = {tuned_workspace_size(batch),
                     default_schedules_workspace_size(batch)};
  void *ws[2] = {malloc(bytes[0]), malloc(bytes[1])};
  double *times[2] = {malloc(rounds * sizeof(double)),
                      malloc(rounds * sizeof(double))};
  if (!ws[0] || !ws[1] || !times[0] || !times[1])
    return fprintf(stderr, "model_timer: out of memory\n"), 2;
  for (int warm = 0; warm < 3; ++warm)
    for (int i = 0; i < 2; ++i)
      if (run[i](x, batch, y, ws[i], bytes[i]) != 0)
        return fprintf(stderr, "model_timer: a model failed\n"), 1;
  for (int r = 0; r < rounds; ++r)
    for (int j = 0; j < 2; ++j) {
      int i = (r + j) % 2;
      double start = now();
      if (run[i](x, batch, y, ws[i], bytes[i]) != 0)
        return fprintf(stderr, "model_timer: a model failed\n"), 1;
      times[i][r] = (now() - start) * 1e3;
    }
  for (int i = 0; i < 2; ++i)
    qsort(times[i], rounds, sizeof(double), compare);
  printf("time: %.4f %.4f\n", times[0][rounds / 2], times[1][rounds / 2]);
  return 0;
}
