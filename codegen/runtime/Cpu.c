//===- Cpu.c - which path of a library this CPU runs ------------*- C -*-===//
//
// See Runtime.h. Every entry point asks effnet_rt_select for the model to run
// before any kernel or Halide runtime code runs: a library compiled for
// features this CPU lacks returns EFFNET_CPU instead of executing an illegal
// instruction, and a portable library runs the best of its paths the CPU
// has. This file is compiled for the driver's baseline (no vector extension
// assumed), like the rest of the runtime.
//
// The statics (the path chosen, the path forced) are internal to each
// library, as every static of the runtime is.
//
//===----------------------------------------------------------------------===//

#include "Runtime.h"

#if defined(__linux__) && (defined(__aarch64__) || defined(__arm__))
unsigned long getauxval(unsigned long type);
#endif

#define BIT(feature) ((uint64_t)1 << (feature))

#if defined(__x86_64__) || defined(__i386__)
static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
  __asm__ volatile("cpuid"
                   : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                   : "a"(leaf), "c"(sub));
}

/* What the CPU has and the OS saves the registers of (XCR0: AVX needs the
 * SSE and AVX state, AVX-512 also the opmask and upper ZMM state). */
static uint64_t detect(void) {
  uint32_t r[4];
  cpuid(0, 0, r);
  uint32_t max_leaf = r[0];
  if (max_leaf < 1)
    return 0;
  cpuid(1, 0, r);
  uint32_t c1 = r[2];
  uint64_t f = 0;
  if (c1 & (1u << 9))
    f |= BIT(EFFNET_CPU_SSSE3);
  if (c1 & (1u << 19))
    f |= BIT(EFFNET_CPU_SSE41);
  if (c1 & (1u << 20))
    f |= BIT(EFFNET_CPU_SSE42);
  if (c1 & (1u << 22))
    f |= BIT(EFFNET_CPU_MOVBE);
  if (c1 & (1u << 23))
    f |= BIT(EFFNET_CPU_POPCNT);
  uint64_t xcr0 = 0;
  if (c1 & (1u << 27)) { /* OSXSAVE: XGETBV may run */
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    xcr0 = ((uint64_t)hi << 32) | lo;
  }
  int avx_state = (xcr0 & 0x6) == 0x6;
  int avx512_state = (xcr0 & 0xe6) == 0xe6;
  if (avx_state) {
    if (c1 & (1u << 28))
      f |= BIT(EFFNET_CPU_AVX);
    if (c1 & (1u << 29))
      f |= BIT(EFFNET_CPU_F16C);
    if (c1 & (1u << 12))
      f |= BIT(EFFNET_CPU_FMA);
  }
  if (max_leaf >= 7) {
    cpuid(7, 0, r);
    uint32_t max_sub = r[0], b7 = r[1], c7 = r[2];
    if (b7 & (1u << 3))
      f |= BIT(EFFNET_CPU_BMI1);
    if (b7 & (1u << 8))
      f |= BIT(EFFNET_CPU_BMI2);
    if (avx_state && (b7 & (1u << 5)))
      f |= BIT(EFFNET_CPU_AVX2);
    if (avx512_state) {
      static const struct {
        uint32_t bit;
        int feature;
      } ebx[] = {{16, EFFNET_CPU_AVX512F},    {17, EFFNET_CPU_AVX512DQ},
                 {21, EFFNET_CPU_AVX512IFMA}, {26, EFFNET_CPU_AVX512PF},
                 {27, EFFNET_CPU_AVX512ER},   {28, EFFNET_CPU_AVX512CD},
                 {30, EFFNET_CPU_AVX512BW},   {31, EFFNET_CPU_AVX512VL}};
      for (unsigned i = 0; i < sizeof ebx / sizeof ebx[0]; ++i)
        if (b7 & (1u << ebx[i].bit))
          f |= BIT(ebx[i].feature);
      if (c7 & (1u << 1))
        f |= BIT(EFFNET_CPU_AVX512VBMI);
      if (c7 & (1u << 11))
        f |= BIT(EFFNET_CPU_AVX512VNNI);
    }
    if (max_sub >= 1) {
      cpuid(7, 1, r);
      if (avx_state && (r[0] & (1u << 4)))
        f |= BIT(EFFNET_CPU_AVXVNNI);
      if (avx512_state && (r[0] & (1u << 5)))
        f |= BIT(EFFNET_CPU_AVX512BF16);
    }
  }
  cpuid(0x80000000u, 0, r);
  if (r[0] >= 0x80000001u) {
    cpuid(0x80000001u, 0, r);
    if (r[2] & (1u << 5))
      f |= BIT(EFFNET_CPU_LZCNT);
    if (avx_state && (r[2] & (1u << 16)))
      f |= BIT(EFFNET_CPU_FMA4);
  }
  return f;
}
#elif defined(__linux__) && defined(__aarch64__)
/* The kernel's hardware capabilities (AT_HWCAP, AT_HWCAP2). */
static uint64_t detect(void) {
  unsigned long hwcap = getauxval(16), hwcap2 = getauxval(26);
  uint64_t f = BIT(EFFNET_CPU_NEON);
  if ((hwcap & (1ul << 9)) && (hwcap & (1ul << 10))) /* FPHP, ASIMDHP */
    f |= BIT(EFFNET_CPU_ARM_FP16);
  if (hwcap & (1ul << 20)) /* ASIMDDP */
    f |= BIT(EFFNET_CPU_ARM_DOTPROD);
  if (hwcap & (1ul << 22)) /* SVE */
    f |= BIT(EFFNET_CPU_SVE);
  if (hwcap2 & (1ul << 1)) /* SVE2 */
    f |= BIT(EFFNET_CPU_SVE2);
  return f;
}
#elif defined(__linux__) && defined(__arm__)
static uint64_t detect(void) {
  unsigned long hwcap = getauxval(16);
  uint64_t f = 0;
  if (hwcap & (1ul << 12)) /* NEON */
    f |= BIT(EFFNET_CPU_NEON);
  if ((hwcap & (1ul << 22)) && (hwcap & (1ul << 23))) /* FPHP, ASIMDHP */
    f |= BIT(EFFNET_CPU_ARM_FP16);
  if (hwcap & (1ul << 24)) /* ASIMDDP */
    f |= BIT(EFFNET_CPU_ARM_DOTPROD);
  return f;
}
#else
/* No way to ask here: every feature is taken to be present. */
static uint64_t detect(void) { return ~(uint64_t)0; }
#endif

uint64_t effnet_rt_cpu_features(void) { return detect(); }

/* The names messages give features, in enum effnet_cpu_feature's order. */
static const char *const feature_names[EFFNET_CPU_FEATURE_COUNT] = {
    "ssse3",      "sse4.1",     "sse4.2",     "popcnt",      "avx",
    "f16c",       "fma",        "fma4",       "avx2",        "bmi",
    "bmi2",       "lzcnt",      "movbe",      "avx512f",     "avx512cd",
    "avx512bw",   "avx512dq",   "avx512vl",   "avx512ifma",  "avx512vbmi",
    "avx512vnni", "avx512bf16", "avxvnni",    "avx512er",    "avx512pf",
    "neon",       "dotprod",    "fp16",       "sve",         "sve2"};

/* The path chosen by the CPU: 0 not yet, k + 1 path k, -1 none runs here. */
static int chosen;
/* The path effnet_rt_use_target forced: 0 none, k + 1 path k. */
static int forced;
/* The path this thread's last effnet_rt_use_target refused (k + 1), until
 * its next call: what error_message's EFFNET_CPU then speaks of. */
static _Thread_local int refused;

static int runs_here(const effnet_path *path, uint64_t have) {
  return (path->cpu_features & ~have) == 0;
}

static int choose(const effnet_library *lib) {
  uint64_t have = detect();
  for (int k = 0; k < lib->path_count; ++k)
    if (runs_here(&lib->paths[k], have))
      return k + 1;
  return -1;
}

/* Path k + 1 (or -1) that calls run. Two threads choosing at once choose
 * the same. */
static int current(const effnet_library *lib) {
  int k = __atomic_load_n(&forced, __ATOMIC_RELAXED);
  if (k > 0)
    return k;
  k = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
  if (k == 0) {
    k = choose(lib);
    __atomic_store_n(&chosen, k, __ATOMIC_RELAXED);
  }
  return k;
}

const effnet_model *effnet_rt_select(const effnet_library *lib) {
  refused = 0;
  int k = current(lib);
  return k > 0 ? lib->paths[k - 1].model : 0;
}

const effnet_model *effnet_rt_any_model(const effnet_library *lib) {
  int k = current(lib);
  return lib->paths[k > 0 ? k - 1 : lib->path_count - 1].model;
}

const char *effnet_rt_target(const effnet_library *lib) {
  int k = current(lib);
  return lib->paths[k > 0 ? k - 1 : lib->path_count - 1].target;
}

static int same_string(const char *a, const char *b) {
  while (*a && *a == *b)
    ++a, ++b;
  return *a == *b;
}

int effnet_rt_use_target(const effnet_library *lib, const char *target) {
  refused = 0;
  if (!target) {
    __atomic_store_n(&forced, 0, __ATOMIC_RELAXED);
    return 0;
  }
  for (int k = 0; k < lib->path_count; ++k) {
    if (!same_string(lib->paths[k].target, target))
      continue;
    if (!runs_here(&lib->paths[k], detect())) {
      refused = k + 1;
      return EFFNET_CPU;
    }
    __atomic_store_n(&forced, k + 1, __ATOMIC_RELAXED);
    return 0;
  }
  return EFFNET_UNKNOWN_TARGET;
}

/* Appends `text` to the message being written at *at, within `end`. */
static void append(char **at, char *end, const char *text) {
  while (*text && *at < end)
    *(*at)++ = *text++;
}

const char *effnet_rt_error_message(const effnet_library *lib, int code) {
  switch (code) {
  case 0:
    return "success";
  case EFFNET_NULL_POINTER:
    return "a null pointer where the call needs one to data";
  case EFFNET_BAD_BATCH:
    return "the batch is below 1";
  case EFFNET_WORKSPACE:
    return "the workspace is smaller than one image needs, or memory for it "
           "could not be allocated";
  case EFFNET_BAD_BUFFER:
    return "a buffer's type, shape or row stride is not the one the model "
           "takes, or an output index is past the last output";
  case EFFNET_OVERLAP:
    return "an output shares bytes with the input or another output, or the "
           "workspace with any of them";
  case EFFNET_UNKNOWN_TARGET:
    return "no path of the library has that target (the library's targets "
           "function lists them)";
  case EFFNET_RUNTIME:
  case EFFNET_NO_DEVICE:
  case EFFNET_DEVICE_MEMORY: {
    static _Thread_local char text[640];
    char *at = text, *end = text + sizeof text - 1;
    append(&at, end,
           code == EFFNET_NO_DEVICE
               ? "no GPU to run on (no driver, no device, or no context on "
                 "it): "
           : code == EFFNET_DEVICE_MEMORY
               ? "the GPU has no room for the model's weights and "
                 "activations: "
               : "Halide's runtime failed: ");
    const char *message = effnet_rt_last_halide_error();
    append(&at, end, *message ? message : "(no message)");
    *at = 0;
    return text;
  }
  case EFFNET_CPU:
    break;
  default:
    return code < 0 ? "the Halide runtime failed (its error code)"
                    : "not a return code of this library";
  }
  /* The features this CPU lacks of the path use_target refused, else of
   * the least demanding path. */
  static _Thread_local char text[512];
  const effnet_path *path = &lib->paths[refused ? refused - 1
                                                : lib->path_count - 1];
  uint64_t missing = path->cpu_features & ~detect();
  if (!missing)
    return "a CPU without a feature the library's code needs (this CPU has "
           "every feature of the library's least target)";
  char *at = text, *end = text + sizeof text - 1;
  append(&at, end, "this CPU lacks ");
  int first = 1;
  for (int b = 0; b < EFFNET_CPU_FEATURE_COUNT; ++b) {
    if (!(missing & BIT(b)))
      continue;
    append(&at, end, first ? "" : ", ");
    append(&at, end, feature_names[b]);
    first = 0;
  }
  append(&at, end, refused ? ", which the library's path for "
                 : lib->path_count > 1
                     ? ", which even the least of the library's targets, "
                     : ", which the library's target, ");
  append(&at, end, path->target);
  append(&at, end, refused ? " needs" : ", needs");
  *at = 0;
  return text;
}
