/* An app that keeps its data on the GPU: the input and the logits are
 * Halide buffers allocated on the OpenCL device through Halide's runtime,
 * the input copied there once; the library's Halide-style entry reads and
 * writes them there. Prints, per call, what OpenCL copied
 * (opencl-counters.h), then copies the logits to the host and writes them.
 * Build with -DMODEL=name -include name.h -I<Halide's include folder> -ldl.
 * Usage: device-buffers CALLS BATCH INPUT.bin OUTPUT.bin */
#include "library.h"

#include "HalideRuntime.h"
#include "HalideRuntimeOpenCL.h"

#include "opencl-counters.h"

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: device-buffers CALLS BATCH INPUT.bin OUTPUT.bin\n");
    return 2;
  }
  int calls = atoi(argv[1]), batch = atoi(argv[2]);
  int res = FN(_resolution)(), ch = FN(_in_channels)(),
      classes = FN(_num_classes)();
  size_t in = (size_t)batch * ch * res * res, out = (size_t)batch * classes;
  float *x = readExactly(argv[3], in * sizeof(float));
  float *y = calloc(out, sizeof(float));
  /* input [res, res, ch, N] (x, y, c, n) and logits [classes, N], dense. */
  halide_dimension_t inDims[4] = {{0, res, 1, 0},
                                  {0, res, res, 0},
                                  {0, ch, res * res, 0},
                                  {0, batch, ch * res * res, 0}};
  halide_dimension_t outDims[2] = {{0, classes, 1, 0},
                                   {0, batch, classes, 0}};
  halide_buffer_t input = {0}, logits = {0};
  input.host = (uint8_t *)x;
  input.type.code = halide_type_float;
  input.type.bits = 32;
  input.type.lanes = 1;
  input.dimensions = 4;
  input.dim = inDims;
  input.flags = halide_buffer_flag_host_dirty;
  logits = input;
  logits.host = (uint8_t *)y;
  logits.dimensions = 2;
  logits.dim = outDims;
  logits.flags = 0;
  const struct halide_device_interface_t *cl = halide_opencl_device_interface();
  if (halide_copy_to_device(0, &input, cl) ||
      halide_device_malloc(0, &logits, cl)) {
    printf("no device buffers\n");
    return 1;
  }
  for (int call = 0; call < calls; ++call) {
    bytesIn = bytesOut = deviceCopies = 0;
    int status = MODEL(&input, &logits);
    if (status) {
      printf("call %d: status %d: %s\n", call, status,
             FN(_error_message)(status));
      return 1;
    }
    printf("call %d: %zu bytes in, %zu bytes out, %zu copies on the device%s\n",
           call, bytesIn, bytesOut, deviceCopies,
           logits.flags & halide_buffer_flag_device_dirty ? ", logits there"
                                                         : "");
  }
  if (halide_copy_to_host(0, &logits))
    return 1;
  writeExactly(argv[4], y, out * sizeof(float));
  halide_device_free(0, &input);
  halide_device_free(0, &logits);
  free(x);
  free(y);
  return 0;
}
