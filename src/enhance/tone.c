/* tone.c - brightening in linear light: one gain for the scene, chosen from the analysis,
 * and a highlight shoulder so the brightest parts roll off instead of clipping. The gain
 * scales luminance; colour rides along as a ratio, so saturation is kept. */
#include "enhance.h"

#include <math.h>

/* Two views of "how many stops brighter": the highlights against white (exact for a frame
 * that is underexposed as a whole, and never blows highlights) and the log-average against
 * the target key. The highlights decide; the key adds half of what it asks beyond them and a
 * half-stop margin, which lifts night scenes whose lamps are already bright, as long as the
 * brightest percent stays below the knee. Below ~1.3x nothing changes, so well-exposed photos
 * stay as they are; the response then eases in. */
es_tone es_tone_plan(const es_exposure *e, float strength, float target) {
  es_tone t = {1.f, 0.f, 1.f, 1.f, 0.f, 0.f, 0.f};
  float key = log2f(target / fmaxf(e->log_average, 1e-4f));
  float high = log2f(0.92f / fmaxf(e->bright, 1e-4f)); /* per channel: a bright blue sky counts */
  float lg = high + 0.5f * fmaxf(0.f, key - high - 0.5f);
  /* ... but the key may not push the brightest percent of the image past the shoulder's
   * knee: a night scene's few lamps may roll off, a sky may not be bleached */
  float area = log2f(0.75f / fmaxf(e->bright99, 1e-4f));
  if (lg > high && lg > area) lg = high > area ? high : area;
  if (lg > 5.f) lg = 5.f; /* 32x at most: beyond that there is only noise to lift */
  float ease = lg <= 0.3f ? 0.f : lg >= 0.9f ? 1.f : (lg - 0.3f) / 0.6f;
  ease = ease * ease * (3.f - 2.f * ease);
  lg = lg > 0.f ? lg * ease * strength : 0.f;
  t.gain = exp2f(lg);
  t.knee = 0.75f;
  /* What the gain could not do without bleaching the bright areas, a shadow lift does: it
   * moves the key halfway (in stops) from where the gain left it toward the target. */
  float key_after = e->log_average * t.gain, dark = log2f(target / fmaxf(key_after, 1e-4f));
  if (dark > 0.75f && strength > 0.f) {
    float goal = exp2f(log2f(key_after) + 0.5f * strength * (dark - 0.75f));
    t.lift = (goal - key_after) / (key_after * (1.f - goal));
    if (t.lift > 16.f) t.lift = 16.f;
  }
  /* how much of a low-light image this is, whichever of gain or lift treats it */
  t.stops = fmaxf(lg, dark - 0.75f);
  t.key_deficit = dark;
  t.effect = es_tone_effect(t.stops, strength);
  /* Roll off only what the gain pushes past white, up to the brightest channel's 99.99th
   * percentile with some headroom for single pixels; without a gain the curve is the identity. */
  float top = t.gain * e->peak;
  t.white = top > 1.f ? top * 1.25f : 1.f;
  return t;
}

/* Under a third of a stop is no low-light image; from about a stop, fully one. */
float es_tone_effect(float stops, float strength) {
  return es_smoothstep(0.3f, 0.9f, stops) * strength;
}

float es_tone_curve(const es_tone *t, float y) {
  if (t->lift > 0.f) { float c = y < 1.f ? y : 1.f; y = y + (c * (1.f + t->lift) / (1.f + t->lift * c) - c); }
  if (y <= t->knee || t->white <= 1.f) return y < 1.f ? y : 1.f;
  float r = (t->white - t->knee) / (1.f - t->knee); /* slope the shoulder must start with */
  float u = (y - t->knee) / (t->white - t->knee);
  if (u >= 1.f) return 1.f;
  return t->knee + (1.f - t->knee) * (r * u / (1.f + (r - 1.f) * u));
}

void es_tone_pixel(const es_tone *t, const float in[3], float out[3]) {
  float m = fmaxf(in[0], fmaxf(in[1], in[2]));
  float ratio = m <= 1e-6f ? t->gain : es_tone_curve(t, m * t->gain) / m;
  for (int k = 0; k < 3; k++) {
    float v = in[k] * ratio;
    out[k] = v < 0.f ? 0.f : v > 1.f ? 1.f : v;
  }
}
