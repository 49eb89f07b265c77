/* local.c - local exposure: how much brighter each region of a backlit or unevenly lit
 * photo should be beyond the scene's one gain, and that gain at any pixel.
 *
 * The scene's illumination is estimated edge-aware on the analysis's 4x4 block grid: log2
 * luminance smoothed by a self-guided filter (He et al., "Guided Image Filtering", 2010),
 * whose regularisation eps keeps steps of more than about 1.4 stops (a building against the
 * sky) and smooths the texture inside either side. A region's gain is a curve of its smoothed
 * illumination S: a region more than ES_LOCAL_RANGE stops under the bright regions (and under
 * ES_LOCAL_TARGET) is lifted a share of the way back, bright ones optionally held back. The
 * share is the user's `shadows`, or on auto decided per photo (es_local_params_for). At full
 * resolution the filter's
 * linear model S = a L + b is applied to each pixel's own (denoised) luminance with a and b
 * enlarged bilinearly from the grid ("fast guided filter", He and Sun 2015): an edge
 * between two blocks takes the gain of its own side, so there is no halo band.
 *
 * Lightness order is kept: a region's output level S + curve(S) rises with S (the lift takes
 * at most the share `shadows` < 1 of a deficit, the hold-back `highlights` < 1 of an excess),
 * and inside a region every pixel takes nearly the same gain. Regions and pixels at black
 * (under 6/255 of the input) or at the noise floor are left where they are: a night sky
 * stays black. */
#include "enhance.h"
#include "../api/studio.h"
#include "../color/color.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Mean over a (2r+1)^2 box, clamped to the image, of a w x h plane: running sums along rows,
 * then down columns. tmp: w*h floats; acc: w doubles. */
static void box_mean(const float *src, float *dst, int w, int h, int r, float *tmp, double *acc) {
  for (int y = 0; y < h; y++) {
    const float *s = src + (size_t)y * w;
    float *t = tmp + (size_t)y * w;
    double acc = 0;
    for (int x = 0; x < r && x < w; x++) acc += s[x];
    for (int x = 0; x < w; x++) {
      if (x + r < w) acc += s[x + r];
      if (x - r - 1 >= 0) acc -= s[x - r - 1];
      int lo = x - r < 0 ? 0 : x - r, hi = x + r >= w ? w - 1 : x + r;
      t[x] = (float)(acc / (hi - lo + 1));
    }
  }
  memset(acc, 0, sizeof(double) * (size_t)w);
  for (int y = 0; y < r && y < h; y++)
    for (int x = 0; x < w; x++) acc[x] += tmp[(size_t)y * w + x];
  for (int y = 0; y < h; y++) {
    if (y + r < h) for (int x = 0; x < w; x++) acc[x] += tmp[(size_t)(y + r) * w + x];
    if (y - r - 1 >= 0) for (int x = 0; x < w; x++) acc[x] -= tmp[(size_t)(y - r - 1) * w + x];
    int lo = y - r < 0 ? 0 : y - r, hi = y + r >= h ? h - 1 : y + r;
    float inv = 1.f / (float)(hi - lo + 1);
    for (int x = 0; x < w; x++) dst[(size_t)y * w + x] = (float)acc[x] * inv;
  }
}

/* Self-guided filter of L (n = w*h): a and b such that a L + b is L smoothed where it is flat
 * (variance << eps) and kept where it steps (variance >> eps), each averaged over the box.
 * work: 3n floats; acc: w doubles. */
static void guided_coefficients(const float *L, int w, int h, int r, float eps, float *a, float *b, float *work, double *acc) {
  const size_t n = (size_t)w * h;
  float *m = work, *mm = work + n, *tmp = work + 2 * n;
  box_mean(L, m, w, h, r, tmp, acc);
  for (size_t i = 0; i < n; i++) a[i] = L[i] * L[i];
  box_mean(a, mm, w, h, r, tmp, acc);
  for (size_t i = 0; i < n; i++) {
    float var = mm[i] - m[i] * m[i];
    var = var > 0.f ? var : 0.f;
    a[i] = var / (var + eps);
    b[i] = m[i] - a[i] * m[i];
  }
  box_mean(a, m, w, h, r, tmp, acc);
  box_mean(b, mm, w, h, r, tmp, acc);
  memcpy(a, m, sizeof(float) * n);
  memcpy(b, mm, sizeof(float) * n);
}

/* The q-quantile of v (n values in ES_LOCAL_LO..0) by a histogram in 1/16 stops. */
enum { QBINS = (int)(16.f * -ES_LOCAL_LO) };
static float percentile(const float *v, size_t n, float q) {
  unsigned count[QBINS] = {0};
  for (size_t i = 0; i < n; i++) {
    int b = (int)((v[i] - ES_LOCAL_LO) * 16.f);
    count[b < 0 ? 0 : b >= QBINS ? QBINS - 1 : b]++;
  }
  double acc = 0, want = (double)q * (double)n;
  for (int b = 0; b < QBINS; b++) if ((acc += count[b]) >= want) return ES_LOCAL_LO + (b + 0.5f) / 16.f;
  return 0.f;
}

/* log2 and exp2 to about 1e-4, branch-free on floats' bits so the row loops vectorise (libm's
 * do not); the stage needs a few hundredths of an 8-bit level, not more. */
static inline float fast_log2(float x) { /* x > 0, normal */
  union { float f; uint32_t i; } v = {x};
  float e = (float)(int32_t)((v.i >> 23) & 255u) - 127.f;
  v.i = (v.i & 0x007fffffu) | 0x3f800000u; /* mantissa in [1, 2) */
  float m = v.f;
  /* a least-squares fit of log2 on [1, 2) at Chebyshev nodes: error under 1.5e-5 */
  return e + (((((4.392957083e-02f * m - 4.094842606e-01f) * m + 1.610208143e+00f) * m - 3.520270936e+00f) * m + 5.069799338e+00f) * m -
              2.794167501e+00f);
}
static inline float fast_exp2(float x) { /* x in -126..0 */
  float fl = (float)(int32_t)(x + 128.f) - 128.f; /* floor: truncation of a positive number */
  float f = x - fl;
  float p = 1.f + f * (6.9314718e-1f + f * (2.4022650e-1f + f * (5.5504109e-2f + f * (9.6181291e-3f + f * 1.3333558e-3f))));
  union { uint32_t i; float f; } v = {(uint32_t)((int32_t)fl + 127) << 23};
  return p * v.f;
}

static inline float log2_of_coded(float y) {
  float lin = y > 0.04045f ? 2.4f * fast_log2((y + 0.055f) * (1.f / 1.055f)) : fast_log2((y > 1e-6f ? y : 1e-6f) * (1.f / 12.92f));
  return lin > ES_LOCAL_LO ? lin : ES_LOCAL_LO;
}

static inline float coded_of_log2(float x) {
  x = x < 0.f ? x : 0.f;
  x = x > -126.f ? x : -126.f;
  float lin = fast_exp2(x);
  return lin > 0.0031308f ? 1.055f * fast_exp2(x * (1.f / 2.4f)) - 0.055f : 12.92f * lin;
}

float es_local_log2(float y) { return log2_of_coded(y); }
float es_local_coded(float x) { return coded_of_log2(x); }

void es_local_upsample_row(const float *g, int gw, float *out, int n, int factor) {
  /* pixel x of a row `factor` times finer sits at u = (x + 0.5) / factor - 0.5 on the grid:
   * within cell k the weights repeat, so there is nothing to look up */
  for (int k = 0; k < gw; k++) {
    const float here = g[k], left = g[k > 0 ? k - 1 : 0], right = g[k + 1 < gw ? k + 1 : gw - 1];
    for (int m = 0; m < factor; m++) {
      const int x = k * factor + m;
      if (x >= n) return;
      const float u = ((float)m + 0.5f) / (float)factor - 0.5f; /* -0.375 .. 0.375 for 4 */
      out[x] = u < 0.f ? here + u * (here - left) : here + u * (right - here);
    }
  }
  for (int x = gw * factor; x < n; x++) out[x] = g[gw - 1];
}

void es_local_apply_row(const es_local *l, const float *rowa, const float *rowb, const float *rowf, const float *in, float *out, int n,
                        float *tmp) {
  float *A = tmp, *B = tmp + n, *F = tmp + 2 * n;
  es_local_upsample_row(rowa, l->gw, A, n, ES_BLOCK);
  es_local_upsample_row(rowb, l->gw, B, n, ES_BLOCK);
  es_local_upsample_row(rowf, l->gw, F, n, ES_BLOCK);
  const es_local_params p = l->p;
  const float lo = p.floor - ES_LOCAL_FLOOR_FADE, inv = 1.f / (2.f * ES_LOCAL_FLOOR_FADE);
  for (int x = 0; x < n; x++) {
    float L = log2_of_coded(in[x]);
    /* a pixel that is itself at black stays black whatever its region does: next to a lit
     * building the region's level rises, and a night sky there would glow */
    float u = (L - lo) * inv;
    u = u < 0.f ? 0.f : u > 1.f ? 1.f : u;
    out[x] = coded_of_log2(L + es_local_gain(&p, A[x] * L + B[x], F[x] * u * u * (3.f - 2.f * u)));
  }
}

/* The stage's settings for the user's options. Auto decides the share per photo: all of
 * ES_LOCAL_SHARE for a photo that needs brightening as a whole (the scene's stops) and whose
 * key is still short of the target after the scene's gain (the highlights held the gain
 * back: backlit), none for a well-exposed photo or one the scene's gain already set right. */
es_local_params es_local_params_for(const studio_enhance_options *o, const es_tone *t, float noise_black) {
  es_local_params p;
  const float need = es_smoothstep(ES_LOCAL_STOPS0, ES_LOCAL_STOPS1, t->stops) * es_smoothstep(ES_LOCAL_SHORT0, ES_LOCAL_SHORT1, t->key_deficit);
  p.shadows = (o->shadows < 0.f ? ES_LOCAL_SHARE * need : o->shadows * ES_LOCAL_SHARE) * o->strength;
  p.backlit = o->shadows < 0.f ? ES_LOCAL_SHARE * o->strength : 0.f;
  p.highlights = o->highlights * o->strength;
  p.target = log2f(ES_LOCAL_TARGET);
  p.range = ES_LOCAL_RANGE;
  p.bright = log2f(ES_LOCAL_BRIGHT);
  /* the noise at black (coded, after the scene's gain) as a linear level: a region not
   * clearly above it holds no scene to lift */
  p.floor = log2f(fmaxf(es_srgb_to_linear(ES_LOCAL_FLOOR_SIGMAS * noise_black), exp2f(ES_LOCAL_LO)));
  p.black = log2f(fmaxf(es_tone_curve(t, t->gain * es_srgb_to_linear(ES_LOCAL_BLACK_LEVEL)), exp2f(ES_LOCAL_LO)));
  p.max_stops = ES_LOCAL_MAX_STOPS;
  p.radius = ES_LOCAL_RADIUS;
  p.eps = ES_LOCAL_EPS;
  return p;
}

int es_local_plan(es_local *l, const es_local_params *p, const float *coded_luma, int gw, int gh) {
  memset(l, 0, sizeof *l);
  l->p = *p;
  l->gw = gw; l->gh = gh;
  if (p->shadows <= 0.f && p->backlit <= 0.f && p->highlights <= 0.f) return 0;
  const size_t n = (size_t)gw * gh;
  /* L and the filter's work: 4 planes of the grid, freed before the strips run */
  float *L = calloc(n, sizeof(float)), *work = malloc(sizeof(float) * 3 * n); /* calloc: GCC 12 cannot see the loop fills it */
  double *acc = malloc(sizeof(double) * (size_t)gw);
  l->a = malloc(sizeof(float) * n); l->b = malloc(sizeof(float) * n); l->gain = malloc(sizeof(float) * n); l->fade = malloc(sizeof(float) * n);
  if (!L || !work || !acc || !l->a || !l->b || !l->gain || !l->fade) { free(L); free(work); free(acc); es_local_free(l); return -1; }
  for (size_t i = 0; i < n; i++) L[i] = es_local_log2(coded_luma[i]);
  const int side = gw > gh ? gw : gh;
  int r = (int)(p->radius * (float)side + 0.5f);
  if (r < 1) r = 1;
  guided_coefficients(L, gw, gh, r, p->eps, l->a, l->b, work, acc);
  /* The regions' levels; the lift aims at a level `range` stops under the bright regions'
   * (a percentile of the levels), or at ES_LOCAL_TARGET if that is lower: a region that
   * close to the bright ones is part of the scene's own contrast. */
  for (size_t i = 0; i < n; i++) L[i] = l->a[i] * L[i] + l->b[i];
  l->p.target = fminf(percentile(L, n, ES_LOCAL_TOP) - p->range, p->target);
  /* Black (what 6/255 of the input became after the scene's tone), or the noise floor if
   * that is higher: a night sky, a black coat. What stands near it is not lifted, or the
   * black turns grey; the faint light around a floodlit building would glow. */
  if (p->black > l->p.floor) l->p.floor = p->black;
  /* The floor is judged on the region's edge-aware level (here) and on the pixel's own
   * (es_local_apply_row): a night sky is not lifted beside the lit building it touches. */
  for (size_t i = 0; i < n; i++) l->fade[i] = es_smoothstep(l->p.floor, l->p.floor + ES_LOCAL_FLOOR_FADE, L[i]);
  /* A backlit photo: its dark regions (above the noise floor) lie far under the target on
   * average, where a well-exposed photo's shadows lie a stop or two under it. On auto it takes
   * the full share, whatever the scene's exposure said. */
  {
    double deficit = 0;
    size_t under = 0;
    for (size_t i = 0; i < n; i++)
      if (L[i] < l->p.target && l->fade[i] > 0.5f) { deficit += l->p.target - L[i]; under++; }
    const float mean = under ? (float)(deficit / (double)under) : 0.f, area = (float)under / (float)n;
    l->backlit = es_smoothstep(ES_LOCAL_BACKLIT0, ES_LOCAL_BACKLIT1, mean) * es_smoothstep(0.5f * ES_LOCAL_BACKLIT_AREA, ES_LOCAL_BACKLIT_AREA, area);
    l->p.shadows = fmaxf(l->p.shadows, p->backlit * l->backlit);
  }
  float most = 0.f;
  for (size_t i = 0; i < n; i++) {
    l->gain[i] = es_local_gain(&l->p, L[i], l->fade[i]);
    if (fabsf(l->gain[i]) > most) most = fabsf(l->gain[i]);
  }
  free(L); free(work); free(acc);
  l->active = most > 1.f / 64.f; /* under a 64th of a stop anywhere: the photo passes as it is */
  if (!l->active) es_local_free(l);
  return 0;
}

void es_local_free(es_local *l) {
  free(l->a); free(l->b); free(l->gain); free(l->fade);
  l->a = l->b = l->gain = l->fade = NULL;
  l->active = 0;
}

es_local_pos es_local_position(int x, int factor, int n_grid) {
  float f = ((float)x + 0.5f) / (float)factor - 0.5f;
  es_local_pos q = {f < 0.f ? 0 : (int)f, 0, 0.f};
  q.t = f < 0.f ? 0.f : f - (float)q.i0;
  if (q.i0 >= n_grid - 1) { q.i0 = n_grid - 1; q.t = 0.f; }
  q.i1 = q.i0 + 1 < n_grid ? q.i0 + 1 : n_grid - 1;
  return q;
}

void es_local_row(const es_local *l, const float *grid, es_local_pos py, float *row) {
  const float *g0 = grid + (size_t)py.i0 * l->gw, *g1 = grid + (size_t)py.i1 * l->gw;
  for (int x = 0; x < l->gw; x++) row[x] = g0[x] + py.t * (g1[x] - g0[x]);
}
