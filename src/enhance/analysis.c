/* analysis.c - how dark is the scene? Luminance statistics in linear light, from 4x4 block
 * means so that photon noise does not inflate the highlight percentiles. */
#include "enhance.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BINS 4096

void es_exposure_analyse(const uint8_t *px, int w, int h, size_t stride, int ch, const float lut[256], es_exposure *out,
                         float *blocks) {
  const int B = ES_BLOCK, bw = (w + B - 1) / B, color = ch >= 3;
  unsigned *hist = calloc(2 * BINS, sizeof *hist), *peak = hist ? hist + BINS : NULL;
  float *row = calloc((size_t)bw * 3, sizeof(float));
  double log_sum = 0;
  size_t n = 0;
  for (int by = 0; by < h && row; by += B) {
    /* sum each block row's pixels column by column, then finish the blocks */
    memset(row, 0, sizeof(float) * 3 * (size_t)bw);
    int rows = by + B <= h ? B : h - by;
    for (int y = by; y < by + rows; y++) {
      const uint8_t *p = px + (size_t)y * stride;
      for (int x = 0; x < w; x++, p += ch) {
        float *r = row + 3 * (x / B);
        r[0] += lut[p[0]];
        r[1] += lut[p[color ? 1 : 0]];
        r[2] += lut[p[color ? 2 : 0]];
      }
    }
    for (int bx = 0; bx < bw; bx++) {
      int cols = (bx + 1) * B <= w ? B : w - bx * B;
      float inv = 1.f / (float)(rows * cols), *r = row + 3 * bx;
      r[0] *= inv; r[1] *= inv; r[2] *= inv;
      if (blocks) memcpy(blocks + 3 * ((size_t)(by / B) * bw + bx), r, sizeof(float) * 3);
      float Y = 0.2126f * r[0] + 0.7152f * r[1] + 0.0722f * r[2];
      log_sum += log(Y + 1e-4);
      float m = r[0] > r[1] ? (r[0] > r[2] ? r[0] : r[2]) : (r[1] > r[2] ? r[1] : r[2]);
      if (hist) { hist[Y >= 1.f ? BINS - 1 : (int)(Y * BINS)]++; peak[m >= 1.f ? BINS - 1 : (int)(m * BINS)]++; }
      n++;
    }
  }
  free(row);
  memset(out, 0, sizeof *out);
  out->log_average = n ? (float)exp(log_sum / n) : 0.18f;
  if (!hist) { out->p50 = out->p99 = out->p999 = out->peak = 1.f; return; }
  const double q[3] = {0.5, 0.99, 0.999};
  float *dst[3] = {&out->p50, &out->p99, &out->p999};
  size_t acc = 0;
  int k = 0;
  for (int i = 0; i < BINS && k < 3; i++) {
    acc += hist[i];
    while (k < 3 && acc >= q[k] * n) *dst[k++] = (i + 0.5f) / BINS;
  }
  while (k < 3) *dst[k++] = 1.f;
  out->peak = out->bright = out->bright99 = 1.f;
  acc = 0;
  for (int i = 0, got = 0, got99 = 0; i < BINS; i++) {
    acc += peak[i];
    if (!got99 && acc >= 0.99 * n) { out->bright99 = (i + 0.5f) / BINS; got99 = 1; }
    if (!got && acc >= 0.999 * n) { out->bright = (i + 0.5f) / BINS; got = 1; }
    if (acc >= 0.9999 * n) { out->peak = (i + 1.f) / BINS; break; }
  }
  free(hist);
}

/* The colour of black: the darkest blocks are where a camera's dark level (and its colour)
 * shows, as in a scene they are what should be black. Their luminance is found in a log2
 * histogram (1/8 stop bins: dark photos sit at 1e-4 linear, far below a linear histogram's
 * resolution), then their linear RGB averaged. */
void es_black_level(const float *blocks, size_t n, float q, float out[3]) {
  enum { LO = -20, PER_STOP = 8, NB = -LO * PER_STOP };
  unsigned count[NB] = {0};
  out[0] = out[1] = out[2] = 0.f;
  if (!n) return;
  for (size_t i = 0; i < n; i++) {
    const float *b = blocks + 3 * i;
    float Y = 0.2126f * b[0] + 0.7152f * b[1] + 0.0722f * b[2];
    /* log2 from the float's bits, the mantissa read as linear: monotonic, within 0.09 stop */
    union { float f; uint32_t u; } v = {Y > 1e-30f ? Y : 1e-30f};
    int k = (int)((((float)(v.u >> 23) - 127.f) + (float)(v.u & 0x7fffffu) * (1.f / 8388608.f) - LO) * PER_STOP);
    count[k < 0 ? 0 : k >= NB ? NB - 1 : k]++;
  }
  size_t acc = 0, want = (size_t)(q * (float)n) + 1;
  int top = 0;
  while (top < NB - 1 && (acc += count[top]) < want) top++;
  /* the bin's upper edge, by the same reading of the bits as the bins */
  const float e = LO + (top + 1.f) / PER_STOP, fl = floorf(e);
  const float limit = ldexpf(1.f + (e - fl), (int)fl);
  double sum[3] = {0, 0, 0};
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    const float *b = blocks + 3 * i;
    if (0.2126f * b[0] + 0.7152f * b[1] + 0.0722f * b[2] >= limit) continue;
    sum[0] += b[0]; sum[1] += b[1]; sum[2] += b[2];
    m++;
  }
  for (int k = 0; m && k < 3; k++) out[k] = (float)(sum[k] / (double)m);
}
