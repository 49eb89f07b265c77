/* wavelet.c - edge-preserving, noise-adaptive denoising and sharpening in one pass: the
 * à trous ("with holes") B3-spline wavelet transform, each detail coefficient shrunk by
 * the non-negative garrote against the noise expected at its level and brightness. Edges
 * make large coefficients and survive; noise makes small ones and goes. Fine details that
 * stand well clear of the noise are boosted a little: that is the unsharp mask, which so
 * never sharpens noise. Cost: O(levels) per pixel, whatever the noise. */
#include "enhance.h"

#include <math.h>
#include <string.h>

/* Noise sigma in each detail level for unit white noise (a unit impulse through the 2D
 * B3-spline transform). */
static const float level_noise[5] = {0.8908f, 0.2007f, 0.0856f, 0.0413f, 0.0205f};

static inline int mirror(int i, int n) {
  if (n == 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

/* dst = B3 smoothing of src along rows with step s. */
static inline __attribute__((always_inline)) void smooth_rows(const float *restrict src, float *restrict dst, int w, int h, int s) {
  for (int y = 0; y < h; y++) {
    const float *a = src + (size_t)y * w;
    float *d = dst + (size_t)y * w;
    int lo = 2 * s < w ? 2 * s : w, hi = w - 2 * s > lo ? w - 2 * s : lo;
    for (int x = 0; x < lo; x++)
      d[x] = (a[mirror(x - 2 * s, w)] + 4.f * a[mirror(x - s, w)] + 6.f * a[x] + 4.f * a[mirror(x + s, w)] + a[mirror(x + 2 * s, w)]) * (1.f / 16.f);
    for (int x = lo; x < hi; x++)
      d[x] = (a[x - 2 * s] + 4.f * a[x - s] + 6.f * a[x] + 4.f * a[x + s] + a[x + 2 * s]) * (1.f / 16.f);
    for (int x = hi; x < w; x++)
      d[x] = (a[mirror(x - 2 * s, w)] + 4.f * a[mirror(x - s, w)] + 6.f * a[x] + 4.f * a[mirror(x + s, w)] + a[mirror(x + 2 * s, w)]) * (1.f / 16.f);
  }
}

/* dst = B3 smoothing of src along columns with step s. */
static inline __attribute__((always_inline)) void smooth_cols(const float *restrict src, float *restrict dst, int w, int h, int s) {
  for (int y = 0; y < h; y++) {
    const float *r0 = src + (size_t)mirror(y - 2 * s, h) * w, *r1 = src + (size_t)mirror(y - s, h) * w, *r2 = src + (size_t)y * w;
    const float *r3 = src + (size_t)mirror(y + s, h) * w, *r4 = src + (size_t)mirror(y + 2 * s, h) * w;
    float *d = dst + (size_t)y * w;
    for (int x = 0; x < w; x++) d[x] = (r0[x] + 4.f * r1[x] + 6.f * r2[x] + 4.f * r3[x] + r4[x]) * (1.f / 16.f);
  }
}

/* One level's details shrunk and added to the output. Branch-free so it vectorises; `edge`
 * (NULL or a plane) is a constant at each call of the inlined body, so each is a loop of its own. */
static inline __attribute__((always_inline)) void shrink_body(float *restrict out, const float *restrict c, const float *restrict sm,
                                                              const float *restrict sigma, const float *restrict edge, float keep,
                                                              size_t n, float kn, float sharp, float sharp_at) {
  for (size_t i = 0; i < n; i++) {
    float d = c[i] - sm[i], d2 = d * d, t = kn * sigma[i] * (edge ? 1.f - keep * edge[i] : 1.f), t2 = t * t;
    /* non-negative garrote: d (1 - t^2/d^2) above t, 0 below; less bias than soft thresholding.
     * Both sides computed, then selected: that is what lets the loop vectorise. */
    float g = d - t2 * d / (d2 + 1e-30f);
    g = d2 > t2 ? g : 0.f;
    /* the unsharp mask: details well clear of the noise (3 sigma) gain a little */
    float boost = d2 > sharp_at * sigma[i] * sigma[i] ? 1.f + sharp : 1.f;
    out[i] += g * boost;
  }
}

static void shrink_level(float *out, const float *c, const float *sm, const float *sigma, const float *edge, float keep, size_t n, float kn,
                         float sharp, float sharp_at) {
  if (edge) shrink_body(out, c, sm, sigma, edge, keep, n, kn, sharp, sharp_at);
  else shrink_body(out, c, sm, sigma, NULL, 0.f, n, kn, sharp, sharp_at);
}

void es_wavelet_denoise(float *plane, const float *guide, int w, int h, const es_shrink *s, float *scratch) {
  size_t n = (size_t)w * h;
  float *c = scratch, *sm = scratch + n, *tmp = scratch + 2 * n, *sigma = scratch + 3 * n;
  memcpy(c, plane, n * sizeof(float));
  memset(plane, 0, n * sizeof(float));
  int levels = s->levels < 1 ? 1 : s->levels > 5 ? 5 : s->levels;
  for (int j = 0; j < levels; j++) {
    int step = 1 << j;
    smooth_rows(c, tmp, w, h, step);
    smooth_cols(tmp, sm, w, h, step);
    if (j == 0) {
      /* The expected noise at each pixel, looked up once from the first smoothing (or the
       * guide): the noise level function changes slowly, so every level can share it. */
      const float *g = guide ? guide : sm;
      for (size_t i = 0; i < n; i++) sigma[i] = (s->profile ? es_noise_at(s->profile, g[i]) : 1.f) * s->sigma_scale;
      if (s->scale && !s->scale_half) for (size_t i = 0; i < n; i++) sigma[i] *= s->scale[i];
      if (s->scale && s->scale_half) /* one scale per 2x2 pixels */
        for (int y = 0; y < h; y++) {
          const float *sr = s->scale + (size_t)(y / 2) * (size_t)((w + 1) / 2);
          float *sg = sigma + (size_t)y * w;
          for (int x = 0; x < w; x++) sg[x] *= sr[x >> 1];
        }
    }
    float sharp = j == 0 ? s->sharpen : j == 1 ? 0.5f * s->sharpen : 0.f;
    shrink_level(plane, c, sm, sigma, s->edges ? s->edges + (size_t)j * n : NULL, s->edge_keep, n, s->k * level_noise[j], sharp,
                 9.f * level_noise[j] * level_noise[j]);
    float *swap = c; c = sm; sm = swap;
  }
  for (size_t i = 0; i < n; i++) plane[i] += c[i];
}

void es_wavelet_edges(const float *guide, int w, int h, const es_shrink *s, float *edges, float *scratch) {
  size_t n = (size_t)w * h;
  float *c = scratch, *sm = scratch + n, *tmp = scratch + 2 * n, *sigma = edges + (size_t)(s->levels - 1) * n;
  memcpy(c, guide, n * sizeof(float));
  int levels = s->levels < 1 ? 1 : s->levels > 5 ? 5 : s->levels;
  for (int j = 0; j < levels; j++) {
    int step = 1 << j;
    smooth_rows(c, tmp, w, h, step);
    smooth_cols(tmp, sm, w, h, step);
    /* the noise at each pixel, looked up once (it changes slowly), in the last level's plane
     * until that level is written */
    if (j == 0)
      for (size_t i = 0; i < n; i++) sigma[i] = (s->profile ? es_noise_at(s->profile, sm[i]) : 1.f) * s->sigma_scale * s->k;
    float *restrict e = edges + (size_t)j * n;
    const float kn = level_noise[j];
    /* the detail against the noise expected at this level and brightness; branch-free */
    for (size_t i = 0; i < n; i++) {
      float d = c[i] - sm[i], t = kn * sigma[i];
      e[i] = d * d / (d * d + t * t + 1e-20f);
    }
    float *swap = c; c = sm; sm = swap;
  }
}
