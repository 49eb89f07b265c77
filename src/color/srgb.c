/* srgb.c - the sRGB transfer function (IEC 61966-2-1). */
#include "color.h"

#include <math.h>

float es_srgb_to_linear(float v) {
  v = v < 0.f ? 0.f : v > 1.f ? 1.f : v;
  return v <= 0.04045f ? v / 12.92f : powf((v + 0.055f) / 1.055f, 2.4f);
}

float es_linear_to_srgb(float v) {
  v = v < 0.f ? 0.f : v > 1.f ? 1.f : v;
  return v <= 0.0031308f ? 12.92f * v : 1.055f * powf(v, 1.f / 2.4f) - 0.055f;
}
