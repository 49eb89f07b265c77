/* gamut.c - how much of a chroma fits the sRGB gamut at a given lightness: a colour hint
 * painted on a dark or bright part of a photo keeps its hue but loses the chroma that no
 * sRGB colour of that lightness has, instead of being clamped channel by channel later
 * (which shifts the hue). */
#include "color.h"

static int in_gamut(float L, float a, float b) {
  float lab[3] = {L, a, b}, rgb[3];
  es_lab_to_linear(lab, rgb, 1);
  const float eps = 1e-4f;
  return rgb[0] >= -eps && rgb[0] <= 1.f + eps && rgb[1] >= -eps && rgb[1] <= 1.f + eps && rgb[2] >= -eps && rgb[2] <= 1.f + eps;
}

float es_lab_chroma_fit(float L, float a, float b) {
  if (in_gamut(L, a, b)) return 1.f;
  /* grey is inside the gamut at every L in 0..100: bisect the scale between it and (a, b) */
  float lo = 0.f, hi = 1.f;
  for (int i = 0; i < 14; i++) { /* 1/16384 of the chroma: far below an 8-bit step */
    float mid = 0.5f * (lo + hi);
    if (in_gamut(L, mid * a, mid * b)) lo = mid; else hi = mid;
  }
  return lo;
}
