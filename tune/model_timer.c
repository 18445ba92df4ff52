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
 * Built with -DKERNEL_TIMES beside a file of wrappers that effnet-tune
 * writes (each kernel's NAME_kN_argv wrapped with the linker's --wrap, its
 * time and calls added to effnet_kernel_seconds and effnet_kernel_calls),
 * it also prints, after the rounds, a line "kernel MODEL K SECONDS CALLS"
 * per kernel that ran (MODEL 0: tuned, 1: default_schedules): the median
 * over the rounds of the kernel's seconds in one call of its model, and
 * its calls in all rounds. That is each kernel's time inside the model,
 * where its inputs come from the kernel before it and its weights from
 * wherever the rest of the model left them.
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

#ifdef KERNEL_TIMES
#ifdef ONE_MODEL
#error "KERNEL_TIMES times two models"
#endif
extern double effnet_kernel_seconds[2][KERNEL_TIMES];
extern long effnet_kernel_calls[2][KERNEL_TIMES];
#endif

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
#ifdef KERNEL_TIMES
  /* Per model, kernel and round: the kernel's seconds in that round. */
  double *kernelRounds[2];
  for (int m = 0; m < 2; ++m) {
    kernelRounds[m] = calloc((size_t)KERNEL_TIMES * rounds, sizeof(double));
    if (!kernelRounds[m])
      return fprintf(stderr, "model_timer: out of memory\n"), 2;
    for (int k = 0; k < KERNEL_TIMES; ++k) {
      effnet_kernel_seconds[m][k] = 0;
      effnet_kernel_calls[m][k] = 0;
    }
  }
#endif
  double begin = now();
  int done = 0;
  while (done < rounds) {
    for (int j = 0; j < MODELS; ++j) {
      int i = (done + j) % MODELS;
      double start = now();
      if (run[i](x, batch, y, ws[i], bytes[i]) != 0)
        return fprintf(stderr, "model_timer: a model failed\n"), 1;
      times[i][done] = (now() - start) * 1e3;
#ifdef KERNEL_TIMES
      for (int k = 0; k < KERNEL_TIMES; ++k) {
        kernelRounds[i][(size_t)k * rounds + done] = effnet_kernel_seconds[i][k];
        effnet_kernel_seconds[i][k] = 0;
      }
#endif
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
#ifdef KERNEL_TIMES
  for (int m = 0; m < 2; ++m)
    for (int k = 0; k < KERNEL_TIMES; ++k)
      if (effnet_kernel_calls[m][k]) {
        double *per = kernelRounds[m] + (size_t)k * rounds;
        qsort(per, done, sizeof(double), compare);
        printf("kernel %d %d %.9f %ld\n", m, k, per[done / 2],
               effnet_kernel_calls[m][k]);
      }
#endif
  return 0;
}
