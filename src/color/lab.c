/* lab.c - sRGB <-> CIE L*a*b* (D65) with OpenCV's matrix, white point and CIE thresholds
 * (0.008856, 7.787, 903.3), so results agree with cv2.cvtColor on float images. */
#include "color.h"

#include <math.h>
#include <string.h>

/* sRGB -> XYZ (D65), rows pre-divided by the white point so that white maps to X=Y=Z=1. */
#define XN 0.950456f
#define ZN 1.088754f
static const float M[9] = {0.412453f / XN, 0.357580f / XN, 0.180423f / XN,
                           0.212671f,      0.715160f,      0.072169f,
                           0.019334f / ZN, 0.119193f / ZN, 0.950227f / ZN};
/* XYZ -> sRGB, columns pre-multiplied by the white point. */
static const float MI[9] = {3.240479f * XN,  -1.53715f,  -0.498535f * ZN,
                            -0.969256f * XN, 1.875991f,  0.041556f * ZN,
                            0.055648f * XN,  -0.204043f, 1.057311f * ZN};

/* The cube root without libm: glibc's cbrtf and the one of Emscripten's musl differ by an
 * ulp on some inputs (19 of the 256 grey levels' Y), and the colour hints' solver turns
 * an ulp of L into several levels of output (weights from L's local variance). A first
 * guess from the exponent's bits (within 4%), then two Halley steps in double (error about
 * 0.04^9): only +, -, *, / and one rounding to float, so every build gets the same bits,
 * and they are the correctly rounded root but within 1e-13 of a float half-way point. */
float es_cbrtf(float v) {
  if (!(v != 0.f) || !isfinite(v)) return v; /* 0, -0, NaN, inf */
  float a = fabsf(v), k = 1.f;
  if (a < 1.17549435e-38f) { a *= 16777216.f; k = 1.f / 256.f; } /* subnormal: 2^24, root 2^8 */
  uint32_t u;
  memcpy(&u, &a, sizeof u);
  u = u / 3 + 709921077u; /* about (exponent / 3, mantissa / 3) + 127 * 2/3 */
  float g;
  memcpy(&g, &u, sizeof g);
  double x = a, y = g;
  for (int i = 0; i < 2; i++) {
    double y3 = y * y * y;
    y = y * (y3 + 2.0 * x) / (2.0 * y3 + x);
  }
  float r = (float)(y * k);
  return v < 0.f ? -r : r;
}

static inline float f_lab(float t) { return t > 0.008856f ? es_cbrtf(t) : 7.787f * t + 16.f / 116.f; }
static inline float f_inv(float f) {
  return f <= 7.787f * 0.008856f + 16.f / 116.f ? (f - 16.f / 116.f) / 7.787f : f * f * f;
}

static inline float lightness(float y, float fy) { return y > 0.008856f ? 116.f * fy - 16.f : 903.3f * y; }

float es_lab_lightness(float r, float g, float b) {
  float y = M[3] * r + M[4] * g + M[5] * b;
  return lightness(y, f_lab(y));
}

void es_l8_init(es_l8_table *t) {
  for (int i = 0; i < 256; i++) {
    t->lin[i] = es_srgb_to_linear(i / 255.f);
    t->grey[i] = es_lab_lightness(t->lin[i], t->lin[i], t->lin[i]);
  }
}

void es_rgb_to_lab(const float *rgb, float *lab, size_t n) {
  for (size_t i = 0; i < n; i++, rgb += 3, lab += 3) {
    float r = es_srgb_to_linear(rgb[0]), g = es_srgb_to_linear(rgb[1]), b = es_srgb_to_linear(rgb[2]);
    float x = M[0] * r + M[1] * g + M[2] * b;
    float y = M[3] * r + M[4] * g + M[5] * b;
    float z = M[6] * r + M[7] * g + M[8] * b;
    float fx = f_lab(x), fy = f_lab(y), fz = f_lab(z);
    lab[0] = lightness(y, fy);
    lab[1] = 500.f * (fx - fy);
    lab[2] = 200.f * (fy - fz);
  }
}

void es_lab_to_linear(const float *lab, float *rgb, size_t n) {
  for (size_t i = 0; i < n; i++, lab += 3, rgb += 3) {
    float l = lab[0], y, fy;
    if (l <= 0.008856f * 903.3f) { y = l / 903.3f; fy = 7.787f * y + 16.f / 116.f; }
    else { fy = (l + 16.f) / 116.f; y = fy * fy * fy; }
    float x = f_inv(lab[1] / 500.f + fy), z = f_inv(fy - lab[2] / 200.f);
    float r = MI[0] * x + MI[1] * y + MI[2] * z, g = MI[3] * x + MI[4] * y + MI[5] * z, b = MI[6] * x + MI[7] * y + MI[8] * z;
    rgb[0] = r; rgb[1] = g; rgb[2] = b; /* after the reads: lab and rgb may be the same buffer */
  }
}

void es_lab_to_rgb(const float *lab, float *rgb, size_t n) {
  es_lab_to_linear(lab, rgb, n);
  for (size_t i = 0; i < 3 * n; i++) rgb[i] = es_linear_to_srgb(rgb[i]);
}
