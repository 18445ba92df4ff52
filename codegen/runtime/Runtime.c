//===- Runtime.c - the entry points' bodies -----------------------*- C -*-===//
//
// See Runtime.h. Each image runs through an arena of its own in the workspace.
// A batch runs as many images at once as the Halide pool has threads and the
// workspace has arenas (halide_do_par_for, workers taking the next image), for
// whole rounds; the images left over run one at a time with their kernels'
// parallel loops on every thread (the library's pool, Pool.c). Each image's
// results do not depend on which thread ran it. The globals written are the
// thread count effnet_rt_set_num_threads keeps and the pool's state, which one
// loop owns at a time: concurrent calls are safe.
//
// Symbols named effnet_rt_* and the statics are made internal to each library
// when the driver links this in; the weak ones (the parallel-loop handler, its
// thread-local and the pool) are shared by every effnet library of an app, so
// libraries never chain to each other's handler.
//
//===----------------------------------------------------------------------===//

#include "Runtime.h"

#include "Image.h"

#include "HalideRuntime.h"

/* From the C library and Halide's runtime (declared here: this file is
 * compiled without a C library's headers, for every target). */
void *malloc(size_t size);
void free(void *p);
char *getenv(const char *name);
int atoi(const char *text);
int halide_host_cpu_count(void);

#define EFFNET_WEAK __attribute__((weak))

/* While a call runs an image: 1 for each of images that run at once (their
 * kernels' loops run in order, in their own thread), N for an image alone
 * on N threads (its loops go to the pool); 0 outside a call. */
EFFNET_WEAK _Thread_local int effnet_kernel_threads;

/* The layout of the structs the driver builds as constants, as this
 * triple's C compiler lays them out: per struct its size, then each field's
 * offset in the order of its fields, in bytes. Driver.cpp builds the same
 * structs from LLVM types, checks their layout against this for the triple
 * it emits for, and erases it: nothing of it reaches a library. */
const int64_t effnet_rt_layout[] = {
    sizeof(effnet_buffer),
    offsetof(effnet_buffer, offset),
    offsetof(effnet_buffer, base),
    offsetof(effnet_buffer, rank),
    offsetof(effnet_buffer, extent),
    offsetof(effnet_buffer, stride),
    sizeof(effnet_step),
    offsetof(effnet_step, kernel),
    offsetof(effnet_step, first),
    offsetof(effnet_step, count),
    sizeof(effnet_output),
    offsetof(effnet_output, name),
    offsetof(effnet_output, offset),
    offsetof(effnet_output, floats),
    offsetof(effnet_output, shape),
    sizeof(effnet_model),
    offsetof(effnet_model, weights),
    offsetof(effnet_model, steps),
    offsetof(effnet_model, buffers),
    offsetof(effnet_model, outputs),
    offsetof(effnet_model, layouts),
    offsetof(effnet_model, arena_bytes),
    offsetof(effnet_model, input_offset),
    offsetof(effnet_model, step_count),
    offsetof(effnet_model, output_count),
    offsetof(effnet_model, channels),
    offsetof(effnet_model, height),
    offsetof(effnet_model, width),
    offsetof(effnet_model, resize),
    offsetof(effnet_model, antialias),
    offsetof(effnet_model, mean),
    offsetof(effnet_model, std),
    offsetof(effnet_model, resident),
    offsetof(effnet_model, device),
    sizeof(effnet_path),
    offsetof(effnet_path, model),
    offsetof(effnet_path, target),
    offsetof(effnet_path, cpu_features),
    sizeof(effnet_library),
    offsetof(effnet_library, paths),
    offsetof(effnet_library, targets),
    offsetof(effnet_library, path_count),
};

/* The count effnet_rt_set_num_threads keeps (0: the default). */
static int threads_set;

/* The pool's threads as the runtime decides them: set_num_threads' last
 * count, else HL_NUM_THREADS, else the CPUs; at most `limit`, at least 1. */
static int workers(int limit) {
  int count = __atomic_load_n(&threads_set, __ATOMIC_RELAXED);
  if (count <= 0) {
    const char *text = getenv("HL_NUM_THREADS");
    count = text ? atoi(text) : 0;
  }
  if (count <= 0)
    count = halide_host_cpu_count();
  if (count > limit)
    count = limit;
  return count < 1 ? 1 : count;
}

/* Halide's parallel-loop handler while an image runs (see
 * effnet_kernel_threads): in order here, on the pool, or Halide's pool. */
EFFNET_WEAK int effnet_kernel_par_for(void *context, halide_task_t task,
                                      int min, int size, uint8_t *closure) {
  int threads = effnet_kernel_threads;
  if (threads == 0)
    return halide_default_do_par_for(context, task, min, size, closure);
  if (threads == 1 || size <= 1) {
    for (int i = min; i < min + size; ++i) {
      int status = task(context, i, closure);
      if (status)
        return status;
    }
    return 0;
  }
#if EFFNET_HAS_POOL
  return effnet_pool_par_for(context, task, min, size, closure, threads);
#else
  return halide_default_do_par_for(context, task, min, size, closure);
#endif
}

/* What a call's images are: floats as the model takes them, the model's
 * height x width in 8-bit pixels (the rgb8 entries, read by the pixel
 * kernels), or 8-bit pixels of any size (the image entries, transformed
 * into the float image first). */
enum effnet_input_kind {
  EFFNET_INPUT_FLOATS = 0,
  EFFNET_INPUT_RGB8 = 1,
  EFFNET_INPUT_IMAGE = 2,
};

/* A call's input: `batch` images back to back at `data`. Pixels' rows are
 * row_stride bytes apart, their images height x row_stride bytes. */
typedef struct effnet_input {
  const void *data;
  size_t row_stride;
  int32_t kind; /* enum effnet_input_kind */
  int32_t width, height;
  /* The Halide-style entry's buffers (the input, then each output) and
   * which of them a GPU model reads or writes on its device: bit 0 the
   * input (`data` is then unused), bit 1 + o output o (whose host pointer
   * in the call's outputs is then NULL). */
  struct halide_buffer_t *const *app;
  uint32_t on_device;
} effnet_input;

/* One call's images; the arenas are m->arena_bytes apart. */
typedef struct effnet_call {
  const effnet_model *m;
  effnet_input in;
  float *const *outputs;
  char *arenas;
  int32_t outputs_given; /* entries of `outputs`; the others are skipped */
  int32_t batch;
  int32_t next; /* the next image to take */
  struct effnet_device_state *device; /* a GPU model's; NULL on a CPU */
} effnet_call;

/* What Halide's runtime last reported (record_halide_error), and a lock for
 * writing it: threads running images at once may fail at once. */
static char halide_message[512];
static char halide_message_lock;
/* How many errors Halide's runtime has reported: some of its paths (the
 * CUDA runtime without libcuda) report and then return success. An error
 * of a call running at once on another thread fails this call's step too:
 * a failure more, never a wrong answer. */
static int halide_errors;

/* Halide's error handler while the library's entry points run: keeps the
 * message for effnet_rt_error_message instead of printing it and aborting
 * (Halide's default, which a GPU library without a GPU would reach). */
static void record_halide_error(void *user_context, const char *message) {
  (void)user_context;
  while (__atomic_test_and_set(&halide_message_lock, __ATOMIC_ACQUIRE))
    ;
  size_t n = 0;
  for (; message[n] && n + 1 < sizeof halide_message; ++n)
    halide_message[n] = message[n] == '\n' ? ' ' : message[n];
  /* Halide's messages end in a newline: drop it. */
  while (n > 0 && halide_message[n - 1] == ' ')
    --n;
  halide_message[n] = 0;
  __atomic_add_fetch(&halide_errors, 1, __ATOMIC_SEQ_CST);
  __atomic_clear(&halide_message_lock, __ATOMIC_RELEASE);
}

const char *effnet_rt_last_halide_error(void) { return halide_message; }

/* Fills `b` (and its dims) for `d`, its data at `host`. */
static void fill(halide_buffer_t *b, halide_dimension_t *dims,
                 const effnet_buffer *d, void *host, int32_t row_stride) {
  __builtin_memset(b, 0, sizeof *b);
  b->host = (uint8_t *)host;
  /* The host holds the values: a GPU kernel copies them to its device. */
  b->flags = halide_buffer_flag_host_dirty;
  int pixels = d->base == EFFNET_PIXELS;
  b->type.code = pixels ? halide_type_uint : halide_type_float;
  b->type.bits = pixels ? 8 : d->base == EFFNET_WEIGHTS_F16 ? 16 : 32;
  b->type.lanes = 1;
  b->dimensions = d->rank;
  b->dim = dims;
  for (int i = 0; i < EFFNET_MAX_RANK; ++i) {
    dims[i].min = 0;
    dims[i].extent = d->extent[i];
    dims[i].stride =
        d->stride[i] == EFFNET_ROW_STRIDE ? row_stride : d->stride[i];
    dims[i].flags = 0;
  }
}

static int is_weight(const effnet_buffer *d) {
  return d->base == EFFNET_WEIGHTS || d->base == EFFNET_WEIGHTS_F16;
}

/* A buffer of a GPU model that the runtime keeps across calls: its struct,
 * its dims and its device allocation (or view of one) live as long as the
 * process. */
typedef struct effnet_resident {
  halide_buffer_t buffer;
  halide_dimension_t dims[EFFNET_MAX_RANK];
} effnet_resident;

/* What a GPU model keeps on its device from the first call on (installed in
 * m->resident, never freed): every weight, copied there once, and an arena
 * of activations as large as a host arena, which each arena buffer of the
 * table views (a crop of it: on CUDA an address inside it, on OpenCL the
 * buffer and an offset). Kernels read and write activations there; a call
 * copies its input in and its outputs out, nothing else. The calls of a
 * library's GPU models run one at a time (gpu_lock), their images one
 * after another: the device's arena holds one image. */
typedef struct effnet_device_state {
  const struct halide_device_interface_t *interface;
  halide_buffer_t arena; /* floats, one dimension */
  halide_dimension_t arena_dim;
  effnet_resident *buffers; /* per entry of the buffer table */
  effnet_resident *views;   /* per arena entry: its crop of the arena */
  int32_t entries;
} effnet_device_state;

/* From Halide's CUDA and OpenCL runtimes, present in a library for such a
 * target (weak: a CPU library has neither, and never calls them). */
#define EFFNET_WEAK_IMPORT __attribute__((weak))
extern const struct halide_device_interface_t *
halide_cuda_device_interface(void) EFFNET_WEAK_IMPORT;
extern int halide_cuda_acquire_context(void *user_context, void **context,
                                       _Bool create) EFFNET_WEAK_IMPORT;
extern int halide_cuda_release_context(void *user_context) EFFNET_WEAK_IMPORT;
extern const struct halide_device_interface_t *
halide_opencl_device_interface(void) EFFNET_WEAK_IMPORT;
extern int halide_acquire_cl_context(void *user_context, void **context,
                                     void **queue,
                                     _Bool create) EFFNET_WEAK_IMPORT;
extern int halide_release_cl_context(void *user_context) EFFNET_WEAK_IMPORT;

/* Held while a GPU model runs: its device state is one image's. */
static struct halide_mutex gpu_lock;

/* The device API of GPU model `m`. */
static const struct halide_device_interface_t *
device_interface(const effnet_model *m) {
  if (m->device == EFFNET_DEVICE_CUDA && halide_cuda_device_interface)
    return halide_cuda_device_interface();
  if (m->device == EFFNET_DEVICE_OPENCL && halide_opencl_device_interface)
    return halide_opencl_device_interface();
  return 0;
}

/* Whether the device of GPU model `m` has a context (one made now, or the
 * one Halide keeps for the process): else there is no driver, no device or
 * no context on it. Asked after a device call failed (which has loaded
 * the driver's library, if there is one). */
static int has_context(const effnet_model *m) {
  void *context = 0, *queue = 0;
  if (m->device == EFFNET_DEVICE_CUDA && halide_cuda_acquire_context &&
      halide_cuda_release_context) {
    if (halide_cuda_acquire_context(0, &context, 1))
      return 0;
    halide_cuda_release_context(0);
    return context != 0;
  }
  if (m->device == EFFNET_DEVICE_OPENCL && halide_acquire_cl_context &&
      halide_release_cl_context) {
    if (halide_acquire_cl_context(0, &context, &queue, 1))
      return 0;
    halide_release_cl_context(0);
    return context != 0;
  }
  return 0;
}

/* A Halide error code of a device allocation or copy as the library's. */
static int device_status(int status) {
  if (!status)
    return 0;
  return status == halide_error_code_device_malloc_failed
             ? EFFNET_DEVICE_MEMORY
             : EFFNET_RUNTIME;
}

/* Makes `view` (one dimension, `dim`) the floats [offset, offset + floats)
 * of the device's arena, a crop of it: 0, or Halide's error code.
 * halide_device_release_crop frees it. */
static int crop_arena(effnet_device_state *st, int64_t offset, int64_t floats,
                      halide_buffer_t *view, halide_dimension_t *dim) {
  __builtin_memset(view, 0, sizeof *view);
  dim->min = (int32_t)offset;
  dim->extent = (int32_t)floats;
  dim->stride = 1;
  dim->flags = 0;
  view->type = st->arena.type;
  view->dimensions = 1;
  view->dim = dim;
  return halide_device_crop(0, &st->arena, view);
}

/* Frees what a state made on the device and the state. */
static void close_state(effnet_device_state *st) {
  /* A weight's buffer owns its allocation; an arena entry's holds its
   * view's. */
  for (int32_t i = 0; st->buffers && st->views && i < st->entries; ++i) {
    halide_buffer_t *b = &st->buffers[i].buffer, *view = &st->views[i].buffer;
    if (b->device && b->device != view->device)
      halide_device_free(0, b);
    if (view->device)
      halide_device_release_crop(0, view);
  }
  if (st->arena.device)
    halide_device_free(0, &st->arena);
  free(st->buffers);
  free(st->views);
  free(st);
}

/* The device state of GPU model `m`, made at its first call (gpu_lock
 * held): into *out, with 0; else EFFNET_NO_DEVICE, EFFNET_DEVICE_MEMORY,
 * EFFNET_WORKSPACE (no host memory) or EFFNET_RUNTIME, and nothing kept. */
static int device_state(const effnet_model *m, effnet_device_state **out) {
  effnet_device_state *st = (effnet_device_state *)*m->resident;
  if (st) {
    *out = st;
    return 0;
  }
  const struct halide_device_interface_t *interface = device_interface(m);
  if (!interface)
    return EFFNET_NO_DEVICE;
  int32_t entries = 0;
  for (int family = 0; family < 2; ++family)
    for (int s = 0; s < m->step_count[family]; ++s) {
      int32_t end = m->steps[family][s].first + m->steps[family][s].count;
      entries = end > entries ? end : entries;
    }
  st = (effnet_device_state *)malloc(sizeof *st);
  if (!st)
    return EFFNET_WORKSPACE;
  __builtin_memset(st, 0, sizeof *st);
  st->interface = interface;
  st->entries = entries;
  st->buffers = (effnet_resident *)malloc((size_t)entries * sizeof *st->buffers);
  st->views = (effnet_resident *)malloc((size_t)entries * sizeof *st->views);
  if (!st->buffers || !st->views) {
    close_state(st);
    return EFFNET_WORKSPACE;
  }
  __builtin_memset(st->buffers, 0, (size_t)entries * sizeof *st->buffers);
  __builtin_memset(st->views, 0, (size_t)entries * sizeof *st->views);

  st->arena.type.code = halide_type_float;
  st->arena.type.bits = 32;
  st->arena.type.lanes = 1;
  st->arena.dimensions = 1;
  st->arena.dim = &st->arena_dim;
  st->arena_dim.extent = (int32_t)(m->arena_bytes / 4);
  st->arena_dim.stride = 1;
  /* The first allocation opens the device: its failure is no device, or
   * no room on it. */
  int status = device_status(halide_device_malloc(0, &st->arena, interface));
  if (status && !has_context(m))
    status = EFFNET_NO_DEVICE;
  for (int32_t i = 0; !status && i < entries; ++i) {
    const effnet_buffer *d = &m->buffers[i];
    effnet_resident *r = &st->buffers[i];
    if (is_weight(d)) {
      /* Copied now, once: no kernel copies a weight again. */
      fill(&r->buffer, r->dims, d, (void *)(m->weights + d->offset), 0);
      status = device_status(halide_copy_to_device(0, &r->buffer, interface));
    } else if (d->base == EFFNET_ARENA) {
      /* The floats the entry spans, viewed in the device's arena. */
      int64_t span = 1;
      for (int k = 0; k < d->rank; ++k)
        span += (int64_t)(d->extent[k] - 1) * d->stride[k];
      halide_buffer_t *view = &st->views[i].buffer;
      status = device_status(
          crop_arena(st, d->offset, span, view, st->views[i].dims));
      fill(&r->buffer, r->dims, d, 0, 0);
      r->buffer.device = view->device;
      r->buffer.device_interface = view->device_interface;
    }
  }
  if (status) {
    close_state(st);
    return status;
  }
  *m->resident = st;
  *out = st;
  return 0;
}

/* Copies image n of the app's buffer `app` (layout `layout`, then the batch
 * outermost) from or to the device's arena at float `offset`, device to
 * device: into the arena with `into_arena`, else out of it (the app's
 * buffer then device_dirty). */
static int copy_app_image(effnet_device_state *st, const effnet_buffer *layout,
                          int64_t offset, halide_buffer_t *app, int n,
                          int into_arena) {
  int rank = layout->rank;
  /* The app's image n: a crop of its buffer. */
  halide_buffer_t image = *app;
  halide_dimension_t image_dims[EFFNET_MAX_RANK + 1];
  for (int d = 0; d <= rank; ++d)
    image_dims[d] = app->dim[d];
  image_dims[rank].min += n;
  image_dims[rank].extent = 1;
  image.dim = image_dims;
  image.device = 0;
  image.device_interface = 0;
  if (app->host)
    image.host = app->host + (int64_t)n * app->dim[rank].stride * 4;
  int status = halide_device_crop(0, app, &image);
  if (status)
    return EFFNET_RUNTIME;
  /* The arena's floats for it, as the layout lays them, through a crop of
   * the device's arena. */
  int64_t span = 1;
  for (int d = 0; d < rank; ++d)
    span += (int64_t)(layout->extent[d] - 1) * layout->stride[d];
  halide_buffer_t view;
  halide_dimension_t view_dim;
  status = crop_arena(st, offset, span, &view, &view_dim);
  if (status) {
    halide_device_release_crop(0, &image);
    return EFFNET_RUNTIME;
  }
  halide_buffer_t ours;
  halide_dimension_t our_dims[EFFNET_MAX_RANK + 1];
  __builtin_memset(&ours, 0, sizeof ours);
  ours.type = st->arena.type;
  ours.dimensions = rank + 1;
  ours.dim = our_dims;
  for (int d = 0; d < rank; ++d) {
    our_dims[d].min = image_dims[d].min;
    our_dims[d].extent = layout->extent[d];
    our_dims[d].stride = layout->stride[d];
    our_dims[d].flags = 0;
  }
  our_dims[rank].min = image_dims[rank].min;
  our_dims[rank].extent = 1;
  our_dims[rank].stride = (int32_t)span;
  our_dims[rank].flags = 0;
  ours.device = view.device;
  ours.device_interface = view.device_interface;
  if (into_arena) {
    status = halide_buffer_copy(0, &image, st->interface, &ours);
  } else {
    ours.flags = halide_buffer_flag_device_dirty;
    status = halide_buffer_copy(0, &ours, st->interface, &image);
    if (!status) {
      app->flags &= ~(uint64_t)halide_buffer_flag_host_dirty;
      app->flags |= halide_buffer_flag_device_dirty;
    }
  }
  int released = halide_device_release_crop(0, &view);
  int released_image = halide_device_release_crop(0, &image);
  return status || released || released_image ? EFFNET_RUNTIME : 0;
}

/* Copies the floats [offset, offset + floats) of the device's arena into
 * the host's, `arena`. */
static int copy_from_device(effnet_device_state *st, char *arena,
                            int64_t offset, int64_t floats) {
  halide_buffer_t view;
  halide_dimension_t dim;
  if (crop_arena(st, offset, floats, &view, &dim))
    return EFFNET_RUNTIME;
  view.host = (uint8_t *)(arena + offset * 4);
  view.flags = halide_buffer_flag_device_dirty;
  int status = halide_copy_to_host(0, &view);
  int released = halide_device_release_crop(0, &view);
  return status || released ? EFFNET_RUNTIME : 0;
}

/* The float image the image entries run for the pixels of one image, into
 * `image` (channels x height x width floats). `scratch` and its floats are
 * room for the resizing to keep rows in (any size; more is faster). */
static void transform_image(const effnet_model *m, const effnet_input *in,
                            const uint8_t *pixels, float *image, float *scratch,
                            size_t scratch_floats) {
  effnet_rt_resize_crop_rgb8(pixels, in->width, in->height, in->row_stride,
                          m->resize, m->height, m->antialias, image, scratch,
                          scratch_floats);
  /* As torchvision's convert_image_dtype and Normalize compute it. */
  size_t plane = (size_t)m->height * m->width;
  for (int ch = 0; ch < 3; ++ch) {
    float *p = image + ch * plane;
    float mean = m->mean[ch], std = m->std[ch];
    for (size_t i = 0; i < plane; ++i)
      p[i] = (p[i] / 255.0f - mean) / std;
  }
}

/* Runs image n through `arena` and copies each output given into its
 * entry. Arguments are checked by run_into. */
static int run_image(const effnet_call *c, int n, char *arena) {
  const effnet_model *m = c->m;
  const effnet_input *in = &c->in;
  size_t image = (size_t)m->channels * m->height * m->width;
  const uint8_t *pixels = 0;
  float *arenaImage = (float *)(arena + m->input_offset * 4);
  if (in->on_device & 1) {
    /* Into the device's arena, device to device. */
    int status = copy_app_image(c->device, &m->layouts[0], m->input_offset,
                                in->app[0], n, 1);
    if (status)
      return status;
  } else if (in->kind == EFFNET_INPUT_FLOATS) {
    __builtin_memcpy(arenaImage, (const float *)in->data + n * image,
                     image * 4);
  } else {
    pixels = (const uint8_t *)in->data + (size_t)n * in->row_stride * in->height;
  }
  if (in->kind == EFFNET_INPUT_IMAGE) {
    /* Before the first kernel the whole arena is free: the resizing keeps
     * its rows in the larger part beside the float image. */
    size_t before = (size_t)m->input_offset;
    size_t after = (size_t)m->arena_bytes / 4 - before - image;
    float *scratch = before >= after ? (float *)arena : arenaImage + image;
    transform_image(m, in, pixels, arenaImage, scratch,
                    before >= after ? before : after);
  }

  halide_buffer_t buffers[EFFNET_MAX_ARGS];
  halide_dimension_t dims[EFFNET_MAX_ARGS][EFFNET_MAX_RANK];
  void *args[EFFNET_MAX_ARGS];
  /* On a GPU (see effnet_device_state) the float image is on the host
   * until the first kernel that reads it copies it over. */
  effnet_device_state *gpu = c->device;
  int image_on_host =
      gpu && in->kind != EFFNET_INPUT_RGB8 && !(in->on_device & 1);
  int64_t image_begin = m->input_offset, image_end = image_begin + image;
  int family = in->kind == EFFNET_INPUT_RGB8;
  const effnet_step *steps = m->steps[family];
  const effnet_buffer *table = m->buffers;
  for (int s = 0; s < m->step_count[family]; ++s) {
    int uploads = 0;
    for (int i = 0; i < steps[s].count; ++i) {
      const effnet_buffer *d = &table[steps[s].first + i];
      if (gpu && d->base != EFFNET_PIXELS) {
        halide_buffer_t *b = &gpu->buffers[steps[s].first + i].buffer;
        if (d->base == EFFNET_ARENA) {
          /* The device holds every activation but the image not yet
           * copied over. */
          b->host = (uint8_t *)(arena + d->offset * 4);
          int64_t end = (int64_t)d->offset +
                        gpu->views[steps[s].first + i].buffer.dim[0].extent;
          int reads_image =
              image_on_host && d->offset < image_end && image_begin < end;
          b->flags = reads_image ? halide_buffer_flag_host_dirty
                                 : halide_buffer_flag_device_dirty;
          uploads |= reads_image;
        }
        args[i] = b;
        continue;
      }
      void *host = d->base == EFFNET_PIXELS ? (void *)pixels
                   : is_weight(d)          ? (void *)(m->weights + d->offset)
                                           : (void *)(arena + d->offset * 4);
      fill(&buffers[i], dims[i], d, host, (int32_t)in->row_stride);
      args[i] = &buffers[i];
    }
    int errors = __atomic_load_n(&halide_errors, __ATOMIC_SEQ_CST);
    int status = steps[s].kernel(args);
    /* A reported error fails the step, whatever the kernel returned. */
    if (!status && __atomic_load_n(&halide_errors, __ATOMIC_SEQ_CST) != errors)
      status = EFFNET_RUNTIME;
    if (uploads)
      image_on_host = 0;
    /* A GPU kernel made device copies of the buffers the runtime does not
     * keep there (the pixels): freed. On a CPU no buffer has a device. */
    for (int i = 0; i < steps[s].count; ++i) {
      halide_buffer_t *b = (halide_buffer_t *)args[i];
      if (!b->device || b != &buffers[i])
        continue;
      int freed = halide_device_free(0, b);
      if (!status)
        status = freed;
    }
    /* Halide's codes are negative; its message says what failed. */
    if (status)
      return status < 0 ? EFFNET_RUNTIME : status;
  }

  for (int o = 0; o < c->outputs_given; ++o) {
    const effnet_output *out = &m->outputs[o];
    if (in->on_device & (2u << o)) {
      int status = copy_app_image(gpu, &m->layouts[1 + o], out->offset,
                                  in->app[1 + o], n, 0);
      if (status)
        return status;
      continue;
    }
    if (!c->outputs[o])
      continue;
    int status = gpu ? copy_from_device(gpu, arena, out->offset, out->floats)
                     : 0;
    if (status)
      return status;
    __builtin_memcpy(c->outputs[o] + n * (size_t)out->floats,
                       arena + out->offset * 4, out->floats * 4);
  }
  return 0;
}

/* A halide_task_t: worker k takes the next image until none is left and
 * runs it in arena k; a failure stops every worker from taking more and is
 * returned. */
static int task(void *context, int k, uint8_t *closure) {
  (void)context;
  effnet_call *c = (effnet_call *)closure;
  char *arena = c->arenas + (size_t)k * c->m->arena_bytes;
  for (;;) {
    int n = __atomic_fetch_add(&c->next, 1, __ATOMIC_RELAXED);
    if (n >= c->batch)
      return 0;
    int status = run_image(c, n, arena);
    if (status) {
      __atomic_store_n(&c->next, c->batch, __ATOMIC_RELAXED);
      return status;
    }
  }
}

/* task, with this thread's kernels' loops run in order in it. */
static int task_at_once(void *context, int k, uint8_t *closure) {
  int was = effnet_kernel_threads;
  effnet_kernel_threads = 1;
  int status = task(context, k, closure);
  effnet_kernel_threads = was;
  return status;
}

static size_t least_workspace(const effnet_model *m) {
  return (size_t)m->arena_bytes + EFFNET_ALIGN;
}

/* A range of bytes [begin, end), as addresses. */
typedef struct effnet_range {
  uintptr_t begin, end;
} effnet_range;

/* The `count` x `size` bytes at `p`; a product or end past the address
 * space saturates (it overlaps whatever lies above `p`). */
static effnet_range range_of(const void *p, uint64_t count, uint64_t size) {
  uintptr_t begin = (uintptr_t)p;
  uint64_t bytes;
  if (__builtin_mul_overflow(count, size, &bytes) ||
      bytes > (uint64_t)(UINTPTR_MAX - begin)) {
    effnet_range all = {begin, UINTPTR_MAX};
    return all;
  }
  effnet_range r = {begin, begin + (uintptr_t)bytes};
  return r;
}

static int overlap(effnet_range a, effnet_range b) {
  return a.begin < b.end && b.begin < a.end;
}

/* The bytes of a row of the input's pixels: the model's channels for the
 * rgb8 entries, R, G and B for the image entries. */
static uint64_t row_bytes(const effnet_model *m, const effnet_input *input) {
  int32_t channels = input->kind == EFFNET_INPUT_RGB8 ? m->channels : 3;
  return (uint64_t)channels * (uint64_t)input->width;
}

/* The bytes the images of `input` span. */
static effnet_range input_range(const effnet_model *m,
                                const effnet_input *input, int batch) {
  if (input->kind == EFFNET_INPUT_FLOATS)
    return range_of(input->data, (uint64_t)batch * m->channels * m->height,
                    (uint64_t)m->width * 4);
  /* Rows row_stride bytes apart; the last is read to its row's bytes. */
  effnet_range in = range_of(
      input->data, (uint64_t)batch * input->height - 1, input->row_stride);
  in.end = range_of((const void *)in.end, 1, row_bytes(m, input)).end;
  return in;
}

/* Whether any two of the call's buffers share a byte: the input (the bytes
 * its images span), each output given (batch images of its floats) and
 * the workspace. */
static int buffers_overlap(const effnet_model *m, const effnet_input *input,
                           int batch, float *const *outputs, int outputs_given,
                           const void *workspace, size_t size) {
  /* A buffer on the device (a NULL host pointer here) overlaps nothing. */
  effnet_range none = {0, 0};
  effnet_range in = input->data ? input_range(m, input, batch) : none;
  effnet_range ws = range_of(workspace, size, 1);
  if (overlap(in, ws))
    return 1;
  for (int o = 0; o < outputs_given; ++o) {
    if (!outputs[o])
      continue;
    effnet_range out = range_of(outputs[o], (uint64_t)batch,
                                (uint64_t)m->outputs[o].floats * 4);
    if (overlap(out, in) || overlap(out, ws))
      return 1;
    for (int p = 0; p < o; ++p)
      if (overlap(out, range_of(outputs[p], (uint64_t)batch,
                                (uint64_t)m->outputs[p].floats * 4)))
        return 1;
  }
  return 0;
}

/* The input of the float and rgb8 entries. */
static effnet_input model_input(const effnet_model *m, int pixels,
                                const void *data, size_t row_stride) {
  effnet_input in = {data,     row_stride,
                     pixels ? EFFNET_INPUT_RGB8 : EFFNET_INPUT_FLOATS,
                     m->width, m->height,
                     0,        0};
  return in;
}

/* The input of the image entries. */
static effnet_input image_input(const void *data, int width, int height,
                                size_t row_stride) {
  effnet_input in = {data, row_stride, EFFNET_INPUT_IMAGE, width, height,
                     0,    0};
  return in;
}

/* Whether the input's pixels are laid out as the entries say: images of at
 * least a pixel, rows of at least row_bytes, the batch's images
 * within the address space; for the rgb8 entries every offset in an image
 * within Halide's 32-bit indexing too. 0 or EFFNET_BAD_BUFFER. */
static int check_pixels(const effnet_model *m, const effnet_input *in,
                        int batch) {
  if (in->kind == EFFNET_INPUT_FLOATS)
    return 0;
  if (in->kind == EFFNET_INPUT_IMAGE && m->channels != 3)
    return EFFNET_BAD_BUFFER;
  if (in->width < 1 || in->height < 1 ||
      in->row_stride < row_bytes(m, in) ||
      (uint64_t)batch * (uint64_t)in->height > SIZE_MAX / in->row_stride)
    return EFFNET_BAD_BUFFER;
  if (in->kind == EFFNET_INPUT_RGB8 &&
      in->row_stride > (size_t)(INT32_MAX / m->height))
    return EFFNET_BAD_BUFFER;
  return 0;
}

/* Checks what every entry point shares, then runs the images, as many at
 * once as the pool has threads and the workspace has arenas. */
static int run_into(const effnet_model *m, const effnet_input *input,
                    int batch, float *const *outputs, int outputs_given,
                    void *workspace, size_t size) {
  if (!input->data && !(input->on_device & 1))
    return EFFNET_NULL_POINTER;
  if (batch < 1)
    return EFFNET_BAD_BATCH;
  if (!workspace || size < least_workspace(m))
    return EFFNET_WORKSPACE;
  int status = check_pixels(m, input, batch);
  if (status)
    return status;
  if (buffers_overlap(m, input, batch, outputs, outputs_given, workspace,
                      size))
    return EFFNET_OVERLAP;

  /* The arenas start at the first 64-byte boundary of the workspace. */
  size_t skew = (0 - (uintptr_t)workspace) & (EFFNET_ALIGN - 1);
  effnet_call c = {m,     *input, outputs, (char *)workspace + skew,
                   outputs_given, batch, 0,     0};

  /* Workers: min(batch, the pool's threads, the workspace's arenas); one
   * on a GPU, whose device state is one image's. */
  uint64_t fit = ((uint64_t)size - EFFNET_ALIGN) / (uint64_t)m->arena_bytes;
  int threads = workers(INT32_MAX);
  int limit = fit < (uint64_t)batch ? (int)fit : batch;
  int count = m->device ? 1 : threads < limit ? threads : limit;

  /* With more than one thread, kernels' loops go through
   * effnet_kernel_par_for. The app's own handler, if it set one, is put
   * back: its kernels then hand tasks to it as before. */
  if (threads > 1) {
    halide_do_par_for_t old =
        halide_set_custom_do_par_for(effnet_kernel_par_for);
    if (old != effnet_kernel_par_for && old != halide_default_do_par_for)
      halide_set_custom_do_par_for(old);
  }
  /* Halide's errors are kept for the caller, not printed with an abort:
   * unless the app installed a handler of its own, which stays. */
  halide_error_handler_t old_handler =
      halide_set_error_handler(record_halide_error);
  if (old_handler != record_halide_error &&
      old_handler != halide_default_error)
    halide_set_error_handler(old_handler);

  /* Whole rounds of `count` images at once, each worker's kernels run in
   * its own thread: a worker whose kernels handed tasks to the pool would
   * take the other images' tasks and their data into its cache (2 threads
   * at once ran B0 1.2x faster than one, two processes 2x). */
  if (count > 1) {
    int rounds = batch - batch % count;
    c.batch = rounds;
    status = halide_do_par_for(0, task_at_once, 0, count, (uint8_t *)&c);
    if (status)
      return status;
    c.next = rounds;
    c.batch = batch;
  }

  /* The images left (all of them with one worker), one at a time, each
   * kernel's loop on every thread; on a GPU, with the device's state held. */
  if (m->device) {
    halide_mutex_lock(&gpu_lock);
    status = device_state(m, &c.device);
  }
  if (!status) {
    int was = effnet_kernel_threads;
    effnet_kernel_threads = threads;
    status = task(0, 0, (uint8_t *)&c);
    effnet_kernel_threads = was;
  }
  /* A failed call leaves nothing running on the device: the kernels queued
   * before the one that failed finish before it returns (POCL compiled
   * them on its threads while the app, told of the failure, exited). */
  if (status && c.device)
    halide_device_sync(0, &c.device->arena);
  if (m->device)
    halide_mutex_unlock(&gpu_lock);
  return status;
}

/* The _with_workspace entries: every output, or the first alone. */
static int run_with_workspace(const effnet_model *m, const effnet_input *in,
                              int batch, float *const *outputs, int all,
                              void *workspace, size_t size) {
  if (!outputs)
    return EFFNET_NULL_POINTER;
  int given = all ? m->output_count : 1;
  for (int o = 0; o < given; ++o)
    if (!outputs[o] && !(in->on_device & (2u << o)))
      return EFFNET_NULL_POINTER;
  return run_into(m, in, batch, outputs, given, workspace, size);
}

int effnet_rt_run_outputs_with_workspace(const effnet_model *m, int pixels,
                                         const void *input, int batch,
                                         size_t row_stride,
                                         float *const *outputs, void *workspace,
                                         size_t size) {
  effnet_input in = model_input(m, pixels, input, row_stride);
  return run_with_workspace(m, &in, batch, outputs, 1, workspace, size);
}

int effnet_rt_run_with_workspace(const effnet_model *m, int pixels,
                                 const void *input, int batch,
                                 size_t row_stride, float *output,
                                 void *workspace, size_t size) {
  effnet_input in = model_input(m, pixels, input, row_stride);
  return run_with_workspace(m, &in, batch, &output, 0, workspace, size);
}

size_t effnet_rt_workspace_size(const effnet_model *m, int batch) {
  if (batch < 1)
    return 0;
  int arenas = m->device ? 1 : workers(batch);
  return (size_t)arenas * m->arena_bytes + EFFNET_ALIGN;
}

/* Runs the call in a workspace it allocates: an arena per image that runs
 * at once; when that much memory is not there, one arena (the images then
 * run one at a time). */
static int run_allocating(const effnet_model *m, const effnet_input *in,
                          int batch, float *const *outputs, int all) {
  if ((!in->data && !(in->on_device & 1)) || !outputs)
    return EFFNET_NULL_POINTER;
  if (batch < 1)
    return EFFNET_BAD_BATCH;
  size_t bytes = effnet_rt_workspace_size(m, batch);
  void *workspace = malloc(bytes);
  if (!workspace) {
    bytes = least_workspace(m);
    workspace = malloc(bytes);
  }
  if (!workspace)
    return EFFNET_WORKSPACE;
  int status = run_with_workspace(m, in, batch, outputs, all, workspace, bytes);
  free(workspace);
  return status;
}

int effnet_rt_run_outputs(const effnet_model *m, int pixels, const void *input,
                          int batch, size_t row_stride, float *const *outputs) {
  effnet_input in = model_input(m, pixels, input, row_stride);
  return run_allocating(m, &in, batch, outputs, 1);
}

int effnet_rt_run(const effnet_model *m, int pixels, const void *input,
                  int batch, size_t row_stride, float *output) {
  if (!output)
    return EFFNET_NULL_POINTER;
  effnet_input in = model_input(m, pixels, input, row_stride);
  return run_allocating(m, &in, batch, &output, 0);
}

int effnet_rt_run_image_outputs_with_workspace(
    const effnet_model *m, const void *pixels, int batch, int width,
    int height, size_t row_stride, float *const *outputs, void *workspace,
    size_t size) {
  effnet_input in = image_input(pixels, width, height, row_stride);
  return run_with_workspace(m, &in, batch, outputs, 1, workspace, size);
}

int effnet_rt_run_image_with_workspace(const effnet_model *m,
                                       const void *pixels, int batch,
                                       int width, int height, size_t row_stride,
                                       float *output, void *workspace,
                                       size_t size) {
  effnet_input in = image_input(pixels, width, height, row_stride);
  return run_with_workspace(m, &in, batch, &output, 0, workspace, size);
}

int effnet_rt_run_image_outputs(const effnet_model *m, const void *pixels,
                                int batch, int width, int height,
                                size_t row_stride, float *const *outputs) {
  effnet_input in = image_input(pixels, width, height, row_stride);
  return run_allocating(m, &in, batch, outputs, 1);
}

int effnet_rt_run_image(const effnet_model *m, const void *pixels, int batch,
                        int width, int height, size_t row_stride,
                        float *output) {
  if (!output)
    return EFFNET_NULL_POINTER;
  effnet_input in = image_input(pixels, width, height, row_stride);
  return run_allocating(m, &in, batch, &output, 0);
}

/* Rows the resizing keeps between an image's rows of output: enough for
 * images some times larger than the crop. */
#define EFFNET_TRANSFORM_SCRATCH_FLOATS ((size_t)1 << 20)

int effnet_rt_preprocess_image(const effnet_model *m, const void *pixels,
                               int batch, int width, int height,
                               size_t row_stride, float *out) {
  if (!pixels || !out)
    return EFFNET_NULL_POINTER;
  if (batch < 1)
    return EFFNET_BAD_BATCH;
  effnet_input in = image_input(pixels, width, height, row_stride);
  int status = check_pixels(m, &in, batch);
  if (status)
    return status;
  effnet_range input = input_range(m, &in, batch);
  effnet_range output =
      range_of(out, (uint64_t)batch * m->channels * m->height,
               (uint64_t)m->width * 4);
  if (overlap(input, output))
    return EFFNET_OVERLAP;
  /* Without the room, the resizing computes rows again: the same bits. */
  size_t scratch_floats = EFFNET_TRANSFORM_SCRATCH_FLOATS;
  float *scratch = (float *)malloc(scratch_floats * 4);
  if (!scratch)
    scratch_floats = 0;
  size_t image = (size_t)m->channels * m->height * m->width;
  for (int n = 0; n < batch; ++n)
    transform_image(m, &in,
                    (const uint8_t *)pixels + (size_t)n * row_stride * height,
                    out + n * image, scratch, scratch_floats);
  free(scratch);
  return 0;
}

/* Whether `b` is a float32 buffer of `layout`, then a dense outermost
 * dimension of any extent, with host memory or a device allocation; gives
 * its host (NULL without) and that extent. */
static int check_buffer(const halide_buffer_t *b, const effnet_buffer *layout,
                        float **host, int *batch) {
  if (b->type.code != halide_type_float || b->type.bits != 32 ||
      b->type.lanes != 1 || b->dimensions != layout->rank + 1 ||
      (!b->host && !b->device) || !b->dim)
    return 0;
  int rank = layout->rank;
  for (int d = 0; d < rank; ++d)
    if (b->dim[d].extent != layout->extent[d] ||
        b->dim[d].stride != layout->stride[d])
      return 0;
  if (b->dim[rank].stride !=
      layout->extent[rank - 1] * layout->stride[rank - 1])
    return 0;
  *host = (float *)b->host;
  *batch = b->dim[rank].extent;
  return 1;
}

int effnet_rt_run_buffers(const effnet_model *m, void *const *buffers) {
  for (int i = 0; i <= m->output_count; ++i)
    if (!buffers[i])
      return EFFNET_NULL_POINTER;
  halide_buffer_t *const *app = (halide_buffer_t *const *)buffers;
  /* A GPU model reads and writes buffers that have an allocation on its
   * device there, device to device. */
  const struct halide_device_interface_t *ours =
      m->device ? device_interface(m) : 0;
  uint32_t on_device = 0;
  float *input;
  int batch;
  if (!check_buffer(app[0], &m->layouts[0], &input, &batch))
    return EFFNET_BAD_BUFFER;
  if (ours && app[0]->device && app[0]->device_interface == ours &&
      !(app[0]->host && (app[0]->flags & halide_buffer_flag_host_dirty))) {
    on_device |= 1;
  } else if (app[0]->flags & halide_buffer_flag_device_dirty) {
    /* Newer on a device: to the host first, as a Halide pipeline would. A
     * buffer that says so with no device allocation is malformed. */
    if (!app[0]->host || !app[0]->device || !app[0]->device_interface)
      return EFFNET_BAD_BUFFER;
    if (halide_copy_to_host(0, app[0]))
      return EFFNET_RUNTIME;
  } else if (!app[0]->host) {
    return EFFNET_BAD_BUFFER;
  }
  float *outputs[m->output_count];
  for (int o = 0; o < m->output_count; ++o) {
    halide_buffer_t *b = app[1 + o];
    int outBatch;
    if (!check_buffer(b, &m->layouts[1 + o], &outputs[o], &outBatch) ||
        outBatch != batch)
      return EFFNET_BAD_BUFFER;
    if (ours && b->device && b->device_interface == ours) {
      on_device |= 2u << o;
      outputs[o] = 0;
    } else if (!outputs[o]) {
      return EFFNET_BAD_BUFFER;
    }
  }
  effnet_input in = model_input(m, 0, input, 0);
  in.app = app;
  in.on_device = on_device;
  int status = run_allocating(m, &in, batch, outputs, 1);
  /* An output written on the host: its host is the newer copy. */
  for (int o = 0; !status && o < m->output_count; ++o)
    if (!(on_device & (2u << o)) && app[1 + o]->device) {
      app[1 + o]->flags &= ~(uint64_t)halide_buffer_flag_device_dirty;
      app[1 + o]->flags |= halide_buffer_flag_host_dirty;
    }
  return status;
}

int effnet_rt_release_device(const effnet_model *m) {
  if (!m->device)
    return 0;
  halide_mutex_lock(&gpu_lock);
  effnet_device_state *st = (effnet_device_state *)*m->resident;
  if (st) {
    halide_device_sync(0, &st->arena);
    close_state(st);
    *m->resident = 0;
  }
  halide_mutex_unlock(&gpu_lock);
  return 0;
}

int effnet_rt_set_num_threads(int n) {
  /* Halide's runtime would abort on a negative count and keep 256 of a
   * larger one, reporting 256 back as the count that was set. */
  if (n < 0 || n > EFFNET_MAX_THREADS)
    return -1;
  int old = halide_set_num_threads(n);
  __atomic_store_n(&threads_set, n, __ATOMIC_RELAXED);
  return old;
}

const char *effnet_rt_output_name(const effnet_model *m, int index) {
  if (index < 0 || index >= m->output_count)
    return 0;
  return m->outputs[index].name;
}

int effnet_rt_output_shape(const effnet_model *m, int index, int32_t *shape) {
  if (index < 0 || index >= m->output_count)
    return EFFNET_BAD_BUFFER;
  if (!shape)
    return EFFNET_NULL_POINTER;
  for (int d = 0; d < 3; ++d)
    shape[d] = m->outputs[index].shape[d];
  return 0;
}
