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

void es_srgb8_init(es_srgb8_encoder *e) {
  e->edge[0] = 0.f;
  for (int c = 1; c < 256; c++) e->edge[c] = es_srgb_to_linear((c - 0.5f) / 255.f);
  e->edge[256] = 2.f;
  int c = 0;
  for (int i = 0; i <= ES_SRGB8_BINS; i++) {
    float v = (float)i / ES_SRGB8_BINS;
    while (c < 255 && v >= e->edge[c + 1]) c++;
    e->start[i] = (uint8_t)c;
  }
}
