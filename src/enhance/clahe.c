/* clahe.c - contrast-limited adaptive histogram equalisation (Zuiderveld, Graphics Gems IV):
 * one clipped-histogram mapping per tile, each pixel mapped through the four tiles around it
 * and interpolated bilinearly between their centres. Values are coded luma in 0..1, 256 bins. */
#include "enhance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline int bin_of(float v) {
  int b = (int)(v * 255.f + 0.5f);
  return b < 0 ? 0 : b > 255 ? 255 : b;
}

/* Clip at limit * mean bin count, hand the excess out evenly (the remainder one per bin
 * from the bottom), then the scaled CDF is the mapping. */
static void tile_lut(const unsigned *hist, unsigned long count, float clip_limit, float *lut) {
  unsigned long h[256];
  unsigned long limit = (unsigned long)fmaxf(1.f, clip_limit * (float)count / 256.f), excess = 0;
  for (int i = 0; i < 256; i++) {
    h[i] = hist[i];
    if (h[i] > limit) { excess += h[i] - limit; h[i] = limit; }
  }
  unsigned long each = excess / 256, rest = excess % 256;
  for (int i = 0; i < 256; i++) h[i] += each + ((unsigned long)i < rest ? 1 : 0);
  unsigned long acc = 0;
  for (int i = 0; i < 256; i++) {
    acc += h[i];
    lut[i] = count ? (float)acc / (float)count : i / 255.f;
  }
}

int es_clahe_build(es_clahe *c, const float *plane, int w, int h, size_t stride, int tx, int ty, float clip) {
  if (tx > w) tx = w;
  if (ty > h) ty = h;
  if (tx < 1) tx = 1;
  if (ty < 1) ty = 1;
  c->tx = tx; c->ty = ty;
  c->lut = malloc(sizeof(float) * 256 * (size_t)tx * ty);
  unsigned *hist = calloc((size_t)tx * ty * 256, sizeof(unsigned));
  if (!c->lut || !hist) { free(hist); es_clahe_free(c); return -1; }
  for (int y = 0; y < h; y++) {
    int row = (int)((long long)y * ty / h);
    const float *p = plane + (size_t)y * stride;
    for (int x = 0; x < w; x++) hist[((size_t)row * tx + (size_t)((long long)x * tx / w)) * 256 + bin_of(p[x])]++;
  }
  for (int j = 0; j < ty; j++)
    for (int i = 0; i < tx; i++) {
      /* the pixel count of tile (i, j), from the same integer split as above */
      long long cw = ((long long)(i + 1) * w + tx - 1) / tx - ((long long)i * w + tx - 1) / tx;
      long long chh = ((long long)(j + 1) * h + ty - 1) / ty - ((long long)j * h + ty - 1) / ty;
      size_t t = (size_t)j * tx + i;
      tile_lut(hist + t * 256, (unsigned long)(cw * chh), clip, c->lut + t * 256);
    }
  free(hist);
  return 0;
}

es_clahe_pos es_clahe_position(int tiles, int x, int n) {
  /* position in tile units, measured from the first tile's centre */
  float f = (x + 0.5f) * tiles / n - 0.5f;
  es_clahe_pos p;
  p.i0 = (int)floorf(f);
  p.a = f - p.i0;
  p.i1 = p.i0 + 1;
  if (p.i0 < 0) { p.i0 = 0; p.a = 0.f; }
  if (p.i1 > tiles - 1) { p.i1 = tiles - 1; if (p.i0 > p.i1) p.i0 = p.i1; }
  return p;
}

void es_clahe_free(es_clahe *c) {
  free(c->lut);
  c->lut = NULL;
}
