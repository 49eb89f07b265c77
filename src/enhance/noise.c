/* noise.c - how noisy is the image, level by level? A noise level function estimated from
 * the image itself: for sampled pixels, the residual against the 3x3 mean, binned by the
 * local luma level; a low quantile of |residual| per bin (texture and edges inflate the
 * upper ones) converted to sigma. Photon noise shrinks with coding (sRGB ~ square root),
 * read noise does not, so the profile rises toward the darks where it must. */
#include "enhance.h"

#include <math.h>
#include <stdlib.h>

#define HB 512          /* |residual| histogram bins per level bin */
#define HMAX 0.25f      /* |residual| range */

struct es_noise_acc {
  unsigned luma[ES_NLF_BINS][HB];
  unsigned chroma[ES_NLF_BINS][HB];
};

es_noise_acc *es_noise_acc_new(void) { return calloc(1, sizeof(es_noise_acc)); }

static inline int level_bin(float v) {
  int b = (int)(v * ES_NLF_BINS);
  return b < 0 ? 0 : b >= ES_NLF_BINS ? ES_NLF_BINS - 1 : b;
}
static inline int res_bin(float r) {
  int b = (int)(fabsf(r) * (HB / HMAX));
  return b >= HB ? HB - 1 : b;
}
static inline float residual(const float *p[3], int x) {
  float m = (p[0][x - 1] + p[0][x] + p[0][x + 1] + p[1][x - 1] + p[1][x] + p[1][x + 1] + p[2][x - 1] + p[2][x] + p[2][x + 1]) / 9.f;
  return p[1][x] - m;
}

void es_noise_acc_row(es_noise_acc *a, const float *y[3], const float *co[3], const float *cg[3], int w) {
  if (!a) return;
  for (int x = 1; x + 1 < w; x += 2) {
    float level = (y[0][x] + y[1][x - 1] + y[1][x] + y[1][x + 1] + y[2][x]) * 0.2f;
    int b = level_bin(level);
    a->luma[b][res_bin(residual(y, x))]++;
    if (co) { a->chroma[b][res_bin(residual(co, x))]++; a->chroma[b][res_bin(residual(cg, x))]++; }
  }
}

/* sigma from the 25th percentile of |r|: for Gaussian noise that is 0.3186 sigma_r, and the
 * residual against a 3x3 mean has sigma_r = sigma * sqrt(8/9). */
static void profile(unsigned h[ES_NLF_BINS][HB], float *out) {
  const float to_sigma = 1.f / (0.3186f * 0.9428f);
  float known[ES_NLF_BINS];
  int have[ES_NLF_BINS], any = 0;
  for (int b = 0; b < ES_NLF_BINS; b++) {
    unsigned long n = 0, acc = 0;
    for (int i = 0; i < HB; i++) n += h[b][i];
    have[b] = n >= 64;
    if (!have[b]) continue;
    int i = 0;
    for (; i < HB; i++) { acc += h[b][i]; if (acc * 4 >= n) break; }
    known[b] = (i + 0.5f) * (HMAX / HB) * to_sigma;
    any = 1;
  }
  /* Levels the image never shows borrow from the nearest level it does. */
  for (int b = 0; b < ES_NLF_BINS; b++) {
    if (have[b]) { out[b] = known[b]; continue; }
    float v = 0.f;
    for (int d = 1; any && d < ES_NLF_BINS; d++) {
      if (b - d >= 0 && have[b - d]) { v = known[b - d]; break; }
      if (b + d < ES_NLF_BINS && have[b + d]) { v = known[b + d]; break; }
    }
    out[b] = v;
  }
}

void es_noise_finish(es_noise_acc *a, es_noise *out) {
  if (!a) { for (int b = 0; b < ES_NLF_BINS; b++) out->luma[b] = out->chroma[b] = 0.f; return; }
  profile(a->luma, out->luma);
  profile(a->chroma, out->chroma);
  free(a);
}
