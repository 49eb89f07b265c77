/* tone.c - brightening in linear light: one gain for the scene, chosen from the analysis,
 * and a highlight shoulder so the brightest parts roll off instead of clipping. The gain
 * scales luminance; colour rides along as a ratio, so saturation is kept. */
#include "enhance.h"

#include <math.h>

/* Geometric blend of two views of "how much brighter": the log-average luminance against the
 * target key (robust for night scenes with lamps), and the highlights against white (exact
 * for a uniformly underexposed frame). Below ~1.3x nothing changes, so well-exposed photos
 * stay as they are; the response then eases in. */
es_tone es_tone_plan(const es_exposure *e, float strength, float target) {
  es_tone t = {1.f, 1.f, 1.f};
  float key = log2f(target / fmaxf(e->log_average, 1e-4f));
  float high = log2f(0.92f / fmaxf(e->p999, 1e-4f));
  float lg = 0.5f * key + 0.5f * high;
  if (lg > 5.f) lg = 5.f; /* 32x at most: beyond that there is only noise to lift */
  float ease = lg <= 0.3f ? 0.f : lg >= 0.9f ? 1.f : (lg - 0.3f) / 0.6f;
  ease = ease * ease * (3.f - 2.f * ease);
  lg = lg > 0.f ? lg * ease * strength : 0.f;
  t.gain = exp2f(lg);
  t.knee = 0.75f;
  /* Roll off only what the gain pushes past white, with a little headroom over the 99.9th
   * percentile; without a gain the curve is the identity. */
  float top = t.gain * fmaxf(e->p999, e->p99);
  t.white = top > 1.f ? top * 1.15f : 1.f;
  return t;
}

float es_tone_curve(const es_tone *t, float y) {
  if (y <= t->knee || t->white <= 1.f) return y < 1.f ? y : 1.f;
  float r = (t->white - t->knee) / (1.f - t->knee); /* slope the shoulder must start with */
  float u = (y - t->knee) / (t->white - t->knee);
  if (u >= 1.f) return 1.f;
  return t->knee + (1.f - t->knee) * (r * u / (1.f + (r - 1.f) * u));
}

void es_tone_pixel(const es_tone *t, const float in[3], float out[3]) {
  float Y = 0.2126f * in[0] + 0.7152f * in[1] + 0.0722f * in[2];
  if (Y <= 1e-6f) { out[0] = in[0] * t->gain; out[1] = in[1] * t->gain; out[2] = in[2] * t->gain; }
  else {
    float to = es_tone_curve(t, Y * t->gain), ratio = to / Y;
    out[0] = in[0] * ratio; out[1] = in[1] * ratio; out[2] = in[2] * ratio;
    /* A saturated colour can leave the gamut when lifted: pull it toward its own grey
     * just enough, which keeps hue and luminance. */
    float mx = fmaxf(out[0], fmaxf(out[1], out[2]));
    if (mx > 1.f) {
      float s = (1.f - to) / (mx - to);
      for (int k = 0; k < 3; k++) out[k] = to + (out[k] - to) * s;
    }
  }
  for (int k = 0; k < 3; k++) out[k] = out[k] < 0.f ? 0.f : out[k] > 1.f ? 1.f : out[k];
}
