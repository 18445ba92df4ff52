/* classify: runs a library compiled by effnetc on one image and prints the
 * top-5 classes and the latency. It needs nothing of effnet but the
 * generated header and archive (and libpng, for PNG files).
 *
 *   classify IMAGE.{ppm,png} [--labels FILE] [--runs N] [--threads N]
 *
 * The decoded image goes to the library as it is, of any size:
 * classify_model_run_image does torchvision's evaluation transform (resize
 * the shorter side to CLASSIFY_MODEL_RESIZE pixels, crop the centre,
 * normalize by ImageNet's mean and standard deviation unless effnetc was
 * given --normalize) inside the library, then runs the model. The latency
 * printed includes that transform. */
#include "classify_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef CLASSIFY_WITH_PNG
#include <png.h>
#endif

typedef struct {
  int width, height;
  unsigned char *rgb; /* width * height * 3 */
} Image;

static int fail(const char *message, const char *detail) {
  fprintf(stderr, "classify: %s%s%s\n", message, detail ? ": " : "",
          detail ? detail : "");
  return 1;
}

/* Skips whitespace and '#' comments in a PPM header. */
static void skipSpace(FILE *f) {
  int ch;
  while ((ch = fgetc(f)) != EOF) {
    if (ch == '#') {
      while ((ch = fgetc(f)) != EOF && ch != '\n')
        ;
    } else if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
      ungetc(ch, f);
      return;
    }
  }
}

static int readPpm(const char *path, Image *image) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return fail("cannot open", path);
  char magic[3] = {0};
  int width = 0, height = 0, maxval = 0;
  int ok = fread(magic, 1, 2, f) == 2 && strcmp(magic, "P6") == 0;
  skipSpace(f);
  ok = ok && fscanf(f, "%d", &width) == 1;
  skipSpace(f);
  ok = ok && fscanf(f, "%d", &height) == 1;
  skipSpace(f);
  ok = ok && fscanf(f, "%d", &maxval) == 1 && fgetc(f) != EOF;
  if (!ok || width < 1 || height < 1 || width > 16384 || height > 16384 ||
      maxval != 255) {
    fclose(f);
    return fail("not a binary 8-bit PPM (P6, maxval 255)", path);
  }
  size_t bytes = (size_t)width * height * 3;
  image->rgb = malloc(bytes);
  if (!image->rgb || fread(image->rgb, 1, bytes, f) != bytes) {
    fclose(f);
    return fail("truncated PPM", path);
  }
  fclose(f);
  image->width = width;
  image->height = height;
  return 0;
}

static int readPng(const char *path, Image *image) {
#ifdef CLASSIFY_WITH_PNG
  png_image png;
  memset(&png, 0, sizeof(png));
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path))
    return fail("cannot read PNG", png.message);
  png.format = PNG_FORMAT_RGB;
  image->rgb = malloc(PNG_IMAGE_SIZE(png));
  if (!image->rgb ||
      !png_image_finish_read(&png, NULL, image->rgb, 0, NULL)) {
    png_image_free(&png);
    return fail("cannot decode PNG", png.message);
  }
  image->width = (int)png.width;
  image->height = (int)png.height;
  return 0;
#else
  return fail("this build reads PPM only (no libpng found)", path);
#endif
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compareDoubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Line `index` of a labels file, or NULL. */
static char *label(char **labels, int count, int index) {
  return labels && index < count ? labels[index] : NULL;
}

static char **readLabels(const char *path, int *count) {
  FILE *f = fopen(path, "r");
  if (!f)
    return NULL;
  char **labels = NULL, line[512];
  *count = 0;
  while (fgets(line, sizeof(line), f)) {
    line[strcspn(line, "\r\n")] = 0;
    labels = realloc(labels, sizeof(char *) * (*count + 1));
    labels[(*count)++] = strdup(line);
  }
  fclose(f);
  return labels;
}

int main(int argc, char **argv) {
  const char *path = NULL, *labelsPath = NULL;
  int runs = 50;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--labels") && i + 1 < argc)
      labelsPath = argv[++i];
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      classify_model_set_num_threads(atoi(argv[++i]));
    else if (argv[i][0] != '-' && !path)
      path = argv[i];
    else
      return fail("usage: classify IMAGE.{ppm,png} [--labels FILE] "
                  "[--runs N] [--threads N]", NULL);
  }
  if (!path || runs < 1)
    return fail("usage: classify IMAGE.{ppm,png} [--labels FILE] [--runs N] "
                "[--threads N]", NULL);

  Image image = {0, 0, NULL};
  size_t len = strlen(path);
  int status = len > 4 && !strcmp(path + len - 4, ".png") ? readPng(path, &image)
                                                          : readPpm(path, &image);
  if (status)
    return status;

  int res = classify_model_resolution(), classes = classify_model_num_classes();
  /* The decoders give packed rows: 3 bytes a pixel. */
  size_t rowStride = (size_t)3 * image.width;
  float *logits = malloc(sizeof(float) * classes);
  size_t wsBytes = classify_model_workspace_size(1);
  void *workspace = malloc(wsBytes);
  if (!logits || !workspace)
    return fail("out of memory", NULL);
  status = classify_model_run_image_with_workspace(
      image.rgb, 1, image.width, image.height, rowStride, logits, workspace,
      wsBytes);
  if (status != 0)
    return fail("the model failed", classify_model_error_message(status));

  /* Softmax, then the five most likely classes. */
  float top = logits[0];
  for (int k = 1; k < classes; ++k)
    top = logits[k] > top ? logits[k] : top;
  double total = 0;
  for (int k = 0; k < classes; ++k)
    total += exp(logits[k] - top);
  int labelCount = 0;
  char **labels = labelsPath ? readLabels(labelsPath, &labelCount) : NULL;
  printf("%s: %dx%d, EfficientNet-%s at %dx%d (resized to %d, cropped), "
         "%d classes (%s)\n",
         path, image.width, image.height, classify_model_variant(), res, res,
         CLASSIFY_MODEL_RESIZE, classes, classify_model_target());
  int taken[5] = {-1, -1, -1, -1, -1};
  for (int rank = 0; rank < 5 && rank < classes; ++rank) {
    int best = -1;
    for (int k = 0; k < classes; ++k) {
      int used = 0;
      for (int r = 0; r < rank; ++r)
        used |= taken[r] == k;
      if (!used && (best < 0 || logits[k] > logits[best]))
        best = k;
    }
    taken[rank] = best;
    char *name = label(labels, labelCount, best);
    printf("  %d. class %4d  p = %.4f%s%s\n", rank + 1, best,
           exp(logits[best] - top) / total, name ? "  " : "", name ? name : "");
  }

  /* Latency: median of `runs` calls after a few to warm up. */
  double *times = malloc(sizeof(double) * runs);
  for (int i = 0; i < 3; ++i)
    classify_model_run_image_with_workspace(image.rgb, 1, image.width,
                                            image.height, rowStride, logits,
                                            workspace, wsBytes);
  for (int i = 0; i < runs; ++i) {
    double start = now();
    classify_model_run_image_with_workspace(image.rgb, 1, image.width,
                                            image.height, rowStride, logits,
                                            workspace, wsBytes);
    times[i] = now() - start;
  }
  qsort(times, runs, sizeof(double), compareDoubles);
  printf("latency: median %.2f ms over %d runs (min %.2f ms)\n",
         times[runs / 2] * 1e3, runs, times[0] * 1e3);
  return 0;
}
