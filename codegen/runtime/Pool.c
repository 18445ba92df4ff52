//===- Pool.c - the library's pool for kernels' loops -------------*- C -*-===//
//
// effnet_pool_par_for(user_context, task, min, extent, closure, threads) runs
// task(user_context, i, closure) for i in [min, min + extent) on `threads`
// threads: the caller and workers the pool starts on first use. The loop is cut
// into one contiguous part per thread and thread k starts on part k, so
// consecutive kernels, which split their rows alike, find the rows they read in
// the cache of the thread that wrote them; a thread that ends its part takes
// what is left of the others' (a counter per part), so a thread the system
// stalls does not stall the loop. Between loops the workers spin for about a
// millisecond before they sleep (a futex), so the many short loops of one image
// do not each pay a wake-up.
//
// Why not Halide's pool: its workers sleep after a few dozen yields and take
// tasks in order from one counter, so neighbouring rows land on different
// threads. Measured on B0, one image, 2 threads of a 2-core AMD EPYC
// (2026-11-30): 6.7 ms on Halide's pool, 5.2 ms on this one.
//
// Every symbol is weak: the effnet libraries of an app share one pool. One loop
// runs on it at a time; a loop that finds it busy (another app thread's call,
// or a loop inside a task) goes to Halide's pool instead.
//
//===----------------------------------------------------------------------===//

#include "Runtime.h"

#if EFFNET_HAS_POOL

#include "HalideRuntime.h"

long syscall(long number, ...);
int pthread_create(unsigned long *thread, const void *attributes,
                   void *(*start)(void *), void *argument);

/* Parts a loop is cut into at most, and so threads that run one loop. */
#define EFFNET_MAX_PARTS 64

/* Linux's futex system call, and its operations on a process-private
 * word. */
#if defined(__x86_64__)
#define EFFNET_SYS_FUTEX 202
#elif defined(__aarch64__) || defined(__riscv)
#define EFFNET_SYS_FUTEX 98
#else /* i386, arm */
#define EFFNET_SYS_FUTEX 240
#endif
#define EFFNET_FUTEX_WAIT_PRIVATE 128
#define EFFNET_FUTEX_WAKE_PRIVATE 129

/* Waiting rounds (each a pause or yield hint) before an idle worker sleeps:
 * about a millisecond on x86, whose pause takes tens to a hundred cycles;
 * ARM's yield hint takes a few. */
#if defined(__x86_64__) || defined(__i386__)
#define EFFNET_SPINS (1 << 14)
#else
#define EFFNET_SPINS (1 << 18)
#endif

static inline void pause_hint(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  __builtin_arm_yield();
#endif
}

/* The pool's state. The first five fields are read by test/e2e/Inputs/api.c.
 *   generation  odd while a loop is published, even between loops
 *   active      workers inside a loop (the caller waits for none before it
 *               returns, so no worker touches a loop's fields afterwards)
 *   sleepers    workers asleep on the generation's futex
 *   busy        1 while a caller owns the pool
 *   started     workers started (slots 1..started)
 *   the loop    task, user_context, closure, min, extent, parts
 *   remaining   iterations not yet finished; error: the first failure
 *   taken       per part, on its own cache line: iterations taken */
typedef struct effnet_pool_state_t {
  int generation, active, sleepers, busy, started;
  halide_task_t task;
  void *context;
  uint8_t *closure;
  int min, extent, parts, remaining, error;
  struct {
    _Alignas(64) int taken;
  } counters[EFFNET_MAX_PARTS];
} effnet_pool_state_t;

__attribute__((weak)) effnet_pool_state_t effnet_pool_state;

/* The pool's handshakes (a worker joining as the caller ends a loop, a
 * worker going to sleep as the caller publishes one) need each side to see
 * the other's write or its own to be seen: sequentially consistent. */
static inline int load_sc(int *field) {
  return __atomic_load_n(field, __ATOMIC_SEQ_CST);
}
static inline void add_sc(int *field, int value) {
  __atomic_fetch_add(field, value, __ATOMIC_SEQ_CST);
}

static void futex(int op, int value) {
  syscall(EFFNET_SYS_FUTEX, &effnet_pool_state.generation, (long)op,
          (long)value, (void *)0);
}

/* Runs iterations of the published loop, its part `first` (mod parts)
 * first, then what is left of the parts after it. Each iteration taken is
 * counted down in `remaining`. */
__attribute__((weak)) void effnet_pool_work(int first) {
  effnet_pool_state_t *s = &effnet_pool_state;
  unsigned parts = (unsigned)s->parts, extent = (unsigned)s->extent;
  for (unsigned k = 0; k < parts; ++k) {
    unsigned part = ((unsigned)first + k) % parts;
    /* Part p holds iterations [extent * p / parts, extent * (p+1) / parts). */
    unsigned begin = (unsigned)((uint64_t)extent * part / parts);
    unsigned end = (unsigned)((uint64_t)extent * (part + 1) / parts);
    for (;;) {
      unsigned taken = (unsigned)__atomic_fetch_add(&s->counters[part].taken, 1,
                                                    __ATOMIC_RELAXED);
      if (taken >= end - begin)
        break;
      int status =
          s->task(s->context, s->min + (int)(begin + taken), s->closure);
      if (status) {
        int none = 0;
        __atomic_compare_exchange_n(&s->error, &none, status, 0,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
      }
      /* Release: the caller, seeing no iteration remain, sees the results. */
      add_sc(&s->remaining, -1);
    }
  }
}

/* A worker's thread. It waits for a loop to be published, joins it when its
 * slot is below the loop's parts (working from part `slot`), and between
 * loops spins, then sleeps on the generation's futex. */
__attribute__((weak)) void *effnet_pool_worker(void *argument) {
  effnet_pool_state_t *s = &effnet_pool_state;
  unsigned slot = (unsigned)(uintptr_t)argument;
  int seen = 0;
  unsigned spun = 0;
  for (;;) {
    int generation = load_sc(&s->generation);
    if (generation != seen) {
      /* A loop when odd, and this slot has a part. `parts` is read
       * atomically: a caller may be publishing the next loop already (the
       * check after joining sends this worker back then). */
      unsigned parts = (unsigned)__atomic_load_n(&s->parts, __ATOMIC_RELAXED);
      if ((generation & 1) && slot < parts) {
        add_sc(&s->active, 1);
        /* The loop may have ended before this worker counted itself in. */
        if (load_sc(&s->generation) == generation)
          effnet_pool_work((int)slot);
        add_sc(&s->active, -1);
      }
      seen = generation;
      spun = 0;
      continue;
    }
    /* No change: spin a while, then sleep until the generation moves. */
    if (spun < EFFNET_SPINS) {
      pause_hint();
      ++spun;
      continue;
    }
    add_sc(&s->sleepers, 1);
    /* A caller that published after this load wakes the sleepers, and the
     * futex sleeps only while the generation is still `seen`. */
    if (load_sc(&s->generation) == seen)
      futex(EFFNET_FUTEX_WAIT_PRIVATE, seen);
    add_sc(&s->sleepers, -1);
    spun = 0;
  }
}

static void wait_for_zero(int *field) {
  while (load_sc(field) != 0)
    pause_hint();
}

__attribute__((weak)) int effnet_pool_par_for(void *context, halide_task_t task,
                                              int min, int extent,
                                              uint8_t *closure, int threads) {
  effnet_pool_state_t *s = &effnet_pool_state;
  int free_pool = 0;
  if (!__atomic_compare_exchange_n(&s->busy, &free_pool, 1, 0, __ATOMIC_ACQUIRE,
                                   __ATOMIC_RELAXED))
    return halide_default_do_par_for(context, task, min, extent, closure);

  /* Parts: min(threads, extent, EFFNET_MAX_PARTS); workers for slots
   * 1..parts-1 are started once and kept. */
  unsigned parts = (unsigned)threads < (unsigned)extent ? (unsigned)threads
                                                        : (unsigned)extent;
  if (parts > EFFNET_MAX_PARTS)
    parts = EFFNET_MAX_PARTS;
  while ((unsigned)s->started + 1 < parts) {
    unsigned long thread;
    unsigned slot = (unsigned)s->started + 1;
    /* Without a new thread the caller takes its part. */
    if (pthread_create(&thread, 0, effnet_pool_worker,
                       (void *)(uintptr_t)slot) != 0)
      break;
    s->started = (int)slot;
  }

  s->task = task;
  s->context = context;
  s->closure = closure;
  s->min = min;
  s->extent = extent;
  __atomic_store_n(&s->parts, (int)parts, __ATOMIC_RELAXED);
  s->remaining = extent;
  s->error = 0;
  for (unsigned p = 0; p < parts; ++p)
    s->counters[p].taken = 0;
  add_sc(&s->generation, 1);
  if (load_sc(&s->sleepers) != 0)
    futex(EFFNET_FUTEX_WAKE_PRIVATE, INT32_MAX);

  effnet_pool_work(0);
  wait_for_zero(&s->remaining);
  /* The loop is over: workers that have not joined will not, and those
   * inside leave once they find nothing left to take. */
  add_sc(&s->generation, 1);
  wait_for_zero(&s->active);
  int status = s->error;
  __atomic_store_n(&s->busy, 0, __ATOMIC_RELEASE);
  return status;
}

#endif /* EFFNET_HAS_POOL */
