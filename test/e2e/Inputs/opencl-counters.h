/* Counts the bytes OpenCL copies to a device and back, and the copies
 * between device buffers, under Halide's runtime: halide_opencl_get_symbol,
 * which Halide's runtime declares weak for apps to replace, hands it the
 * OpenCL functions, and here the ones that copy are wrapped and counted.
 * Included by the tests' C programs (count-copies.c, device-buffers.c);
 * link with -ldl. */
#ifndef EFFNET_TEST_OPENCL_COUNTERS_H
#define EFFNET_TEST_OPENCL_COUNTERS_H

#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

typedef int32_t cl_int;
typedef uint32_t cl_uint;

static size_t bytesIn, bytesOut, deviceCopies;
static void *opencl;

typedef cl_int (*write_t)(void *, void *, cl_uint, size_t, size_t,
                          const void *, cl_uint, const void *, void *);
typedef cl_int (*read_t)(void *, void *, cl_uint, size_t, size_t, void *,
                         cl_uint, const void *, void *);
typedef cl_int (*rect_t)(void *, void *, cl_uint, const size_t *,
                         const size_t *, const size_t *, size_t, size_t,
                         size_t, size_t, void *, cl_uint, const void *,
                         void *);
typedef cl_int (*copy_t)(void *, void *, void *, size_t, size_t, size_t,
                         cl_uint, const void *, void *);
static write_t realWrite;
static read_t realRead;
static rect_t realWriteRect, realReadRect;
static copy_t realCopy;

static cl_int countWrite(void *q, void *mem, cl_uint blocking, size_t offset,
                         size_t size, const void *ptr, cl_uint n,
                         const void *wait, void *event) {
  bytesIn += size;
  return realWrite(q, mem, blocking, offset, size, ptr, n, wait, event);
}

static cl_int countRead(void *q, void *mem, cl_uint blocking, size_t offset,
                        size_t size, void *ptr, cl_uint n, const void *wait,
                        void *event) {
  bytesOut += size;
  return realRead(q, mem, blocking, offset, size, ptr, n, wait, event);
}

static cl_int countWriteRect(void *q, void *mem, cl_uint blocking,
                             const size_t *bufferOrigin,
                             const size_t *hostOrigin, const size_t *region,
                             size_t a, size_t b, size_t c, size_t d,
                             void *ptr, cl_uint n, const void *wait,
                             void *event) {
  bytesIn += region[0] * region[1] * region[2];
  return realWriteRect(q, mem, blocking, bufferOrigin, hostOrigin, region, a,
                       b, c, d, ptr, n, wait, event);
}

static cl_int countReadRect(void *q, void *mem, cl_uint blocking,
                            const size_t *bufferOrigin,
                            const size_t *hostOrigin, const size_t *region,
                            size_t a, size_t b, size_t c, size_t d,
                            void *ptr, cl_uint n, const void *wait,
                            void *event) {
  bytesOut += region[0] * region[1] * region[2];
  return realReadRect(q, mem, blocking, bufferOrigin, hostOrigin, region, a,
                      b, c, d, ptr, n, wait, event);
}

static cl_int countCopy(void *q, void *src, void *dst, size_t srcOffset,
                        size_t dstOffset, size_t size, cl_uint n,
                        const void *wait, void *event) {
  ++deviceCopies;
  return realCopy(q, src, dst, srcOffset, dstOffset, size, n, wait, event);
}

void *halide_opencl_get_symbol(void *user_context, const char *name) {
  (void)user_context;
  if (!opencl)
    opencl = dlopen("libOpenCL.so", RTLD_LAZY);
  void *real = opencl ? dlsym(opencl, name) : 0;
  if (!real)
    return 0;
#define WRAP(fn, type, store, wrapper)                                         \
  if (!strcmp(name, fn)) {                                                     \
    store = (type)real;                                                        \
    return (void *)wrapper;                                                    \
  }
  WRAP("clEnqueueWriteBuffer", write_t, realWrite, countWrite)
  WRAP("clEnqueueReadBuffer", read_t, realRead, countRead)
  WRAP("clEnqueueWriteBufferRect", rect_t, realWriteRect, countWriteRect)
  WRAP("clEnqueueReadBufferRect", rect_t, realReadRect, countReadRect)
  WRAP("clEnqueueCopyBuffer", copy_t, realCopy, countCopy)
#undef WRAP
  return real;
}

#endif
