/* repair.c - studio_repair_heal, studio_repair_detect, studio_repair: options, masks, and the
 * schedule around the stages (repair.h). The heal works only in tiles that hold mask pixels,
 * each read with a margin of context from the input and written (its own mask pixels only)
 * to the output, so tiles run concurrently; they go in rounds, with progress and cancellation
 * between rounds. Wide holes (a 13 px square of mask fits) are left to patch.c: one after
 * another, each parallel inside, with progress and cancellation after each of its votes. */
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

void studio_repair_reach(int *tile, int *margin, int *wide) {
  if (tile) *tile = ES_REPAIR_TILE;
  if (margin) *margin = ES_REPAIR_MARGIN;
  if (wide) *wide = 2 * ES_REPAIR_WIDE + 1;
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
  const uint8_t *wide; /* NULL, or non-zero on the wide holes' pixels (patch.c fills those) */
  const int *tiles;    /* tile indices of this round */
  int tx, radius;
  volatile int failed;
} heal_job;

/* A window of the input as floats (pc channels) and its mask bytes. */
static int read_window(const heal_job *j, int x0, int y0, int w, int h, int pc, float **px, uint8_t **m) {
  const studio_image *in = j->in;
  const int ic = in->channels;
  *px = malloc(sizeof(float) * (size_t)w * h * pc);
  *m = malloc((size_t)w * h);
  if (!*px || !*m) { free(*px); free(*m); return -1; }
  for (int y = 0; y < h; y++) {
    const uint8_t *p = in->pixels + (size_t)(y0 + y) * in->stride + (size_t)x0 * ic;
    memcpy(*m + (size_t)y * w, j->mask + (size_t)(y0 + y) * in->width + x0, (size_t)w);
    for (int x = 0; x < w; x++, p += ic)
      for (int k = 0; k < pc; k++) (*px)[((size_t)y * w + x) * pc + k] = p[k];
  }
  return 0;
}

static void write_pixel(const heal_job *j, int x, int y, const float *v, int pc) {
  uint8_t *q = j->out->pixels + (size_t)y * j->out->stride + (size_t)x * j->in->channels;
  for (int k = 0; k < pc; k++) {
    const float f = v[k] + 0.5f;
    q[k] = (uint8_t)(f < 0.f ? 0 : f > 255.f ? 255 : f);
  }
}

static void heal_tiles(void *arg, size_t start, size_t count) {
  heal_job *j = arg;
  const studio_image *in = j->in;
  const int pc = in->channels >= 3 ? 3 : 1, T = ES_REPAIR_TILE, M = ES_REPAIR_MARGIN;
  for (size_t t = start; t < start + count; t++) {
    const int cx0 = (j->tiles[t] % j->tx) * T, cy0 = (j->tiles[t] / j->tx) * T;
    const int cx1 = cx0 + T < in->width ? cx0 + T : in->width, cy1 = cy0 + T < in->height ? cy0 + T : in->height;
    int x0 = cx0 > M ? cx0 - M : 0, y0 = cy0 > M ? cy0 - M : 0;
    int x1 = cx1 + M < in->width ? cx1 + M : in->width, y1 = cy1 + M < in->height ? cy1 + M : in->height;
    /* only the mask's box in that window and the fill's reach around it (the same result:
     * nothing farther is read) */
    int bx0 = x1, by0 = y1, bx1 = x0, by1 = y0;
    for (int y = y0; y < y1; y++) {
      const uint8_t *m = j->mask + (size_t)y * in->width;
      for (int x = x0; x < x1; x++)
        if (m[x]) { if (x < bx0) bx0 = x; if (x >= bx1) bx1 = x + 1; if (y < by0) by0 = y; by1 = y + 1; }
    }
    const int C = j->radius + 2 * ES_REPAIR_RHO + 2;
    if (bx0 - C > x0) x0 = bx0 - C;
    if (by0 - C > y0) y0 = by0 - C;
    if (bx1 + C < x1) x1 = bx1 + C;
    if (by1 + C < y1) y1 = by1 + C;
    const int w = x1 - x0, h = y1 - y0;
    float *px;
    uint8_t *m;
    if (read_window(j, x0, y0, w, h, pc, &px, &m)) { j->failed = 1; return; }
    if (es_repair_fill(px, w, h, pc, m, j->radius, ES_REPAIR_MU)) j->failed = 1;
    else
      for (int y = cy0 > y0 ? cy0 : y0; y < cy1 && y < y1; y++)
        for (int x = cx0 > x0 ? cx0 : x0; x < cx1 && x < x1; x++) {
          const size_t i = (size_t)(y - y0) * w + (x - x0);
          if (m[i] && !(j->wide && j->wide[(size_t)y * in->width + x])) write_pixel(j, x, y, px + i * pc, pc);
        }
    free(px); free(m);
  }
}

/* ---- wide holes: found where a (2 ES_REPAIR_WIDE + 1) px square of mask fits ---- */

typedef struct {
  int x0, y0, x1, y1; /* bounding box, [x0, x1) x [y0, y1) */
  size_t seed;        /* one of its pixels */
  size_t count;
} component;

typedef struct {
  const uint8_t *mask;
  int w, h, tx;
  const int *tiles;
  uint8_t *deep_tile; /* per entry of tiles: holds a deep pixel */
  uint8_t *wide;      /* NULL (count only), or DEEP written on the deep pixels */
  volatile int failed;
} deep_job;

enum { WIDE = 1, DEEP = 2, SEEN = 4 };

/* Tiles' deep pixels (the square of side 2 ES_REPAIR_WIDE + 1 around them all mask), by an
 * integral image of the tile and ES_REPAIR_WIDE around it. */
static void deep_tiles(void *arg, size_t start, size_t count) {
  deep_job *j = arg;
  const int T = ES_REPAIR_TILE, r = ES_REPAIR_WIDE, side = 2 * r + 1, sw = T + 2 * r + 1;
  int *sum = malloc(sizeof(int) * (size_t)sw * sw);
  if (!sum) { j->failed = 1; return; }
  for (size_t t = start; t < start + count; t++) {
    const int cx0 = (j->tiles[t] % j->tx) * T, cy0 = (j->tiles[t] / j->tx) * T;
    const int cx1 = cx0 + T < j->w ? cx0 + T : j->w, cy1 = cy0 + T < j->h ? cy0 + T : j->h;
    const int x0 = cx0 > r ? cx0 - r : 0, y0 = cy0 > r ? cy0 - r : 0;
    const int x1 = cx1 + r < j->w ? cx1 + r : j->w, y1 = cy1 + r < j->h ? cy1 + r : j->h, w = x1 - x0, h = y1 - y0, s = w + 1;
    for (int x = 0; x <= w; x++) sum[x] = 0;
    for (int y = 0; y < h; y++) {
      const uint8_t *m = j->mask + (size_t)(y0 + y) * j->w + x0;
      int row = 0;
      sum[(y + 1) * s] = 0;
      for (int x = 0; x < w; x++) { row += m[x] != 0; sum[(y + 1) * s + x + 1] = sum[y * s + x + 1] + row; }
    }
    int any = 0;
    for (int y = cy0 > r ? cy0 : r; y < cy1 && y + r < j->h; y++)
      for (int x = cx0 > r ? cx0 : r; x < cx1 && x + r < j->w; x++) {
        const int ax = x - r - x0, ay = y - r - y0, bx = ax + side, by = ay + side;
        if (sum[by * s + bx] - sum[ay * s + bx] - sum[by * s + ax] + sum[ay * s + ax] != side * side) continue;
        any = 1;
        if (!j->wide) break;
        j->wide[(size_t)y * j->w + x] = DEEP;
      }
    j->deep_tile[t] = (uint8_t)any;
  }
  free(sum);
}

/* The wide holes: the mask pixels within 2 ES_REPAIR_WIDE (chessboard) of a deep pixel, so a
 * wide hole's rim and corners go with it; their 8-connected components into *comps. wide:
 * w x h zeros in, WIDE | DEEP marks out. Returns the number of components, or -1 out of memory. */
static int wide_holes(pthreadpool_t pool, const uint8_t *mask, int w, int h, const int *tiles, int n, int tx, uint8_t **wide_out,
                      component **comps) {
  *wide_out = NULL; *comps = NULL;
  uint8_t *flag = malloc((size_t)n + 1);
  if (!flag) return -1;
  deep_job dj = {mask, w, h, tx, tiles, flag, NULL, 0};
  es_parallel_tiles(pool, (size_t)n, 1, deep_tiles, &dj);
  int any = 0, nd = 0;
  for (int t = 0; t < n; t++) any |= flag[t];
  if (dj.failed || !any) { free(flag); return dj.failed ? -1 : 0; }
  uint8_t *wide = calloc((size_t)w * h, 1);
  int *deep = malloc(sizeof(int) * (size_t)n);
  if (!wide || !deep) { free(flag); free(wide); free(deep); return -1; }
  for (int t = 0; t < n; t++)
    if (flag[t]) deep[nd++] = tiles[t];
  dj.tiles = deep; dj.wide = wide;
  es_parallel_tiles(pool, (size_t)nd, 1, deep_tiles, &dj);
  free(flag);
  /* the rims: every deep pixel on the deep set's edge marks the mask around it */
  const int T = ES_REPAIR_TILE, d = 2 * ES_REPAIR_WIDE;
  for (int k = 0; k < nd; k++) {
    const int cx0 = (deep[k] % tx) * T, cy0 = (deep[k] / tx) * T;
    for (int y = cy0; y < cy0 + T && y < h; y++)
      for (int x = cx0; x < cx0 + T && x < w; x++) {
        const size_t i = (size_t)y * w + x;
        if (!(wide[i] & DEEP) || ((wide[i - 1] & DEEP) && (wide[i + 1] & DEEP) && (wide[i - w] & DEEP) && (wide[i + w] & DEEP))) continue;
        for (int yy = y - d < 0 ? 0 : y - d; yy <= y + d && yy < h; yy++)
          for (int xx = x - d < 0 ? 0 : x - d; xx <= x + d && xx < w; xx++)
            if (mask[(size_t)yy * w + xx]) wide[(size_t)yy * w + xx] |= WIDE;
      }
  }
  free(deep);
  /* components (8-connected), by a stack */
  size_t cap = 1024, top;
  int nc = 0, ccap = 0;
  size_t *stack = malloc(sizeof(size_t) * cap);
  component *c = NULL;
  if (!stack) { free(wide); return -1; }
  for (size_t i0 = 0; i0 < (size_t)w * h; i0++) {
    if (!wide[i0] || (wide[i0] & SEEN)) continue;
    if (nc == ccap) {
      ccap = ccap ? 2 * ccap : 16;
      component *nc2 = realloc(c, sizeof *c * (size_t)ccap);
      if (!nc2) { free(stack); free(c); free(wide); return -1; }
      c = nc2;
    }
    component *k = &c[nc++];
    *k = (component){(int)(i0 % w), (int)(i0 / w), (int)(i0 % w) + 1, (int)(i0 / w) + 1, i0, 0};
    wide[i0] |= SEEN; stack[0] = i0; top = 1;
    while (top) {
      const size_t i = stack[--top];
      const int x = (int)(i % w), y = (int)(i / w);
      k->count++;
      if (x < k->x0) k->x0 = x;
      if (x >= k->x1) k->x1 = x + 1;
      if (y < k->y0) k->y0 = y;
      if (y >= k->y1) k->y1 = y + 1;
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
          const int xx = x + dx, yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const size_t q = (size_t)yy * w + xx;
          if (!wide[q] || (wide[q] & SEEN)) continue;
          if (top == cap) {
            size_t *s2 = realloc(stack, sizeof(size_t) * cap * 2);
            if (!s2) { free(stack); free(c); free(wide); return -1; }
            stack = s2; cap *= 2;
          }
          wide[q] |= SEEN; stack[top++] = q;
        }
    }
  }
  free(stack);
  *wide_out = wide; *comps = c;
  return nc;
}

typedef struct {
  studio_ctx *ctx;
  double done, weight, total; /* progress, in tiles' worth */
} tick_arg;

static int tick(void *arg, float f) {
  const tick_arg *t = arg;
  return es_progress(t->ctx, "heal", (float)((t->done + f * t->weight) / t->total));
}

/* One wide hole: its window (the hole and ES_REPAIR_REACH times its width around it) filled
 * by fast marching, then its pixels by PatchMatch (patch.c, over the pool) and written. On
 * the calling thread (patch.c parallelises inside). Returns es_repair_patch's 0 (or 1: no
 * source), 2 cancelled, -1 out of memory. */
static int patch_hole(heal_job *j, pthreadpool_t pool, const uint8_t *wide, const component *c, tick_arg *ta) {
  const int W = j->in->width, H = j->in->height, pc = j->in->channels >= 3 ? 3 : 1;
  const int bw = c->x1 - c->x0, bh = c->y1 - c->y0;
  /* the component alone (the wide pixels connected to its seed within its box) */
  uint8_t *own = calloc((size_t)bw * bh, 1);
  size_t *stack = malloc(sizeof(size_t) * (c->count + 1)), top = 1;
  if (!own || !stack) { free(own); free(stack); return -1; }
  stack[0] = (c->seed / W - c->y0) * bw + (c->seed % W - c->x0);
  own[stack[0]] = 1;
  while (top) {
    const size_t i = stack[--top];
    const int x = (int)(i % bw), y = (int)(i / bw);
    for (int dy = -1; dy <= 1; dy++)
      for (int dx = -1; dx <= 1; dx++) {
        const int xx = x + dx, yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= bw || yy >= bh) continue;
        const size_t q = (size_t)yy * bw + xx;
        if (own[q] || !wide[(size_t)(yy + c->y0) * W + xx + c->x0]) continue;
        own[q] = 1; stack[top++] = q;
      }
  }
  free(stack);
  const int depth = es_repair_depth(own, bw, bh);
  const float reach = ES_REPAIR_REACH * 2.f * (float)depth;
  const int M = reach > ES_REPAIR_MARGIN ? (int)reach : ES_REPAIR_MARGIN;
  const int x0 = c->x0 > M ? c->x0 - M : 0, y0 = c->y0 > M ? c->y0 - M : 0;
  const int x1 = c->x1 + M < W ? c->x1 + M : W, y1 = c->y1 + M < H ? c->y1 + M : H, w = x1 - x0, h = y1 - y0;
  float *px;
  uint8_t *m;
  if (depth < 0 || read_window(j, x0, y0, w, h, pc, &px, &m)) { free(own); return -1; }
  int rc = es_repair_fill(px, w, h, pc, m, j->radius, ES_REPAIR_MU);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const int ox = x + x0 - c->x0, oy = y + y0 - c->y0;
      const size_t i = (size_t)y * w + x;
      if (m[i]) m[i] = ox >= 0 && oy >= 0 && ox < bw && oy < bh && own[(size_t)oy * bw + ox] ? 1 : 2;
    }
  if (!rc) rc = es_repair_patch(pool, px, w, h, pc, m, depth, (uint64_t)c->seed, tick, ta);
  if (rc == 0 || rc == 1)
    for (int y = c->y0; y < c->y1; y++)
      for (int x = c->x0; x < c->x1; x++)
        if (own[(size_t)(y - c->y0) * bw + x - c->x0]) write_pixel(j, x, y, px + ((size_t)(y - y0) * w + x - x0) * pc, pc);
  free(own); free(px); free(m);
  return rc;
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
  uint8_t *wide;
  component *comps;
  const int nc = wide_holes(ctx->pool, mask, in->width, in->height, tiles, n, tx, &wide, &comps);
  heal_job j = {in, out, mask, wide, tiles, tx, o->radius, nc < 0};
  /* progress in tiles' worth: a wide hole's pixel costs about what a tile's margin does */
  double total = n, done = 0;
  for (int k = 0; k < nc; k++) total += 1.0 + (double)comps[k].count / 1024.0;
  const int round = ES_REPAIR_ROUND;
  for (int r = 0; r < n && !j.failed; r += round) {
    if (es_progress(ctx, "heal", (float)(done / total))) goto cancelled;
    j.tiles = tiles + r;
    es_parallel_tiles(ctx->pool, (size_t)(n - r < round ? n - r : round), 1, heal_tiles, &j);
    done += n - r < round ? n - r : round;
  }
  /* the wide holes one after the other, each over the pool, progress after each vote */
  for (int k = 0; k < nc && !j.failed; k++) {
    if (es_progress(ctx, "heal", (float)(done / total))) goto cancelled;
    tick_arg ta = {ctx, done, 1.0 + (double)comps[k].count / 1024.0, total};
    const int rc = patch_hole(&j, ctx->pool, wide, &comps[k], &ta);
    if (rc == 2) goto cancelled;
    if (rc < 0) j.failed = 1;
    done += ta.weight;
  }
  free(tiles); free(wide); free(comps);
  if (j.failed) { studio_image_free(out); return es_fail(ctx, STUDIO_E_NOMEM, "repair: out of memory"); }
  if (es_progress(ctx, "heal", 1.f)) { studio_image_free(out); return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled"); }
  return STUDIO_OK;
cancelled:
  free(tiles); free(wide); free(comps); studio_image_free(out);
  return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled");
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

typedef struct { const studio_image *in; float *lum; uint8_t *chroma; } lum_job;

/* Rows of the luminance and, for colour, the saturation (max - min) / max of R, G, B, max
 * taken as at least ES_DETECT_SAT_FLOOR (dark pixels' noise). */
static void lum_rows(void *arg, size_t start, size_t count) {
  const lum_job *j = arg;
  const int w = j->in->width, c = j->in->channels;
  for (size_t y = start; y < start + count; y++) {
    const uint8_t *p = j->in->pixels + y * j->in->stride;
    float *l = j->lum + y * w;
    uint8_t *sat = j->chroma ? j->chroma + y * w : NULL;
    for (int x = 0; x < w; x++, p += c) {
      l[x] = c >= 3 ? 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2] : p[0];
      if (sat) {
        const int hi = p[0] > p[1] ? (p[0] > p[2] ? p[0] : p[2]) : (p[1] > p[2] ? p[1] : p[2]);
        const int lo = p[0] < p[1] ? (p[0] < p[2] ? p[0] : p[2]) : (p[1] < p[2] ? p[1] : p[2]);
        sat[x] = (uint8_t)(255 * (hi - lo) / (hi > ES_DETECT_SAT_FLOOR ? hi : ES_DETECT_SAT_FLOOR));
      }
    }
  }
}

int es_repair_planes(pthreadpool_t pool, const studio_image *in, float **lum, uint8_t **chroma) {
  const int w = in->width, h = in->height;
  *lum = malloc(sizeof(float) * (size_t)w * h);
  *chroma = in->channels >= 3 ? malloc((size_t)w * h) : NULL;
  if (!*lum || (in->channels >= 3 && !*chroma)) { free(*lum); free(*chroma); *lum = NULL; *chroma = NULL; return -1; }
  lum_job lj = {in, *lum, *chroma};
  es_parallel_tiles(pool, (size_t)h, 64, lum_rows, &lj);
  return 0;
}

/* Detection into a binary plane (1 = defect). */
static studio_status detect(studio_ctx *ctx, const studio_image *in, const studio_repair_options *o, uint8_t **out) {
  const int w = in->width, h = in->height;
  float *lum;
  uint8_t *chroma, *m = malloc((size_t)w * h);
  if (!m || es_repair_planes(ctx->pool, in, &lum, &chroma)) { free(m); return es_fail(ctx, STUDIO_E_NOMEM, "repair: out of memory"); }
  const int rc = es_repair_detect(ctx->pool, lum, chroma, w, h, o->sensitivity, o->grow, NULL, m);
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
