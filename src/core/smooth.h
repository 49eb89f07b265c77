/* smooth.h - how every stage eases a decision in. (Not public.) */
#ifndef STUDIO_SMOOTH_H
#define STUDIO_SMOOTH_H

/* x held to lo..hi. */
static inline float es_clampf(float x, float lo, float hi) { return x < lo ? lo : x > hi ? hi : x; }

/* 0 below e0, 1 above e1, a smooth cubic between. */
static inline float es_smoothstep(float e0, float e1, float x) {
  float u = (x - e0) / (e1 - e0);
  u = es_clampf(u, 0.f, 1.f);
  return u * u * (3.f - 2.f * u);
}

#endif
