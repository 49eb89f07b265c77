/* detect.c - likely defects found on the luminance (see repair.h).
 *
 * A thin dark defect is what a closing (max then min over a square) removes: the black
 * top-hat, closing - Y, is its contrast against its surroundings; a bright one is the white
 * top-hat, Y - opening. Each is taken at two square sides (lines up to ~3 px and up to ~8
 * px wide) and measured in units of the photo's own response there: per block, the median
 * plus a number of robust sigmas (1.4826 MAD) of the same top-hat, interpolated between
 * blocks, and never under a floor. Pixels over the threshold seed components that grow over
 * half of it (hysteresis); a component is kept when it is thin and long (a scratch, a hair,
 * a crack: mean width 2 area / perimeter small, length area / width at least a few widths)
 * or small (a speck), and when its surroundings carry no edge much stronger than itself
 * (a dark line along a natural edge is the photo's). */
#include "repair.h"
#include "../core/parallel.h"


#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>


typedef struct {
  const float *src;
  float *dst;
  int w, h, r, max;
  atomic_int *failed; /* set when a tile's scratch line could not be allocated */
} morph_job;

/* One line of n samples (stride apart) through a 2r+1 window's max or min, van Herk /
 * Gil-Werman: running maxima forward (g) and backward (hh) within blocks of 2r+1, the
 * window's result max(hh[x], g[x + 2r]): three comparisons a sample whatever r.
 * Outside the image counts as absent (padded with the operation's identity). */
static void vhgw_line(const float *src, float *dst, int n, int r, int max, float *p, float *g, float *hh) {
  const int k = 2 * r + 1, N = n + 2 * r;
  const float id = max ? -1e30f : 1e30f;
  for (int i = 0; i < r; i++) p[i] = p[n + r + i] = id;
  memcpy(p + r, src, sizeof(float) * (size_t)n);
  for (int b0 = 0; b0 < N; b0 += k) {
    const int b1 = b0 + k < N ? b0 + k : N;
    g[b0] = p[b0];
    hh[b1 - 1] = p[b1 - 1];
    if (max) {
      for (int i = b0 + 1; i < b1; i++) g[i] = p[i] > g[i - 1] ? p[i] : g[i - 1];
      for (int i = b1 - 2; i >= b0; i--) hh[i] = p[i] > hh[i + 1] ? p[i] : hh[i + 1];
    } else {
      for (int i = b0 + 1; i < b1; i++) g[i] = p[i] < g[i - 1] ? p[i] : g[i - 1];
      for (int i = b1 - 2; i >= b0; i--) hh[i] = p[i] < hh[i + 1] ? p[i] : hh[i + 1];
    }
  }
  if (max) for (int x = 0; x < n; x++) dst[x] = hh[x] > g[x + 2 * r] ? hh[x] : g[x + 2 * r];
  else for (int x = 0; x < n; x++) dst[x] = hh[x] < g[x + 2 * r] ? hh[x] : g[x + 2 * r];
}

#define MORPH_STRIP 64 /* columns a vertical job works side by side (rows of the strip are contiguous) */

static void morph_lines(void *arg, size_t start, size_t count) {
  const morph_job *j = arg;
  const int n = j->w;
  float *buf = malloc(sizeof(float) * 3 * (size_t)(n + 2 * j->r));
  if (!buf) { atomic_store(j->failed, 1); return; }
  float *p = buf, *g = buf + n + 2 * j->r, *hh = g + n + 2 * j->r;
  for (size_t l = start; l < start + count; l++) vhgw_line(j->src + l * j->w, j->dst + l * j->w, n, j->r, j->max, p, g, hh);
  free(buf);
}

/* The vertical pass over strips of MORPH_STRIP columns, van Herk / Gil-Werman as
 * vhgw_line with whole rows of the strip at a time. */
static void morph_columns(void *arg, size_t start, size_t count) {
  const morph_job *j = arg;
  const int r = j->r, k = 2 * r + 1, N = j->h + 2 * r;
  float *g = malloc(sizeof(float) * 2 * (size_t)N * MORPH_STRIP);
  if (!g) { atomic_store(j->failed, 1); return; }
  float *hh = g + (size_t)N * MORPH_STRIP;
  const float id = j->max ? -1e30f : 1e30f;
  for (size_t s0 = start * MORPH_STRIP; s0 < (start + count) * MORPH_STRIP && s0 < (size_t)j->w; s0 += MORPH_STRIP) {
    const int sw = s0 + MORPH_STRIP <= (size_t)j->w ? MORPH_STRIP : j->w - (int)s0;
#define ROW(i) (i < r || i >= j->h + r ? NULL : j->src + (size_t)(i - r) * j->w + s0)
#define OP(a, b) (j->max ? ((a) > (b) ? (a) : (b)) : ((a) < (b) ? (a) : (b)))
    for (int i = 0; i < N; i++) {
      const float *row = ROW(i);
      float *gi = g + (size_t)i * MORPH_STRIP;
      for (int c = 0; c < sw; c++) {
        const float v = row ? row[c] : id;
        gi[c] = i % k == 0 ? v : OP(v, gi[c - MORPH_STRIP]);
      }
    }
    for (int i = N - 1; i >= 0; i--) {
      const float *row = ROW(i);
      float *hi = hh + (size_t)i * MORPH_STRIP;
      for (int c = 0; c < sw; c++) {
        const float v = row ? row[c] : id;
        hi[c] = i % k == k - 1 || i == N - 1 ? v : OP(v, hi[c + MORPH_STRIP]);
      }
    }
    for (int y = 0; y < j->h; y++) {
      const float *a = hh + (size_t)y * MORPH_STRIP, *b = g + (size_t)(y + 2 * r) * MORPH_STRIP;
      float *d = j->dst + (size_t)y * j->w + s0;
      for (int c = 0; c < sw; c++) d[c] = OP(a[c], b[c]);
    }
#undef ROW
#undef OP
  }
  free(g);
}

/* dst = max (or min) of src over a (2r+1)^2 square, separable; tmp: scratch. Returns 0, or
 * -1 out of memory. */
static int morph(pthreadpool_t pool, const float *src, float *dst, float *tmp, int w, int h, int r, int max) {
  atomic_int failed = 0;
  morph_job a = {src, tmp, w, h, r, max, &failed}, b = {tmp, dst, w, h, r, max, &failed};
  es_parallel_tiles(pool, (size_t)h, 16, morph_lines, &a);
  if (!atomic_load(&failed)) es_parallel_tiles(pool, ((size_t)w + MORPH_STRIP - 1) / MORPH_STRIP, 1, morph_columns, &b);
  return atomic_load(&failed) ? -1 : 0;
}

/* Pixel p between the centres of blocks *i0 and *i1 (of n, side B, clamped at the ends): the weight of *i1. */
static float cell(int p, int B, int n, int *i0, int *i1) {
  float f = ((float)p + 0.5f) / (float)B - 0.5f;
  if (f < 0) f = 0;
  if (f > (float)(n - 1)) f = (float)(n - 1);
  *i0 = (int)f;
  *i1 = *i0 + 1 < n ? *i0 + 1 : *i0;
  return f - (float)*i0;
}

typedef struct {
  const float *resp;
  float *thr, *bt, k, *wx;
  int w, h, bw, bh, *x0;
} thr_job;

/* One row of blocks: median + k robust sigmas of the response, at least 1.5x the 90th
 * percentile and the floor. */
static void block_rows(void *arg, size_t start, size_t count) {
  const thr_job *j = arg;
  const int B = ES_DETECT_BLOCK, w = j->w, h = j->h;
  for (int by = (int)start; by < (int)(start + count); by++)
    for (int bx = 0; bx < j->bw; bx++) {
      int hist[256] = {0}, n = 0;
      for (int y = by * B; y < (by + 1) * B && y < h; y++)
        for (int x = bx * B; x < (bx + 1) * B && x < w; x++) {
          int v = (int)j->resp[(size_t)y * w + x];
          hist[v < 0 ? 0 : v > 255 ? 255 : v]++; n++;
        }
      int med = 0;
      for (int c = 0; med < 256; med++) if ((c += hist[med]) * 2 >= n) break;
      int dev[256] = {0};
      for (int v = 0; v < 256; v++) dev[abs(v - med)] += hist[v];
      int mad = 0;
      for (int c = 0; mad < 256; mad++) if ((c += dev[mad]) * 2 >= n) break;
      int p90 = 0;
      for (int c = 0; p90 < 256; p90++) if ((c += hist[p90]) * 10 >= 9 * n) break;
      const float s = 1.4826f * ((float)mad + 0.5f), t = (float)med + j->k * s, tex = ES_DETECT_TEXTURE * (float)p90;
      const float m = t > tex ? t : tex;
      j->bt[by * j->bw + bx] = m > ES_DETECT_FLOOR ? m : ES_DETECT_FLOOR;
    }
}

/* Rows of the threshold plane, bilinear between block centres (the columns' cells in x0, wx). */
static void thr_rows(void *arg, size_t start, size_t count) {
  const thr_job *j = arg;
  const int bw = j->bw;
  for (int y = (int)start; y < (int)(start + count); y++) {
    int y0, y1;
    const float wy = cell(y, ES_DETECT_BLOCK, j->bh, &y0, &y1);
    const float *r0 = j->bt + (size_t)y0 * bw, *r1 = j->bt + (size_t)y1 * bw;
    float *out = j->thr + (size_t)y * j->w;
    for (int x = 0; x < j->w; x++) {
      const int x0 = j->x0[x], x1 = x0 + 1 < bw ? x0 + 1 : x0;
      const float wx = j->wx[x];
      out[x] = (1 - wy) * ((1 - wx) * r0[x0] + wx * r0[x1]) + wy * ((1 - wx) * r1[x0] + wx * r1[x1]);
    }
  }
}

/* Per-block threshold of a response: median + k robust sigmas, at least the floor; then
 * bilinear between block centres into thr (w x h). Returns 0, or -1 out of memory. */
static int block_threshold(pthreadpool_t pool, const float *resp, int w, int h, float k, float *thr) {
  const int B = ES_DETECT_BLOCK, bw = (w + B - 1) / B, bh = (h + B - 1) / B;
  float *bt = malloc(sizeof(float) * (size_t)bw * bh), *wx = malloc(sizeof(float) * (size_t)w);
  int *x0 = malloc(sizeof(int) * (size_t)w);
  if (!bt || !wx || !x0) { free(bt); free(wx); free(x0); return -1; }
  for (int x = 0; x < w; x++) {
    int i1;
    wx[x] = cell(x, B, bw, &x0[x], &i1);
  }
  thr_job j = {resp, thr, bt, k, wx, w, h, bw, bh, x0};
  es_parallel_tiles(pool, (size_t)bh, 1, block_rows, &j);
  es_parallel_tiles(pool, (size_t)h, 64, thr_rows, &j);
  free(bt); free(wx); free(x0);
  return 0;
}

/* Components of pixels whose score (response over threshold) is >= 0.5, kept when one
 * reaches 1 and the shape tests pass; bg is the image without the defects (for the edge
 * test), contrast the top-hat. Marks kept pixels in mask. */
static int components(const float *score, const float *contrast, const float *bg, int w, int h, uint8_t *mask) {
  const size_t n = (size_t)w * h;
  int *stack = malloc(sizeof(int) * n), *pix = malloc(sizeof(int) * n);
  uint8_t *seen = calloc(n, 1);
  unsigned *sat = malloc(sizeof(unsigned) * (size_t)(w + 1) * (h + 1)); /* summed area of the candidates */
  if (!stack || !pix || !seen || !sat) { free(stack); free(pix); free(seen); free(sat); return -1; }
  for (int x = 0; x <= w; x++) sat[x] = 0;
  for (int y = 0; y < h; y++) {
    unsigned row = 0;
    sat[(size_t)(y + 1) * (w + 1)] = 0;
    for (int x = 0; x < w; x++) {
      row += score[(size_t)y * w + x] >= 0.5f;
      sat[(size_t)(y + 1) * (w + 1) + x + 1] = sat[(size_t)y * (w + 1) + x + 1] + row;
    }
  }
  for (size_t s = 0; s < n; s++) {
    if (seen[s] || score[s] < 0.5f) continue;
    int sp = 0, np = 0, peak = 0, perim = 0, bx0 = w, by0 = h, bx1 = 0, by1 = 0, border = 0;
    double csum = 0, gsum = 0;
    stack[sp++] = (int)s; seen[s] = 1;
    while (sp) {
      const int i = stack[--sp], x = i % w, y = i / w;
      pix[np++] = i;
      if (x < bx0) bx0 = x;
      if (x > bx1) bx1 = x;
      if (y < by0) by0 = y;
      if (y > by1) by1 = y;
      border += x < ES_DETECT_BORDER || y < ES_DETECT_BORDER || x >= w - ES_DETECT_BORDER || y >= h - ES_DETECT_BORDER;
      peak |= score[i] >= 1.f;
      csum += contrast[i];
      /* the background's gradient here (central differences, clamped at the borders) */
      const int l = x > 0 ? i - 1 : i, r = x + 1 < w ? i + 1 : i, u = y > 0 ? i - w : i, d = y + 1 < h ? i + w : i;
      const float gx = 0.5f * (bg[r] - bg[l]), gy = 0.5f * (bg[d] - bg[u]);
      gsum += sqrtf(gx * gx + gy * gy);
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
          if (!dx && !dy) continue;
          const int xx = x + dx, yy = y + dy;
          const int in = xx >= 0 && xx < w && yy >= 0 && yy < h;
          const int j = yy * w + xx;
          if (!in || score[j] < 0.5f) { perim += (dx == 0 || dy == 0); continue; }
          if (!seen[j]) { seen[j] = 1; stack[sp++] = j; }
        }
    }
    if (!peak) continue;
    const float area = (float)np, width = 2.f * area / (float)(perim > 0 ? perim : 1), length = area / width;
    const float mc = (float)(csum / np), mg = (float)(gsum / np);
    const int line = width <= ES_DETECT_MAX_WIDTH && length >= ES_DETECT_ELONG * width;
    const int speck = np <= ES_DETECT_SPECK;
    const int edge = mg > ES_DETECT_EDGE * mc / ES_DETECT_LARGE; /* the background changes by more than the defect's contrast over ~its scale */
    /* others: candidates of other components around it (a texture of thin lines: shutters, twigs, grass) */
    const int R = ES_DETECT_AROUND, X0 = bx0 - R > 0 ? bx0 - R : 0, Y0 = by0 - R > 0 ? by0 - R : 0;
    const int X1 = bx1 + R + 1 < w ? bx1 + R + 1 : w, Y1 = by1 + R + 1 < h ? by1 + R + 1 : h;
    const unsigned around = sat[(size_t)Y1 * (w + 1) + X1] - sat[(size_t)Y0 * (w + 1) + X1] - sat[(size_t)Y1 * (w + 1) + X0] + sat[(size_t)Y0 * (w + 1) + X0];
    const int crowded = (float)(around - (unsigned)np) > ES_DETECT_CROWD * (float)np;
    const int frame = border * 2 > np; /* a scan's dark or light frame along the photo's edge */
    if ((line || speck) && !edge && !crowded && !frame)
      for (int k = 0; k < np; k++) mask[pix[k]] = 1;
  }
  free(stack); free(pix); free(seen); free(sat);
  return 0;
}

int es_repair_detect(pthreadpool_t pool, const float *lum, int w, int h, float sensitivity, int grow, uint8_t *mask) {
  const size_t n = (size_t)w * h;
  float *tmp = malloc(sizeof(float) * n), *a = malloc(sizeof(float) * n), *b = malloc(sizeof(float) * n);
  float *bg = malloc(sizeof(float) * n), *thr = malloc(sizeof(float) * n), *score = malloc(sizeof(float) * n), *con = malloc(sizeof(float) * n);
  int rc = -1;
  if (!tmp || !a || !b || !bg || !thr || !score || !con) goto done;
  memset(mask, 0, n);
  const float k = ES_DETECT_K0 * powf(ES_DETECT_K1 / ES_DETECT_K0, sensitivity);
  static const int sides[2] = {ES_DETECT_SMALL, ES_DETECT_LARGE};
  for (int dark = 0; dark < 2; dark++) {
    for (size_t i = 0; i < n; i++) score[i] = 0.f, con[i] = 0.f;
    for (int s = 0; s < 2; s++) {
      const int r = sides[s] / 2;
      /* dark: closing (max then min); bright: opening (min then max) */
      if (morph(pool, lum, a, tmp, w, h, r, dark) || morph(pool, a, b, tmp, w, h, r, !dark)) goto done;
      for (size_t i = 0; i < n; i++) a[i] = dark ? b[i] - lum[i] : lum[i] - b[i];
      if (s == 1) memcpy(bg, b, sizeof(float) * n);
      if (block_threshold(pool, a, w, h, k, thr)) goto done;
      for (size_t i = 0; i < n; i++) {
        const float q = a[i] / thr[i];
        if (q > score[i]) score[i] = q;
        if (a[i] > con[i]) con[i] = a[i];
      }
    }
    if (components(score, con, bg, w, h, mask)) goto done;
  }
  /* grow: a square of side 2 grow + 1 around each defect pixel */
  if (grow > 0) {
    for (size_t i = 0; i < n; i++) a[i] = mask[i];
    if (morph(pool, a, b, tmp, w, h, grow, 1)) goto done;
    for (size_t i = 0; i < n; i++) mask[i] = b[i] > 0.f;
  }
  rc = 0;
done:
  free(tmp); free(a); free(b); free(bg); free(thr); free(score); free(con);
  return rc;
}
