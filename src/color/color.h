/* color.h - colour science in float, following OpenCV's float conventions so the
 * colorizer's pre/post-processing can be checked against cv2.cvtColor:
 *   sRGB components in 0..1 (inputs are clamped), D65 white,
 *   Lab: L 0..100, a and b unbounded (about -128..127 for sRGB colours),
 *   HSV: H in degrees 0..360, S and V in 0..1.
 * Pixels are interleaved triplets; n counts pixels. (Not public.) */
#ifndef STUDIO_COLOR_H
#define STUDIO_COLOR_H

#include <stddef.h>
#include <stdint.h>

float es_srgb_to_linear(float v); /* IEC 61966-2-1 transfer function, v in 0..1 */
/* cbrtf, the same bits in every build (libm's differ between glibc and musl): lab.c */
float es_cbrtf(float v);
float es_linear_to_srgb(float v);

/* Linear light -> 8-bit sRGB by table: (uint8)(255 * es_linear_to_srgb(v) + 0.5) without a
 * pow per value. The bins are finer than the codes everywhere (near black a code spans
 * 1/(255 * 12.92) > 1/4096), so a bin holds at most one code boundary and one compare
 * fixes the guess, without a branch. May differ by one only for a value within float
 * rounding of a boundary. */
#define ES_SRGB8_BINS 4096
typedef struct {
  float edge[257];                   /* edge[c]: the linear value where code c starts; edge[256] above all */
  uint8_t start[ES_SRGB8_BINS + 1];  /* the code at the start of each bin */
} es_srgb8_encoder;
void es_srgb8_init(es_srgb8_encoder *e);
static inline uint8_t es_srgb8(const es_srgb8_encoder *e, float v) {
  v = v > 0.f ? (v < 1.f ? v : 1.f) : 0.f; /* NaN -> 0 */
  int c = e->start[(int)(v * ES_SRGB8_BINS)];
  return (uint8_t)(c + (v >= e->edge[c + 1]));
}

/* L of 8-bit pixels by table: linear light per code, and L per grey code (most photos that
 * want colour are black and white, so most pixels take the table alone). */
typedef struct { float lin[256], grey[256]; } es_l8_table;
void es_l8_init(es_l8_table *t);
/* L alone (0..100) of one linear-light RGB value, as es_rgb_to_lab computes it. */
float es_lab_lightness(float r, float g, float b);
/* L (0..100) of the pixel p of an image with `channels` channels (1..4). */
static inline float es_l8(const es_l8_table *t, const uint8_t *p, int channels) {
  if (channels < 3 || (p[0] == p[1] && p[1] == p[2])) return t->grey[p[0]];
  return es_lab_lightness(t->lin[p[0]], t->lin[p[1]], t->lin[p[2]]);
}

void es_rgb_to_lab(const float *rgb, float *lab, size_t n);
void es_lab_to_rgb(const float *lab, float *rgb, size_t n);
/* The first half of es_lab_to_rgb: linear-light RGB, not clamped (encode with es_srgb8). */
void es_lab_to_linear(const float *lab, float *rgb, size_t n);
/* The largest s in 0..1 such that (L, s*a, s*b) is an sRGB colour (L clamped to 0..100 by
 * the caller): the factor that clips a chroma into the gamut at lightness L, hue kept. */
float es_lab_chroma_fit(float L, float a, float b);
void es_rgb_to_hsv(const float *rgb, float *hsv, size_t n);
void es_hsv_to_rgb(const float *hsv, float *rgb, size_t n);

#endif
