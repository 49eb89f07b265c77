/* fill.c - a window's masked pixels filled by fast marching with coherence transport (see
 * repair.h). The order is Telea's: a pixel is filled when the front of known pixels first
 * reaches it (its distance T from the hole's edge solved from the eikonal equation on the
 * 4-neighbours, OpenCV's solver), smallest T first. Its value is a weighted mean of every
 * known or already filled pixel within the radius, the weights following the isophotes
 * measured on the known pixels around it. */
#include "repair.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { KNOWN = 0, BAND = 1, INSIDE = 2 };

typedef struct { float t; int i; } node;
typedef struct { node *a; size_t n, cap; } heap;

static int push(heap *h, float t, int i) {
  if (h->n == h->cap) {
    size_t cap = h->cap ? 2 * h->cap : 256;
    node *a = realloc(h->a, cap * sizeof *a);
    if (!a) return -1;
    h->a = a; h->cap = cap;
  }
  size_t k = h->n++;
  while (k > 0 && h->a[(k - 1) / 2].t > t) { h->a[k] = h->a[(k - 1) / 2]; k = (k - 1) / 2; }
  h->a[k] = (node){t, i};
  return 0;
}

static node pop(heap *h) {
  node top = h->a[0], last = h->a[--h->n];
  size_t k = 0;
  for (;;) {
    size_t c = 2 * k + 1;
    if (c >= h->n) break;
    if (c + 1 < h->n && h->a[c + 1].t < h->a[c].t) c++;
    if (h->a[c].t >= last.t) break;
    h->a[k] = h->a[c]; k = c;
  }
  if (h->n) h->a[k] = last;
  return top;
}

/* The eikonal equation |grad T| = 1 from two neighbours (OpenCV's FastMarching_solve). */
static float solve(const float *t, const uint8_t *f, int i1, int i2) {
  const float a = t[i1], b = t[i2], m = a < b ? a : b;
  if (f[i1] != INSIDE && f[i2] != INSIDE) return fabsf(a - b) >= 1.f ? 1.f + m : 0.5f * (a + b + sqrtf(2.f - (a - b) * (a - b)));
  if (f[i1] != INSIDE) return 1.f + a;
  if (f[i2] != INSIDE) return 1.f + b;
  return 1.f + m;
}

static float arrival(const float *t, const uint8_t *f, int x, int y, int w, int h) {
  const int i = y * w + x;
  const int l = x > 0 ? i - 1 : i, r = x + 1 < w ? i + 1 : i, u = y > 0 ? i - w : i, d = y + 1 < h ? i + w : i;
  float s = solve(t, f, u, l), v;
  if ((v = solve(t, f, u, r)) < s) s = v;
  if ((v = solve(t, f, d, l)) < s) s = v;
  if ((v = solve(t, f, d, r)) < s) s = v;
  return s;
}

typedef struct { int dx, dy, d2; } offset;

typedef struct {
  float *px;
  const float *gx, *gy; /* gradients of the known pixels' luminance (0 where unknown) */
  const uint8_t *gv;    /* 1 where a gradient was measured */
  const uint8_t *f;
  int w, h, ch, radius;
  float mu, rho;
  float gauss[4 * ES_REPAIR_RHO * ES_REPAIR_RHO + 1]; /* the tensor's weights by squared distance */
  float fall[12 * 12 + 1];                            /* |d|^ES_REPAIR_FALL by squared distance (radius <= 12) */
  /* the two discs' offsets in scan order (rows, then columns: the sums' order as before) */
  offset tdisc[(4 * ES_REPAIR_RHO + 1) * (4 * ES_REPAIR_RHO + 1)], fdisc[25 * 25];
  int nt, nf;
} fill_ctx;

/* The offsets within r (the centre too when `centre`), rows then columns; their count. */
static int disc(int r, int centre, offset *out) {
  int n = 0;
  for (int dy = -r; dy <= r; dy++)
    for (int dx = -r; dx <= r; dx++)
      if (dx * dx + dy * dy <= r * r && (centre || dx || dy)) out[n++] = (offset){dx, dy, dx * dx + dy * dy};
  return n;
}

/* The isophotes around (x, y): the unit normal (nx, ny) to them and their coherence 0..1. */
static void isophotes(const fill_ctx *c, int x, int y, float *nx, float *ny, float *coh) {
  const int r = (int)(2 * c->rho), inside = x >= r && y >= r && x + r < c->w && y + r < c->h;
  double a = 0, b = 0, d = 0, sw = 0;
  for (int q = 0; q < c->nt; q++) {
    const int xx = x + c->tdisc[q].dx, yy = y + c->tdisc[q].dy, i = yy * c->w + xx;
    if ((!inside && (xx < 0 || xx >= c->w || yy < 0 || yy >= c->h)) || !c->gv[i]) continue;
    const float g = c->gauss[c->tdisc[q].d2], u = c->gx[i], v = c->gy[i];
    a += g * u * u; b += g * u * v; d += g * v * v; sw += g;
  }
  *coh = 0.f; *nx = 1.f; *ny = 0.f;
  if (sw <= 0) return;
  a /= sw; b /= sw; d /= sw;
  const double half = 0.5 * (a - d), root = sqrt(half * half + b * b), l1 = 0.5 * (a + d) + root, l2 = 0.5 * (a + d) - root;
  const double th = 0.5 * atan2(2 * b, a - d);
  *nx = (float)cos(th); *ny = (float)sin(th);
  /* a gradient of a level or two is noise: coherence needs structure above it */
  const double q = (l1 - l2) / (l1 + l2 + 4.0);
  *coh = (float)(q * q);
}

static void fill_pixel(const fill_ctx *c, int x, int y) {
  float nx, ny, coh;
  isophotes(c, x, y, &nx, &ny, &coh);
  const int r = c->radius;
  const float k = -c->mu * c->mu * coh / (2.f * (float)(r * r));
  const int inside = x >= r && y >= r && x + r < c->w && y + r < c->h;
  float acc[3] = {0, 0, 0}, sw = 0;
  for (int q = 0; q < c->nf; q++) {
    const int dx = c->fdisc[q].dx, dy = c->fdisc[q].dy, xx = x + dx, yy = y + dy, i = yy * c->w + xx;
    if ((!inside && (xx < 0 || xx >= c->w || yy < 0 || yy >= c->h)) || c->f[i] == INSIDE) continue;
    const float p = nx * (float)dx + ny * (float)dy, wgt = (k == 0.f ? 1.f : expf(k * p * p)) / c->fall[c->fdisc[q].d2];
    for (int ch = 0; ch < c->ch; ch++) acc[ch] += wgt * c->px[(size_t)i * c->ch + ch];
    sw += wgt;
  }
  if (sw <= 1e-20f) return; /* nothing known in reach (cannot happen: a neighbour brought the front) */
  float *o = c->px + ((size_t)y * c->w + x) * c->ch;
  for (int ch = 0; ch < c->ch; ch++) o[ch] = acc[ch] / sw;
}

int es_repair_fill(float *px, int w, int h, int ch, const uint8_t *mask, int radius, float mu) {
  const size_t n = (size_t)w * h;
  float *t = malloc(n * sizeof *t), *gx = calloc(n, sizeof *gx), *gy = calloc(n, sizeof *gy);
  uint8_t *f = malloc(n), *gv = calloc(n, 1);
  heap hp = {0};
  int rc = -1;
  if (!t || !gx || !gy || !f || !gv) goto done;
  for (size_t i = 0; i < n; i++) { f[i] = mask[i] ? INSIDE : KNOWN; t[i] = mask[i] ? 1e6f : 0.f; }
  /* luminance gradients where both neighbours on each axis are known */
  for (int y = 1; y + 1 < h; y++)
    for (int x = 1; x + 1 < w; x++) {
      const int i = y * w + x;
      if (f[i - 1] | f[i + 1] | f[i - w] | f[i + w] | f[i]) continue;
      float sx = 0, sy = 0;
      for (int k = 0; k < ch; k++) {
        sx += px[(size_t)(i + 1) * ch + k] - px[(size_t)(i - 1) * ch + k];
        sy += px[(size_t)(i + w) * ch + k] - px[(size_t)(i - w) * ch + k];
      }
      gx[i] = 0.5f * sx / (float)ch; gy[i] = 0.5f * sy / (float)ch; gv[i] = 1;
    }
  /* the front: known pixels touching the hole */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const int i = y * w + x;
      if (f[i] != KNOWN) continue;
      if ((x > 0 && f[i - 1] == INSIDE) || (x + 1 < w && f[i + 1] == INSIDE) || (y > 0 && f[i - w] == INSIDE) || (y + 1 < h && f[i + w] == INSIDE)) {
        f[i] = BAND;
        if (push(&hp, 0.f, i)) goto done;
      }
    }
  fill_ctx c = {px, gx, gy, gv, f, w, h, ch, radius, mu, (float)ES_REPAIR_RHO, {0}, {0}, {{0, 0, 0}}, {{0, 0, 0}}, 0, 0};
  c.nt = disc(2 * ES_REPAIR_RHO, 1, c.tdisc);
  c.nf = disc(radius, 0, c.fdisc);
  for (int d2 = 0; d2 <= 12 * 12; d2++) c.fall[d2] = powf((float)d2, 0.5f * ES_REPAIR_FALL);
  for (int d2 = 0; d2 <= 4 * ES_REPAIR_RHO * ES_REPAIR_RHO; d2++) c.gauss[d2] = expf(-0.5f / (c.rho * c.rho) * (float)d2);
  while (hp.n) {
    const node nd = pop(&hp);
    if (f[nd.i] == KNOWN || nd.t > t[nd.i]) continue; /* a stale entry */
    f[nd.i] = KNOWN;
    const int x = nd.i % w, y = nd.i / w;
    static const int ox[4] = {-1, 1, 0, 0}, oy[4] = {0, 0, -1, 1};
    for (int k = 0; k < 4; k++) {
      const int xx = x + ox[k], yy = y + oy[k];
      if (xx < 0 || xx >= w || yy < 0 || yy >= h) continue;
      const int j = yy * w + xx;
      if (f[j] == KNOWN) continue;
      const int was_inside = f[j] == INSIDE;
      const float tj = arrival(t, f, xx, yy, w, h);
      if (was_inside) {
        t[j] = tj;
        fill_pixel(&c, xx, yy); /* before it counts as known: its own value is not read */
        f[j] = BAND;
        if (push(&hp, tj, j)) goto done;
      } else if (tj < t[j]) {
        t[j] = tj;
        if (push(&hp, tj, j)) goto done;
      }
    }
  }
  rc = 0;
done:
  free(t); free(gx); free(gy); free(f); free(gv); free(hp.a);
  return rc;
}
