/* detect_features.c - what the defect detector's trees see, for tools/eval/fit_detect.py:
 * `detect_features PHOTO [LABELS|-] [SENSITIVITY] [MAP.raw]` prints one line per component the
 * detector scores: its ES_DETECT_FEATURES features (detect.c's order), its pixel count, how
 * many of its pixels lie within 1 px of damage (LABELS: a map the photo's size, non-zero =
 * damaged; 0 without one, or with -) and the score it was given (log-odds). MAP.raw: a byte a
 * pixel, 1 in a scored line, 2 in a scored speck, + 128 where the detector kept it: which
 * stage lost a defect. Runs on one thread, so the lines come in one order. Native only; not
 * part of the product. */
#include "api/context.h"
#include "cli/readfile.h"
#include "repair/repair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const uint8_t *near; /* w x h: within 1 px of damage */
  uint8_t *map;        /* or NULL: 1 for a line's pixels, 2 for a speck's (then + 128 where kept) */
} dump_arg;

static void component(void *arg, const float *x, const int *pixels, int count, float score) {
  const dump_arg *d = arg;
  int hits = 0;
  for (int k = 0; d->near && k < count; k++) hits += d->near[pixels[k]];
  if (d->map)
    for (int k = 0; k < count; k++) d->map[pixels[k]] = (uint8_t)(1 + (int)x[0]);
  for (int i = 0; i < ES_DETECT_FEATURES; i++) printf("%.9g ", x[i]);
  printf("%d %d %.6f\n", count, hits, score);
}

static int load(studio_ctx *ctx, const char *path, studio_image *img) {
  char why[256];
  size_t len;
  uint8_t *data = es_read_file(path, &len, why, sizeof why);
  if (!data) { fprintf(stderr, "%s: %s\n", path, why); return 1; }
  const studio_status s = studio_decode(ctx, data, len, img);
  free(data);
  if (s) fprintf(stderr, "%s: %s\n", path, studio_error(ctx));
  return s != STUDIO_OK;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 5) { fprintf(stderr, "usage: detect_features PHOTO [LABELS|-] [SENSITIVITY] [MAP.raw]\n"); return 2; }
  studio_config cfg = {0};
  cfg.threads = 1;
  studio_ctx *ctx = studio_create(&cfg);
  studio_image img = {0}, lab = {0};
  if (!ctx || load(ctx, argv[1], &img) || (argc > 2 && strcmp(argv[2], "-") && load(ctx, argv[2], &lab))) return 1;
  const int w = img.width, h = img.height;
  uint8_t *near = NULL;
  if (lab.pixels) {
    if (lab.width != w || lab.height != h) { fprintf(stderr, "%s: not the photo's size\n", argv[2]); return 1; }
    near = calloc((size_t)w * h, 1);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++) {
            const int xx = x + dx, yy = y + dy;
            if (xx >= 0 && xx < w && yy >= 0 && yy < h && lab.pixels[(size_t)yy * lab.stride + (size_t)xx * lab.channels]) near[(size_t)y * w + x] = 1;
          }
  }
  float *lum;
  uint8_t *chroma, *mask = malloc((size_t)w * h);
  dump_arg d = {near, argc > 4 ? calloc((size_t)w * h, 1) : NULL};
  const es_detect_hook hook = {component, &d};
  if (!mask || es_repair_planes(ctx->pool, &img, &lum, &chroma) ||
      es_repair_detect(ctx->pool, lum, chroma, w, h, argc > 3 ? (float)atof(argv[3]) : 0.5f, 0, &hook, mask)) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  if (d.map) { /* where the detector kept them: its mask, not grown */
    for (size_t i = 0; i < (size_t)w * h; i++) d.map[i] |= mask[i] ? 128 : 0;
    FILE *f = fopen(argv[4], "wb");
    if (!f || fwrite(d.map, 1, (size_t)w * h, f) != (size_t)w * h || fclose(f)) { fprintf(stderr, "%s: cannot write\n", argv[4]); return 1; }
    free(d.map);
  }
  free(lum); free(chroma); free(mask); free(near);
  studio_image_free(&img); studio_image_free(&lab);
  studio_destroy(ctx);
  return 0;
}
