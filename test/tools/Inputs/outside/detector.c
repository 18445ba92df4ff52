#include "backbone.h"
#include <stdio.h>
#include <stdlib.h>
int main(void) {
  static unsigned char pixels[64 * 64 * 3];
  float *c3 = malloc(sizeof(float) * BACKBONE_REDUCTION_3_FLOATS);
  float *c4 = malloc(sizeof(float) * BACKBONE_REDUCTION_4_FLOATS);
  float *outputs[BACKBONE_NUM_OUTPUTS];
  outputs[BACKBONE_REDUCTION_3_INDEX] = c3;
  outputs[BACKBONE_REDUCTION_4_INDEX] = c4;
  int r = backbone_run_rgb8_outputs(pixels, 1, 64 * 3, outputs);
  printf("status %d, %s %dx%dx%d, %s %dx%dx%d\n", r, backbone_output_name(0),
         BACKBONE_REDUCTION_3_CHANNELS, BACKBONE_REDUCTION_3_HEIGHT,
         BACKBONE_REDUCTION_3_WIDTH, backbone_output_name(1),
         BACKBONE_REDUCTION_4_CHANNELS, BACKBONE_REDUCTION_4_HEIGHT,
         BACKBONE_REDUCTION_4_WIDTH);
  /* A 100 x 75 photograph through the image entries' transform, as
   * effnet_add_model's RESIZE and ANTIALIAS asked. */
  static unsigned char photo[75][100 * 3];
  int image = backbone_run_image_outputs(&photo[0][0], 1, 100, 75, 300,
                                         outputs);
  printf("image status %d, resize %d, antialias %d, fp16 weights %d\n", image,
         BACKBONE_RESIZE, BACKBONE_ANTIALIAS, BACKBONE_FP16_WEIGHTS);
  free(c3);
  free(c4);
  return r || image;
}
