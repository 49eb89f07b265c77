/* calibration.c - see calibration.h. */
#include "calibration.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *s) { /* splitmix64 */
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static float uniform(uint64_t *s) { return (float)(next(s) >> 40) / 16777216.f; } /* [0, 1) */

/* 1/f noise added into v with weight w: octave k is a (2^k + 1)^2 lattice of random values,
 * bilinearly interpolated (smoothstep), at amplitude 2^-k. */
static void pink(float *v, int size, float w, uint64_t *s) {
  for (int k = 1; (1 << k) <= size / 2; k++) {
    const int g = 1 << k;
    float *lat = malloc(sizeof(float) * (size_t)(g + 1) * (g + 1));
    if (!lat) return;
    for (int i = 0; i < (g + 1) * (g + 1); i++) lat[i] = uniform(s) - 0.5f;
    const float amp = w / (float)g * 2.f;
    for (int y = 0; y < size; y++) {
      float fy = (float)y * g / size, ty;
      int iy = (int)fy;
      ty = fy - iy; ty = ty * ty * (3.f - 2.f * ty);
      for (int x = 0; x < size; x++) {
        float fx = (float)x * g / size, tx;
        int ix = (int)fx;
        tx = fx - ix; tx = tx * tx * (3.f - 2.f * tx);
        const float *r0 = lat + (size_t)iy * (g + 1) + ix, *r1 = r0 + g + 1;
        v[(size_t)y * size + x] += amp * ((r0[0] * (1 - tx) + r0[1] * tx) * (1 - ty) + (r1[0] * (1 - tx) + r1[1] * tx) * ty);
      }
    }
    free(lat);
  }
}

/* Dead leaves: discs dropped front to back (a pixel keeps the first disc that covers it),
 * grey levels uniform, radius r from rmin to rmax with density 1/r^3; `shade` adds the
 * disc's own gradient. covered marks the pixels set. */
static void leaves(float *v, int size, float shade, uint64_t *s) {
  uint8_t *covered = calloc((size_t)size * size, 1);
  if (!covered) return;
  const float rmin = size / 100.f, rmax = size / 3.f;
  size_t left = (size_t)size * size;
  for (int n = 0; n < 4000 && left > 0; n++) {
    /* inverse CDF of p(r) ~ r^-3 on [rmin, rmax] */
    const float u = uniform(s), a = 1.f / (rmin * rmin), b = 1.f / (rmax * rmax);
    const float r = 1.f / sqrtf(a - u * (a - b));
    const float cx = uniform(s) * size, cy = uniform(s) * size, grey = uniform(s);
    const float gx = (uniform(s) - 0.5f) * shade / r, gy = (uniform(s) - 0.5f) * shade / r;
    const int y0 = (int)fmaxf(0.f, cy - r), y1 = (int)fminf((float)size - 1, cy + r);
    const int x0 = (int)fmaxf(0.f, cx - r), x1 = (int)fminf((float)size - 1, cx + r);
    for (int y = y0; y <= y1; y++)
      for (int x = x0; x <= x1; x++) {
        const float dx = x - cx, dy = y - cy;
        const size_t i = (size_t)y * size + x;
        if (covered[i] || dx * dx + dy * dy > r * r) continue;
        covered[i] = 1;
        left--;
        v[i] = grey + gx * dx + gy * dy;
      }
  }
  free(covered);
}

/* Straight boundaries across a ramp: each line adds a step of random height on one side. */
static void edges(float *v, int size, uint64_t *s) {
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++) v[(size_t)y * size + x] = 0.6f * (float)(x + y) / (2.f * size);
  for (int n = 0; n < 7; n++) {
    const float nx = uniform(s) - 0.5f, ny = uniform(s) - 0.5f, c = (uniform(s) - 0.5f) * size * 0.5f, step = (uniform(s) - 0.5f) * 0.5f;
    for (int y = 0; y < size; y++)
      for (int x = 0; x < size; x++)
        if (nx * (x - size / 2) + ny * (y - size / 2) > c * 0.5f) v[(size_t)y * size + x] += step;
  }
}

/* Into L: the 1st..99th percentile range onto 5..95 (photos use most of the range), clamped. */
static void to_lightness(float *v, int size, float *l) {
  const size_t n = (size_t)size * size;
  float lo = v[0], hi = v[0];
  for (size_t i = 1; i < n; i++) { lo = fminf(lo, v[i]); hi = fmaxf(hi, v[i]); }
  enum { BINS = 1024 };
  size_t hist[BINS] = {0};
  const float scale = hi > lo ? (BINS - 1) / (hi - lo) : 0.f;
  for (size_t i = 0; i < n; i++) hist[(int)((v[i] - lo) * scale)]++;
  size_t acc = 0;
  int p1 = -1, p99 = BINS - 1;
  for (int b = 0; b < BINS; b++) {
    acc += hist[b];
    if (p1 < 0 && acc >= n / 100) p1 = b;
    if (acc >= n - n / 100) { p99 = b; break; }
  }
  const float a = lo + (p1 < 0 ? 0 : p1) / (scale ? scale : 1.f), b = lo + p99 / (scale ? scale : 1.f);
  for (size_t i = 0; i < n; i++) {
    const float t = b > a ? 5.f + 90.f * (v[i] - a) / (b - a) : 50.f;
    l[i] = fminf(100.f, fmaxf(0.f, t));
  }
}

void es_calibration_image(int index, int size, float *l) {
  const size_t n = (size_t)size * size;
  float *v = calloc(n, sizeof(float));
  if (!v) { for (size_t i = 0; i < n; i++) l[i] = 50.f; return; }
  uint64_t s = 0x5EED0000ull + (uint64_t)index;
  switch (index) {
    case 0: pink(v, size, 1.f, &s); break;
    case 1: leaves(v, size, 0.f, &s); break;
    case 2:
      leaves(v, size, 0.3f, &s);
      for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++) v[(size_t)y * size + x] += 0.5f * y / size;
      pink(v, size, 0.25f, &s);
      break;
    default:
      edges(v, size, &s);
      pink(v, size, 0.08f, &s);
      break;
  }
  to_lightness(v, size, l);
  free(v);
}
