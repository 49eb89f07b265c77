/* hsv.c - sRGB <-> HSV as OpenCV computes it for float images (H in degrees). */
#include "color.h"

#include <float.h>
#include <math.h>

void es_rgb_to_hsv(const float *rgb, float *hsv, size_t n) {
  for (size_t i = 0; i < n; i++, rgb += 3, hsv += 3) {
    float r = rgb[0], g = rgb[1], b = rgb[2];
    float v = fmaxf(r, fmaxf(g, b)), lo = fminf(r, fminf(g, b)), d = v - lo;
    float s = d / (fabsf(v) + FLT_EPSILON);
    float k = 60.f / (d + FLT_EPSILON), h;
    if (v == r) h = (g - b) * k;
    else if (v == g) h = (b - r) * k + 120.f;
    else h = (r - g) * k + 240.f;
    if (h < 0.f) h += 360.f;
    hsv[0] = h; hsv[1] = s; hsv[2] = v;
  }
}

void es_hsv_to_rgb(const float *hsv, float *rgb, size_t n) {
  for (size_t i = 0; i < n; i++, hsv += 3, rgb += 3) {
    float h = hsv[0], s = hsv[1], v = hsv[2];
    if (s == 0.f) { rgb[0] = rgb[1] = rgb[2] = v; continue; }
    h = fmodf(h, 360.f);
    if (h < 0.f) h += 360.f;
    h /= 60.f;
    int sector = (int)floorf(h);
    float f = h - (float)sector;
    float p = v * (1.f - s), q = v * (1.f - s * f), t = v * (1.f - s * (1.f - f));
    float c[6][3] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
    sector %= 6;
    rgb[0] = c[sector][0]; rgb[1] = c[sector][1]; rgb[2] = c[sector][2];
  }
}
