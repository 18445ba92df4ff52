//===- Runtime.h - what a generated library's driver runs on ------*- C -*-===//
//
// The model-independent half of every generated library: C, compiled by
// clang-19 to LLVM bitcode for each triple effnetc emits for (at effnetc's
// build), and linked into the driver's module (Driver.cpp). The model's half is
// data: one `effnet_model` describing its kernels, their buffers, the arena and
// the outputs, and one-line entry points that pass it here.
//
// Driver.cpp builds the constants of these structs with LLVM types of the same
// fields in the same order; the fields are ordered widest first, so their
// layout is the C layout on every target.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_RUNTIME_RUNTIME_H
#define EFFNET_CODEGEN_RUNTIME_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes of the generated functions (Halide's own are negative). */
enum effnet_error {
  EFFNET_NULL_POINTER = 1,
  EFFNET_BAD_BATCH = 2,
  EFFNET_WORKSPACE = 3,
  EFFNET_BAD_BUFFER = 4,
  /* An output overlaps the input or another output, or the workspace
   * overlaps any of them: later images would read what earlier ones
   * wrote. */
  EFFNET_OVERLAP = 5,
  /* This CPU lacks a feature that every path of the library needs (AVX2
   * of an x86-64-linux-avx2-fma library, say): no kernel ran. */
  EFFNET_CPU = 6,
  /* effnet_rt_use_target: no path of the library has that target. */
  EFFNET_UNKNOWN_TARGET = 7,
  /* Halide's runtime reported an error while a kernel ran (on a GPU
   * target: no driver, no device, device memory, a failed launch):
   * effnet_rt_error_message gives its message. Nothing was printed, and
   * the process was not aborted. */
  EFFNET_RUNTIME = 8,
  /* A GPU library found no device to run on: no driver library, no
   * device, or no context could be made on it (Halide's message says
   * which). No kernel ran; a later call tries again. */
  EFFNET_NO_DEVICE = 9,
  /* The device had no room for the weights and activations the model
   * keeps there. No kernel ran; a later call tries again. */
  EFFNET_DEVICE_MEMORY = 10,
};

/* The last message Halide's runtime reported to this library (its error
 * handler, installed by the entry points unless the app installed its own):
 * "" when none. */
const char *effnet_rt_last_halide_error(void);

/* CPU features a path's code may use, as bit numbers of effnet_path's
 * `cpu_features`: what the target names and what the CPU model LLVM is told
 * implies (Halide compiles an avx2 target for Haswell: BMI, LZCNT and MOVBE
 * come with it). The compiler sets them (cpuFeatures in HalideKernels.cpp);
 * Cpu.c reads them from the CPU (x86: CPUID and XGETBV; Linux on ARM: the
 * auxiliary vector's hardware capabilities). */
enum effnet_cpu_feature {
  EFFNET_CPU_SSSE3 = 0,
  EFFNET_CPU_SSE41,
  EFFNET_CPU_SSE42,
  EFFNET_CPU_POPCNT,
  EFFNET_CPU_AVX,
  EFFNET_CPU_F16C,
  EFFNET_CPU_FMA,
  EFFNET_CPU_FMA4,
  EFFNET_CPU_AVX2,
  EFFNET_CPU_BMI1,
  EFFNET_CPU_BMI2,
  EFFNET_CPU_LZCNT,
  EFFNET_CPU_MOVBE,
  EFFNET_CPU_AVX512F,
  EFFNET_CPU_AVX512CD,
  EFFNET_CPU_AVX512BW,
  EFFNET_CPU_AVX512DQ,
  EFFNET_CPU_AVX512VL,
  EFFNET_CPU_AVX512IFMA,
  EFFNET_CPU_AVX512VBMI,
  EFFNET_CPU_AVX512VNNI,
  EFFNET_CPU_AVX512BF16,
  EFFNET_CPU_AVXVNNI,
  EFFNET_CPU_AVX512ER,
  EFFNET_CPU_AVX512PF,
  EFFNET_CPU_NEON, /* 32-bit ARM; AArch64 always has it */
  EFFNET_CPU_ARM_DOTPROD,
  EFFNET_CPU_ARM_FP16,
  EFFNET_CPU_SVE,
  EFFNET_CPU_SVE2,
  EFFNET_CPU_FEATURE_COUNT
};

/* The most threads effnet_rt_set_num_threads takes (Halide's pool has no
 * more). */
#define EFFNET_MAX_THREADS 256

/* Where a kernel argument's data lives. */
enum effnet_base {
  EFFNET_ARENA = 0,   /* the image's arena: float offset */
  EFFNET_WEIGHTS = 1, /* the weight blob: float offset */
  EFFNET_PIXELS = 2,  /* the caller's 8-bit pixels of the image */
  EFFNET_WEIGHTS_F16 = 3, /* the weight blob, IEEE halves: float offset */
};

/* The most dimensions a buffer has (activations: 3, weights: 4). */
#define EFFNET_MAX_RANK 4
/* The most arguments a kernel has (inputs, weights, output). */
#define EFFNET_MAX_ARGS 16
/* A stride given at run time: the pixels' rows. */
#define EFFNET_ROW_STRIDE (-1)
/* Arenas start at this alignment, in bytes. */
#define EFFNET_ALIGN 64

/* A buffer: extents and strides innermost first, unused dimensions 0. The
 * one layout the kernels are compiled for (getBufferDims in Kernel.h). */
typedef struct effnet_buffer {
  int64_t offset; /* floats from the start of `base` */
  int32_t base;   /* enum effnet_base */
  int32_t rank;
  int32_t extent[EFFNET_MAX_RANK];
  int32_t stride[EFFNET_MAX_RANK];
} effnet_buffer;

/* One kernel call: kernel(args), the args buffers[first .. first+count). */
typedef struct effnet_step {
  int (*kernel)(void **args); /* the kernel's Halide _argv entry */
  int32_t first;
  int32_t count;
} effnet_step;

/* An output of the model, per image. */
typedef struct effnet_output {
  const char *name;
  int64_t offset; /* in the arena, floats */
  int64_t floats;
  int32_t shape[3]; /* C, H, W (logits: K, 1, 1) */
} effnet_output;

/* Everything the runtime knows of a model. Steps and their counts come
 * twice: [0] for float images, [1] for 8-bit pixels (no steps: no such
 * entry points); their buffers are in one table. */
typedef struct effnet_model {
  const float *weights;
  const effnet_step *steps[2];
  const effnet_buffer *buffers;
  const effnet_output *outputs;
  /* The Halide-style entry's buffers, each then a dense batch dimension:
   * the input image, then each output's. */
  const effnet_buffer *layouts;
  int64_t arena_bytes;  /* between the arenas of images at once */
  int64_t input_offset; /* the float image in the arena, floats */
  int32_t step_count[2];
  int32_t output_count;
  int32_t channels, height, width; /* of the input image */
  /* The image entries' transform (with 3 channels and a square input):
   * the shorter side resized to `resize` pixels (bilinear, antialiased
   * when `antialias`), the centre height x width cropped, and each channel
   * normalized, (p / 255 - mean) / std. */
  int32_t resize;
  int32_t antialias;
  float mean[3];
  float std[3];
  /* A model whose kernels run on a GPU: where the runtime keeps what stays
   * on the device from the first call on, the weights and the arena of
   * activations (a pointer the driver emits as null; the runtime installs
   * its state). Null on CPUs. */
  void **resident;
  int32_t device; /* enum effnet_device */
} effnet_model;

/* Where a model's kernels run. */
enum effnet_device {
  EFFNET_DEVICE_NONE = 0, /* the CPU */
  EFFNET_DEVICE_CUDA = 1,
  EFFNET_DEVICE_OPENCL = 2,
};

/* One path of a library: its model compiled for one target. */
typedef struct effnet_path {
  const effnet_model *model;
  const char *target;    /* Halide's target string */
  uint64_t cpu_features; /* bits 1 << enum effnet_cpu_feature */
} effnet_path;

/* A library: its paths, best first. A library compiled for one target has
 * one path; a portable one (effnetc --target portable) several, of which
 * each call runs the first this CPU has every feature of. */
typedef struct effnet_library {
  const effnet_path *paths;
  const char *targets; /* "A,B,...": every path's target, best first */
  int32_t path_count;
} effnet_library;

/* The path calls run (Cpu.c): the one effnet_rt_use_target forced, else the
 * first path this CPU runs, chosen at the first call; NULL when it runs
 * none (the calls return EFFNET_CPU). */
const effnet_model *effnet_rt_select(const effnet_library *lib);
/* The model of the path calls run, or of the last path when the CPU runs
 * none: for what every path agrees on (outputs, workspace). */
const effnet_model *effnet_rt_any_model(const effnet_library *lib);
/* Forces the path of `target` (one of lib->targets; NULL: choose by the
 * CPU again): 0, EFFNET_UNKNOWN_TARGET, or EFFNET_CPU when this CPU lacks
 * one of its features (nothing changes then). */
int effnet_rt_use_target(const effnet_library *lib, const char *target);
/* The target of the path calls run (the last path's when the CPU runs
 * none). */
const char *effnet_rt_target(const effnet_library *lib);
/* A one-line message for a return code of the library's functions; for
 * EFFNET_CPU it names the features this CPU lacks. Never NULL. */
const char *effnet_rt_error_message(const effnet_library *lib, int code);
/* The features of this CPU, bits 1 << enum effnet_cpu_feature. */
uint64_t effnet_rt_cpu_features(void);

/* The entry points' bodies; `pixels` selects the 8-bit family, whose
 * `row_stride` is the bytes between rows. See the generated header. */
int effnet_rt_run_outputs_with_workspace(const effnet_model *m, int pixels,
                                         const void *input, int batch,
                                         size_t row_stride,
                                         float *const *outputs, void *workspace,
                                         size_t size);
int effnet_rt_run_with_workspace(const effnet_model *m, int pixels,
                                 const void *input, int batch,
                                 size_t row_stride, float *output,
                                 void *workspace, size_t size);
int effnet_rt_run_outputs(const effnet_model *m, int pixels, const void *input,
                          int batch, size_t row_stride, float *const *outputs);
int effnet_rt_run(const effnet_model *m, int pixels, const void *input,
                  int batch, size_t row_stride, float *output);
size_t effnet_rt_workspace_size(const effnet_model *m, int batch);
/* The image entries: `batch` 8-bit RGB images of width x height pixels,
 * rows row_stride bytes apart, each image height x row_stride bytes after
 * the one before, resized, cropped and normalized as the model says
 * (Image.h), then run as float images. */
int effnet_rt_run_image_outputs_with_workspace(
    const effnet_model *m, const void *pixels, int batch, int width,
    int height, size_t row_stride, float *const *outputs, void *workspace,
    size_t size);
int effnet_rt_run_image_with_workspace(const effnet_model *m,
                                       const void *pixels, int batch,
                                       int width, int height, size_t row_stride,
                                       float *output, void *workspace,
                                       size_t size);
int effnet_rt_run_image_outputs(const effnet_model *m, const void *pixels,
                                int batch, int width, int height,
                                size_t row_stride, float *const *outputs);
int effnet_rt_run_image(const effnet_model *m, const void *pixels, int batch,
                        int width, int height, size_t row_stride,
                        float *output);
/* The float images the image entries run: batch x channels x height x
 * width floats into `out`. */
int effnet_rt_preprocess_image(const effnet_model *m, const void *pixels,
                               int batch, int width, int height,
                               size_t row_stride, float *out);
int effnet_rt_run_buffers(const effnet_model *m, void *const *buffers);
int effnet_rt_set_num_threads(int n);
/* Frees what a GPU model keeps on its device (the weights, the arena) and
 * the table that holds them; the next call makes them again. Waits for a
 * call running at once. 0; nothing to do on a CPU. */
int effnet_rt_release_device(const effnet_model *m);
const char *effnet_rt_output_name(const effnet_model *m, int index);
int effnet_rt_output_shape(const effnet_model *m, int index, int32_t *shape);

/* Whether the target has the library's pool: Linux's futex, on the
 * architectures whose system call numbers Pool.c knows. Elsewhere kernels'
 * loops go to Halide's pool. */
#if defined(__linux__) &&                                                      \
    (defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) ||       \
     defined(__arm__) || (defined(__riscv) && __riscv_xlen == 64))
#define EFFNET_HAS_POOL 1
#else
#define EFFNET_HAS_POOL 0
#endif

/* The pool (Pool.c): task(user_context, i, closure) for i in
 * [min, min + extent) on `threads` threads. */
int effnet_pool_par_for(void *user_context, int (*task)(void *, int, uint8_t *),
                        int min, int extent, uint8_t *closure, int threads);

#ifdef __cplusplus
}
#endif

#endif /* EFFNET_CODEGEN_RUNTIME_RUNTIME_H */
