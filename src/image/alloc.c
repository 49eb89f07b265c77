/* alloc.c - studio_image allocation with the context's limits, and release. */
#include "formats.h"

#include <stdlib.h>

studio_status studio_image_alloc(studio_ctx *ctx, int w, int h, int c, studio_image *out) {
  if (!ctx || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_image_alloc: NULL argument") : STUDIO_E_ARGUMENT;
  out->pixels = NULL;
  if (c < 1 || c > 4) return es_fail(ctx, STUDIO_E_ARGUMENT, "images have 1 to 4 channels, not %d", c);
  studio_status s = es_check_size(ctx, w, h);
  if (s) return s;
  out->pixels = calloc((size_t)w * h, (size_t)c);
  if (!out->pixels) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory for a %dx%d image", w, h);
  out->width = w; out->height = h; out->channels = c; out->stride = (size_t)w * c;
  return es_ok(ctx);
}

void studio_image_free(studio_image *img) {
  if (!img) return;
  free(img->pixels);
  img->pixels = NULL;
}

void studio_free(void *p) { free(p); }
