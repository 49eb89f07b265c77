/* repair.c - studio_repair_heal, studio_repair_detect, studio_repair: options, masks, and the
 * schedule around the stages (repair.h). The heal works only in tiles that hold mask pixels,
 * each read with a margin of context from the input and written (its own mask pixels only)
 * to the output, so tiles run concurrently; they go in rounds, with progress and cancellation
 * between rounds. */
#include "repair.h"
#include "../api/context.h"
#include "../core/options.h"
#include "../core/parallel.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void studio_repair_defaults(studio_repair_options *o) {
  o->sensitivity = 0.5f;
  o->radius = 5;
  o->grow = 1;
}

static studio_status check(studio_ctx *ctx, const void *opt) {
  const studio_repair_options *o = opt;
  ES_RANGE(ctx, "repair", o, sensitivity, 0, 1)
  ES_RANGE(ctx, "repair", o, radius, 2, 12)
  ES_RANGE(ctx, "repair", o, grow, 0, 3)
  return STUDIO_OK;
}

static const es_option_field fields[] = {
    {"sensitivity", offsetof(studio_repair_options, sensitivity), 0, 0},
    {"radius", offsetof(studio_repair_options, radius), 1, 0},
    {"grow", offsetof(studio_repair_options, grow), 1, 0},
};
static const es_option_table table = {"repair", fields, sizeof fields / sizeof *fields, sizeof(studio_repair_options), "sensitivity, radius, grow", check};

studio_status studio_repair_set(studio_ctx *ctx, studio_repair_options *o, const char *name, const char *value) {
  return es_options_set(ctx, &table, o, name, value);
}

static studio_status check_image(studio_ctx *ctx, const studio_image *in, const char *fn) {
  if (in->channels < 1 || in->channels > 4 || in->width < 1 || in->height < 1)
    return es_fail(ctx, STUDIO_E_ARGUMENT, "%s: invalid image (%dx%d, %d channels)", fn, in->width, in->height, in->channels);
  return STUDIO_OK;
}

static studio_status options(studio_ctx *ctx, const studio_repair_options *in, studio_repair_options *o) {
  if (in) *o = *in; else studio_repair_defaults(o);
  return check(ctx, o);
}

studio_status studio_repair_check_mask(studio_ctx *ctx, int width, int height, const studio_image *m) {
  if (!m) return es_fail(ctx, STUDIO_E_ARGUMENT, "repair: NULL mask");
  if (!m->pixels || m->width != width || m->height != height)
    return es_fail(ctx, STUDIO_E_ARGUMENT, "repair: the mask is %dx%d, the photo %dx%d: a mask must be the photo's size", m->width, m->height,
                   width, height);
  if (m->channels != 1 && m->channels != 3 && m->channels != 4)
    return es_fail(ctx, STUDIO_E_ARGUMENT, "repair: the mask has %d channels: it must be grey (1), RGB (3) or RGBA (4)", m->channels);
  return STUDIO_OK;
}

void studio_repair_reach(int *tile, int *margin) {
  if (tile) *tile = ES_REPAIR_TILE;
  if (margin) *margin = ES_REPAIR_MARGIN;
}

/* The mask as one byte per pixel, 1 = damaged; *count the damaged pixels. */
static studio_status read_mask(studio_ctx *ctx, const studio_image *img, const studio_image *m, uint8_t **out, size_t *count) {
  const studio_status s = studio_repair_check_mask(ctx, img->width, img->height, m);
  if (s) return s;
  const int w = m->width, h = m->height, c = m->channels, cc = c == 1 ? 1 : 3;
  uint8_t *b = malloc((size_t)w * h);
  if (!b) return es_fail(ctx, STUDIO_E_NOMEM, "repair: out of memory");
  size_t n = 0;
  for (int y = 0; y < h; y++) {
    const uint8_t *p = m->pixels + (size_t)y * m->stride;
    for (int x = 0; x < w; x++, p += c) {
      int v = 0;
      for (int k = 0; k < cc; k++) v |= p[k];
      b[(size_t)y * w + x] = v != 0;
      n += v != 0;
    }
  }
  *out = b; *count = n;
  return STUDIO_OK;
}

typedef struct {
  const studio_image *in;
  studio_image *out;
  const uint8_t *mask;
  const int *tiles; /* tile indices of this round */
  int tx, radius;
  volatile int failed;
} heal_job;

static void heal_tiles(void *arg, size_t start, size_t count) {
  heal_job *j = arg;
  const studio_image *in = j->in;
  const int ic = in->channels, pc = ic >= 3 ? 3 : 1, T = ES_REPAIR_TILE, M = ES_REPAIR_MARGIN;
  for (size_t t = start; t < start + count; t++) {
    const int cx0 = (j->tiles[t] % j->tx) * T, cy0 = (j->tiles[t] / j->tx) * T;
    const int cx1 = cx0 + T < in->width ? cx0 + T : in->width, cy1 = cy0 + T < in->height ? cy0 + T : in->height;
    const int x0 = cx0 > M ? cx0 - M : 0, y0 = cy0 > M ? cy0 - M : 0;
    const int x1 = cx1 + M < in->width ? cx1 + M : in->width, y1 = cy1 + M < in->height ? cy1 + M : in->height;
    const int w = x1 - x0, h = y1 - y0;
    float *px = malloc(sizeof(float) * (size_t)w * h * pc);
    uint8_t *m = malloc((size_t)w * h);
    if (!px || !m) { free(px); free(m); j->failed = 1; return; }
    for (int y = 0; y < h; y++) {
      const uint8_t *p = in->pixels + (size_t)(y0 + y) * in->stride + (size_t)x0 * ic;
      memcpy(m + (size_t)y * w, j->mask + (size_t)(y0 + y) * in->width + x0, (size_t)w);
      for (int x = 0; x < w; x++, p += ic)
        for (int k = 0; k < pc; k++) px[((size_t)y * w + x) * pc + k] = p[k];
    }
    if (es_repair_fill(px, w, h, pc, m, j->radius, ES_REPAIR_MU)) j->failed = 1;
    else
      for (int y = cy0; y < cy1; y++) {
        uint8_t *q = j->out->pixels + (size_t)y * j->out->stride + (size_t)cx0 * ic;
        for (int x = cx0; x < cx1; x++, q += ic) {
          const size_t i = (size_t)(y - y0) * w + (x - x0);
          if (!m[i]) continue;
          for (int k = 0; k < pc; k++) {
            const float v = px[i * pc + k] + 0.5f;
            q[k] = (uint8_t)(v < 0.f ? 0 : v > 255.f ? 255 : v);
          }
        }
      }
    free(px); free(m);
  }
}

static studio_status copy_image(studio_ctx *ctx, const studio_image *in, studio_image *out) {
  studio_status s = studio_image_alloc(ctx, in->width, in->height, in->channels, out);
  if (s) return s;
  for (int y = 0; y < in->height; y++)
    memcpy(out->pixels + (size_t)y * out->stride, in->pixels + (size_t)y * in->stride, (size_t)in->width * in->channels);
  return STUDIO_OK;
}

/* Heal a checked binary mask into a copy of the input. */
static studio_status heal(studio_ctx *ctx, const studio_image *in, const uint8_t *mask, const studio_repair_options *o, studio_image *out) {
  studio_status s = copy_image(ctx, in, out);
  if (s) return s;
  const int T = ES_REPAIR_TILE, tx = (in->width + T - 1) / T, ty = (in->height + T - 1) / T;
  int *tiles = malloc(sizeof(int) * (size_t)tx * ty), n = 0;
  if (!tiles) { studio_image_free(out); return es_fail(ctx, STUDIO_E_NOMEM, "repair: out of memory"); }
  for (int t = 0; t < tx * ty; t++) {
    const int cx0 = (t % tx) * T, cy0 = (t / tx) * T;
    int any = 0;
    for (int y = cy0; y < cy0 + T && y < in->height && !any; y++)
      for (int x = cx0; x < cx0 + T && x < in->width; x++)
        if (mask[(size_t)y * in->width + x]) { any = 1; break; }
    if (any) tiles[n++] = t;
  }
  heal_job j = {in, out, mask, tiles, tx, o->radius, 0};
  const int round = ES_REPAIR_ROUND;
  for (int r = 0; r < n && !j.failed; r += round) {
    if (es_progress(ctx, "heal", (float)r / (float)n)) { free(tiles); studio_image_free(out); return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled"); }
    j.tiles = tiles + r;
    es_parallel_tiles(ctx->pool, (size_t)(n - r < round ? n - r : round), 1, heal_tiles, &j);
  }
  free(tiles);
  if (j.failed) { studio_image_free(out); return es_fail(ctx, STUDIO_E_NOMEM, "repair: out of memory"); }
  if (es_progress(ctx, "heal", 1.f)) { studio_image_free(out); return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled"); }
  return STUDIO_OK;
}

static studio_status args(studio_ctx *ctx, const studio_image *in, const void *out, const char *fn) {
  if (!ctx) return STUDIO_E_ARGUMENT;
  if (!in || !in->pixels || !out) return es_fail(ctx, STUDIO_E_ARGUMENT, "%s: NULL argument", fn);
  return check_image(ctx, in, fn);
}

studio_status studio_repair_heal(studio_ctx *ctx, const studio_image *in, const studio_image *mask, const studio_repair_options *opt_in,
                                 studio_image *out) {
  studio_status s = args(ctx, in, out, "studio_repair_heal");
  if (s) return s;
  out->pixels = NULL;
  if (!mask) return es_fail(ctx, STUDIO_E_ARGUMENT, "studio_repair_heal: NULL mask");
  studio_repair_options o;
  if ((s = options(ctx, opt_in, &o))) return s;
  uint8_t *m;
  size_t count;
  if ((s = read_mask(ctx, in, mask, &m, &count))) return s;
  s = heal(ctx, in, m, &o, out);
  free(m);
  return s ? s : es_ok(ctx);
}

/* Detection into a binary plane (1 = defect). */
static studio_status detect(studio_ctx *ctx, const studio_image *in, const studio_repair_options *o, uint8_t **out) {
  const int w = in->width, h = in->height, c = in->channels;
  float *lum = malloc(sizeof(float) * (size_t)w * h);
  uint8_t *m = malloc((size_t)w * h), *chroma = c >= 3 ? malloc((size_t)w * h) : NULL;
  if (!lum || !m || (c >= 3 && !chroma)) { free(lum); free(m); free(chroma); return es_fail(ctx, STUDIO_E_NOMEM, "repair: out of memory"); }
  for (int y = 0; y < h; y++) {
    const uint8_t *p = in->pixels + (size_t)y * in->stride;
    for (int x = 0; x < w; x++, p += c) {
      lum[(size_t)y * w + x] = c >= 3 ? 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2] : p[0];
      if (chroma) {
        const int hi = p[0] > p[1] ? (p[0] > p[2] ? p[0] : p[2]) : (p[1] > p[2] ? p[1] : p[2]);
        const int lo = p[0] < p[1] ? (p[0] < p[2] ? p[0] : p[2]) : (p[1] < p[2] ? p[1] : p[2]);
        chroma[(size_t)y * w + x] = (uint8_t)(255 * (hi - lo) / (hi > ES_DETECT_SAT_FLOOR ? hi : ES_DETECT_SAT_FLOOR)); /* saturation */
      }
    }
  }
  const int rc = es_repair_detect(ctx->pool, lum, chroma, w, h, o->sensitivity, o->grow, m);
  free(lum); free(chroma);
  if (rc) { free(m); return es_fail(ctx, STUDIO_E_NOMEM, "repair: out of memory"); }
  *out = m;
  return STUDIO_OK;
}

static studio_status mask_image(studio_ctx *ctx, const uint8_t *m, int w, int h, studio_image *out) {
  studio_status s = studio_image_alloc(ctx, w, h, 1, out);
  if (s) return s;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) out->pixels[(size_t)y * out->stride + x] = m[(size_t)y * w + x] ? 255 : 0;
  return STUDIO_OK;
}

studio_status studio_repair_detect(studio_ctx *ctx, const studio_image *in, const studio_repair_options *opt_in, studio_image *mask_out) {
  studio_status s = args(ctx, in, mask_out, "studio_repair_detect");
  if (s) return s;
  mask_out->pixels = NULL;
  studio_repair_options o;
  if ((s = options(ctx, opt_in, &o))) return s;
  if (es_progress(ctx, "detect", 0.f)) return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled");
  uint8_t *m;
  if ((s = detect(ctx, in, &o, &m))) return s;
  s = mask_image(ctx, m, in->width, in->height, mask_out);
  free(m);
  return s ? s : es_ok(ctx);
}

studio_status studio_repair(studio_ctx *ctx, const studio_image *in, const studio_repair_options *opt_in, const studio_image *mask,
                            studio_image *out, studio_image *mask_used) {
  studio_status s = args(ctx, in, out, "studio_repair");
  if (s) return s;
  out->pixels = NULL;
  if (mask_used) mask_used->pixels = NULL;
  studio_repair_options o;
  if ((s = options(ctx, opt_in, &o))) return s;
  uint8_t *m;
  size_t count;
  if (mask) s = read_mask(ctx, in, mask, &m, &count);
  else if (es_progress(ctx, "detect", 0.f)) return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled");
  else s = detect(ctx, in, &o, &m);
  if (s) return s;
  if (mask_used && (s = mask_image(ctx, m, in->width, in->height, mask_used))) { free(m); return s; }
  s = heal(ctx, in, m, &o, out);
  free(m);
  if (s && mask_used) studio_image_free(mask_used);
  return s ? s : es_ok(ctx);
}
