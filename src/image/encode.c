/* encode.c - studio_encode: PNG (alpha kept; png_write.c) and JPEG (alpha flattened over white, since
 * JPEG has no alpha; nothing of the input's metadata is written, so the pixels, already
 * turned by the EXIF orientation, are the only orientation a viewer sees). */
#include "formats.h"
#include "png_write.h"

#include <stdlib.h>
#include <string.h>
#include <stb_image_write.h>

typedef struct { uint8_t *data; size_t len, cap; int failed; } sink;

static void sink_write(void *user, void *bytes, int n) {
  sink *s = user;
  if (s->failed || n <= 0) return;
  if (s->len + (size_t)n > s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 65536;
    while (cap < s->len + (size_t)n) cap *= 2;
    uint8_t *p = realloc(s->data, cap);
    if (!p) { s->failed = 1; return; }
    s->data = p; s->cap = cap;
  }
  memcpy(s->data + s->len, bytes, (size_t)n);
  s->len += (size_t)n;
}

/* Composite grey+alpha or RGBA over white into a tightly packed 1- or 3-channel copy. */
static uint8_t *flatten_over_white(const studio_image *img) {
  int c = img->channels, oc = c - 1;
  uint8_t *out = malloc((size_t)img->width * img->height * oc);
  if (!out) return NULL;
  for (int y = 0; y < img->height; y++) {
    const uint8_t *s = img->pixels + y * img->stride;
    uint8_t *d = out + (size_t)y * img->width * oc;
    for (int x = 0; x < img->width; x++, s += c, d += oc) {
      unsigned a = s[c - 1];
      for (int k = 0; k < oc; k++) d[k] = (uint8_t)((s[k] * a + 255u * (255u - a) + 127u) / 255u);
    }
  }
  return out;
}

studio_status studio_encode(studio_ctx *ctx, const studio_image *img, studio_format format, int quality,
                            uint8_t **out, size_t *out_len) {
  if (!ctx || !img || !img->pixels || !out || !out_len)
    return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_encode: NULL argument") : STUDIO_E_ARGUMENT;
  *out = NULL; *out_len = 0;
  if (img->channels < 1 || img->channels > 4 || img->width < 1 || img->height < 1 || img->stride < (size_t)img->width * img->channels)
    return es_fail(ctx, STUDIO_E_ARGUMENT, "studio_encode: invalid image (%dx%d, %d channels)", img->width, img->height, img->channels);
  if (img->stride > 0x7FFFFFFF) return es_fail(ctx, STUDIO_E_TOO_LARGE, "image rows are too long to encode");
  if (es_progress(ctx, "encode", 0.f)) return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled");
  sink s = {0};
  int ok;
  if (format == STUDIO_FORMAT_PNG) {
    studio_status st = es_png_write(ctx, img, ES_PNG_LEVEL, &s.data, &s.len);
    if (st != STUDIO_OK) return st;
    ok = 1;
  } else if (format == STUDIO_FORMAT_JPEG) {
    if (quality < 1 || quality > 100) return es_fail(ctx, STUDIO_E_ARGUMENT, "JPEG quality must be 1..100, not %d", quality);
    const uint8_t *px = img->pixels;
    uint8_t *flat = NULL;
    int c = img->channels;
    if (c == 2 || c == 4) {
      flat = flatten_over_white(img);
      if (!flat) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory while encoding");
      px = flat; c -= 1;
    } else if (img->stride != (size_t)img->width * c) {
      return es_fail(ctx, STUDIO_E_ARGUMENT, "JPEG encoding needs tightly packed rows");
    }
    ok = stbi_write_jpg_to_func(sink_write, &s, img->width, img->height, c, px, quality);
    free(flat);
  } else {
    return es_fail(ctx, STUDIO_E_ARGUMENT, "can only encode PNG or JPEG");
  }
  if (!ok || s.failed) { free(s.data); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory while encoding"); }
  *out = s.data; *out_len = s.len;
  if (es_progress(ctx, "encode", 1.f)) { free(s.data); *out = NULL; *out_len = 0; return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled"); }
  return es_ok(ctx);
}
