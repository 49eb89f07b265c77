/* analysis.c - the fade estimated on a small copy of the photo (see fade.h for the model).
 *
 * Everything is measured where it is least disturbed by what the photo shows: the dyes'
 * relative loss from the density gradients (an edge of shading is the same density step in
 * every channel, whatever the colours on either side), each channel's white from its own
 * brightest pixels, the veil from the darkest. How sure the estimate is that this is a
 * fade at all is a distance from what unfaded photos measure, in units of their spread. */
#include "fade.h"
#include "../api/context.h"
#include "../color/color.h"
#include "../core/parallel.h"
#include "../core/smooth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const studio_image *in;
  int f, sw, sh;        /* box side; the copy's size */
  const float *lin;     /* 8-bit -> linear */
  float *out;           /* sw x sh x 3 */
} box_job;

/* Box means in linear light of rows [start, start + count) of the copy; edge boxes are partial. */
static void box_rows(void *arg, size_t start, size_t count) {
  const box_job *j = arg;
  const studio_image *in = j->in;
  const int c = in->channels;
  for (size_t sy = start; sy < start + count; sy++) {
    const int y0 = (int)sy * j->f, y1 = y0 + j->f < in->height ? y0 + j->f : in->height;
    for (int sx = 0; sx < j->sw; sx++) {
      const int x0 = sx * j->f, x1 = x0 + j->f < in->width ? x0 + j->f : in->width;
      float sum[3] = {0, 0, 0};
      for (int y = y0; y < y1; y++) {
        const uint8_t *p = in->pixels + (size_t)y * in->stride + (size_t)x0 * c;
        for (int x = x0; x < x1; x++, p += c) { sum[0] += j->lin[p[0]]; sum[1] += j->lin[p[1]]; sum[2] += j->lin[p[2]]; }
      }
      const float n = (float)((y1 - y0) * (x1 - x0));
      float *o = j->out + ((size_t)sy * j->sw + sx) * 3;
      for (int k = 0; k < 3; k++) o[k] = sum[k] / n;
    }
  }
}

static int cmp_float(const void *a, const void *b) {
  const float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

/* q-th percentile (0..100) of sorted values, interpolated as numpy's default. */
static float at(const float *sorted, size_t n, float q) {
  const double pos = q / 100.0 * (double)(n - 1);
  const size_t i = (size_t)pos;
  if (i + 1 >= n) return sorted[n - 1];
  return (float)(sorted[i] + (pos - (double)i) * (sorted[i + 1] - sorted[i]));
}

/* Sort the n values of channel c of interleaved triplets into tmp and return percentile q. */
static float channel_percentile(const float *px, size_t n, int c, float *tmp, float q) {
  for (size_t i = 0; i < n; i++) tmp[i] = px[3 * i + c];
  qsort(tmp, n, sizeof *tmp, cmp_float);
  return at(tmp, n, q);
}

static float median_of(float *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_float);
  return at(v, n, 50.f);
}

/* A steady pixel of the analysis: its green density and its chromaticity (red's and blue's
 * density less green's). */
typedef struct { float g, r, b; } tone_px;

/* by density, ties by tint: a total order, so every qsort (glibc's, musl's) bins alike */
static int cmp_tone(const void *a, const void *b) {
  const tone_px *x = a, *y = b;
  if (x->g != y->g) return (x->g > y->g) - (x->g < y->g);
  if (x->r != y->r) return (x->r > y->r) - (x->r < y->r);
  return (x->b > y->b) - (x->b < y->b);
}

/* The RMS of the chromaticity left once each density's own median tint is taken off (the
 * pixels sorted by density into ES_FADE_TONE_BINS bins of equal count): a toned or grey print
 * has next to none, a colour photo its colours. Sorts p; scratch holds m floats. */
static float tint_beside_tone(tone_px *p, size_t m, float *scratch) {
  qsort(p, m, sizeof *p, cmp_tone);
  double ss = 0;
  for (int bin = 0; bin < ES_FADE_TONE_BINS; bin++) {
    const size_t a = m * bin / ES_FADE_TONE_BINS, z = m * (bin + 1) / ES_FADE_TONE_BINS;
    if (z <= a) continue;
    for (size_t i = a; i < z; i++) scratch[i - a] = p[i].r;
    const float mr = median_of(scratch, z - a);
    for (size_t i = a; i < z; i++) scratch[i - a] = p[i].b;
    const float mb = median_of(scratch, z - a);
    for (size_t i = a; i < z; i++) ss += (double)(p[i].r - mr) * (p[i].r - mr) + (double)(p[i].b - mb) * (p[i].b - mb);
  }
  return (float)sqrt(ss / (double)m);
}

/* A density step's weight: exp(-(angle / ES_FADE_EDGE_SIGMA)^2), the angle between the step (each
 * channel divided by dir's) and the neutral axis (1, 1, 1), either sign. */
static double step_weight(const double g[3], const double dir[3]) {
  double s = 0, n = 0;
  for (int c = 0; c < 3; c++) { const double u = g[c] / dir[c]; s += u; n += u * u; }
  if (n <= 0) return 0;
  double cosa = fabs(s) / sqrt(3.0 * n);
  if (cosa > 1) cosa = 1;
  const double a = acos(cosa) / ES_FADE_EDGE_SIGMA;
  return exp(-a * a);
}

/* The cubed density steps (right and down) summed per channel where the three pixels are steady,
 * each weighted by step_weight against dir (NULL: all alike); returns how many places counted. */
static size_t edge_energy(const float *d, const unsigned char *ok, int sw, int sh, const double *dir, double e[3]) {
  size_t edges = 0;
  for (int y = 0; y + 1 < sh; y++)
    for (int x = 0; x + 1 < sw; x++) {
      const size_t i = (size_t)y * sw + x;
      if (!ok[i] || !ok[i + 1] || !ok[i + sw]) continue;
      edges++;
      double gx[3], gy[3];
      for (int c = 0; c < 3; c++) {
        gx[c] = (double)d[3 * (i + 1) + c] - d[3 * i + c];
        gy[c] = (double)d[3 * (i + sw) + c] - d[3 * i + c];
      }
      const double wx = dir ? step_weight(gx, dir) : 1.0, wy = dir ? step_weight(gy, dir) : 1.0;
      for (int c = 0; c < 3; c++) {
        const double ax = fabs(gx[c]), ay = fabs(gy[c]);
        e[c] += wx * ax * ax * ax + wy * ay * ay * ay;
      }
    }
  return edges;
}

studio_status es_fade_analyze(studio_ctx *ctx, const studio_image *in, es_fade *out) {
  memset(out, 0, sizeof *out);
  out->k[0] = out->k[1] = out->k[2] = 1.f;
  out->gain = 1.f;
  const int side = in->width > in->height ? in->width : in->height;
  box_job bj = {in, (side + ES_FADE_SIDE / 2) / ES_FADE_SIDE, 0, 0, NULL, NULL};
  if (bj.f < 1) bj.f = 1;
  bj.sw = (in->width + bj.f - 1) / bj.f;
  bj.sh = (in->height + bj.f - 1) / bj.f;
  const size_t n = (size_t)bj.sw * bj.sh;
  float lin[256];
  for (int i = 0; i < 256; i++) lin[i] = es_srgb_to_linear(i / 255.f);
  bj.lin = lin;
  /* d and ok zeroed: GCC cannot see that every place is written before the edges read it */
  float *v = malloc(sizeof(float) * 3 * n), *d = calloc(3 * n, sizeof(float)), *tmp = malloc(sizeof(float) * n);
  unsigned char *ok = calloc(n, 1);
  if (!v || !d || !tmp || !ok) { free(v); free(d); free(tmp); free(ok); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
  bj.out = v;
  es_parallel_tiles(ctx->pool, (size_t)bj.sh, 8, box_rows, &bj);

  /* the veil: a black lifted alike in every channel, so the lowest channel floor */
  float veil = 1.f;
  for (int c = 0; c < 3; c++) { const float fl = channel_percentile(v, n, c, tmp, ES_FADE_VEIL_Q); if (fl < veil) veil = fl; }
  if (veil < 0.f) veil = 0.f;
  if (veil > 0.5f) veil = 0.5f; /* a photo whose every pixel is this bright is not a veiled print */
  out->veil = veil;

  /* densities under the veil; where they are steady enough to compare edges */
  for (size_t i = 0; i < n; i++) {
    float lo = 1.f, hi = 0.f;
    for (int c = 0; c < 3; c++) {
      float t = (v[3 * i + c] - veil) / (1.f - veil);
      if (t < 1e-4f) t = 1e-4f;
      d[3 * i + c] = -log10f(t);
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    ok[i] = lo > ES_FADE_EDGE_LO && hi < ES_FADE_EDGE_HI;
  }
  /* the dyes' relative retention: the L3 norm of density steps against green's, then again
   * with each step weighted by how near its direction is to the shading direction found so far */
  double e[3] = {0, 0, 0};
  size_t edges = edge_energy(d, ok, bj.sw, bj.sh, NULL, e);
  if (edges >= 64 && e[1] > 0 && e[0] > 0 && e[2] > 0) {
    double dir[3] = {cbrt(e[0] / e[1]), 1.0, cbrt(e[2] / e[1])};
    for (int it = 0; it < ES_FADE_EDGE_ITER; it++) {
      double w[3] = {0, 0, 0};
      edge_energy(d, ok, bj.sw, bj.sh, dir, w);
      if (!(w[0] > 0 && w[1] > 0 && w[2] > 0)) break; /* no step near that direction: keep the last */
      dir[0] = cbrt(w[0] / w[1]);
      dir[2] = cbrt(w[2] / w[1]);
    }
    out->k[0] = es_clampf((float)(dir[0] / ES_FADE_PRIOR_R), ES_FADE_K_RED_LO, ES_FADE_K_RED_HI);
    out->k[2] = es_clampf((float)(dir[2] / ES_FADE_PRIOR_B), ES_FADE_K_BLUE_LO, ES_FADE_K_BLUE_HI);
  }
  for (size_t i = 0; i < n; i++)
    for (int c = 0; c < 3; c++) d[3 * i + c] /= out->k[c];
  /* each channel's white, then the range of mean density with the whites at zero */
  for (int c = 0; c < 3; c++) out->white[c] = channel_percentile(d, n, c, tmp, ES_FADE_WHITE_Q);
  for (size_t i = 0; i < n; i++) tmp[i] = (d[3 * i] - out->white[0] + d[3 * i + 1] - out->white[1] + d[3 * i + 2] - out->white[2]) / 3.f;
  qsort(tmp, n, sizeof *tmp, cmp_float);
  out->lo = at(tmp, n, ES_FADE_SPAN_Q);
  out->hi = at(tmp, n, 100.f - ES_FADE_SPAN_Q);
  const float span = out->hi - out->lo;
  const float want = ES_FADE_DMAX - ES_FADE_DMIN;
  out->gain = span > 1e-3f && want / span > 1.f ? want / span : 1.f;

  /* colour or monochrome: what the restored chromaticity does beside the density (a toned
   * print's tint is a function of its density alone) */
  size_t m = 0;
  tone_px *tp = malloc(sizeof(tone_px) * n);
  if (!tp) { free(v); free(d); free(tmp); free(ok); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
  for (size_t i = 0; i < n; i++) {
    if (!ok[i]) continue;
    const float g = d[3 * i + 1] - out->white[1];
    tp[m++] = (tone_px){g, d[3 * i] - out->white[0] - g, d[3 * i + 2] - out->white[2] - g};
  }
  const float spread = m >= 64 ? tint_beside_tone(tp, m, tmp) * out->gain : 0.f; /* as restored: a fade takes chroma with range */
  free(tp);
  out->colour = es_smoothstep(ES_FADE_MONO0, ES_FADE_MONO1, spread);

  /* how far this lies from unfaded photos */
  const float f[5] = {veil / ES_FADE_W_VEIL, logf(out->k[0]) / ES_FADE_W_RED, logf(out->k[2]) / ES_FADE_W_BLUE,
                      (out->white[2] - out->white[1]) / ES_FADE_W_STAIN, logf(out->gain) / ES_FADE_W_GAIN};
  float ev = 0.f;
  for (int i = 0; i < 5; i++) ev += f[i] * f[i];
  out->evidence = sqrtf(ev);
  const float top = es_clampf(ES_FADE_AUTO_TOP - ES_FADE_AUTO_BY_GAIN * logf(out->gain) - ES_FADE_AUTO_BY_COLOUR * spread, 0.f, 1.f);
  out->strength = top * es_smoothstep(ES_FADE_AUTO0, ES_FADE_AUTO1, out->evidence) * out->colour;
  free(v); free(d); free(tmp); free(ok);
  return STUDIO_OK;
}

void es_fade_report(const es_fade *f, studio_fade_report *r) {
  for (int c = 0; c < 3; c++) { r->retention[c] = f->k[c]; r->stain[c] = f->white[c] - f->white[1]; }
  r->veil = f->veil;
  r->gain = f->gain;
  r->evidence = f->evidence;
  r->colour = f->colour;
  r->strength = f->strength;
}
