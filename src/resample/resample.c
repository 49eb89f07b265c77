/* resample.c - the engine: for each output row, blend the source rows it needs (vertical
 * taps) into one float row, then blend along that row (horizontal taps). Memory stays at
 * one float row per tile whatever the image size; output rows run in parallel. */
#include "resample.h"
#include "../core/parallel.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const es_resample_job *job;
  const es_axis *ax, *ay;
  atomic_int failed;
} ctx_t;

static inline float load(const es_resample_job *j, int y, size_t i) {
  const uint8_t *row = (const uint8_t *)j->src + (size_t)y * j->src_stride;
  return j->src_type == ES_U8 ? (float)row[i] : ((const float *)row)[i];
}

static void rows(void *arg, size_t start, size_t count) {
  ctx_t *c = arg;
  const es_resample_job *j = c->job;
  const int ch = j->channels;
  const size_t sw = (size_t)j->src_w * ch, dw = (size_t)c->ax->out_size * ch;
  float *line = malloc(sizeof(float) * sw);
  if (!line) { atomic_store(&c->failed, 1); return; }
  for (size_t oy = start; oy < start + count; oy++) {
    const float *wy = c->ay->weights + oy * c->ay->taps;
    int y0 = c->ay->first[oy];
    memset(line, 0, sizeof(float) * sw);
    for (int t = 0; t < c->ay->taps; t++) {
      if (wy[t] == 0.f || y0 + t >= j->src_h) continue;
      for (size_t i = 0; i < sw; i++) line[i] += wy[t] * load(j, y0 + t, i);
    }
    uint8_t *out = (uint8_t *)j->dst + oy * j->dst_stride;
    for (size_t ox = 0, o = 0; o < dw; ox++) {
      const float *wx = c->ax->weights + ox * c->ax->taps;
      const float *src = line + (size_t)c->ax->first[ox] * ch;
      int taps = c->ax->taps;
      if (c->ax->first[ox] + taps > j->src_w) taps = j->src_w - c->ax->first[ox];
      for (int k = 0; k < ch; k++, o++) {
        float v = 0.f;
        for (int t = 0; t < taps; t++) v += wx[t] * src[t * ch + k];
        if (j->dst_type == ES_U8) out[o] = (uint8_t)(v <= 0.f ? 0 : v >= 255.f ? 255 : (int)(v + 0.5f));
        else ((float *)out)[o] = v;
      }
    }
  }
  free(line);
}

int es_resample(pthreadpool_t pool, const es_resample_job *job, const es_axis *ax, const es_axis *ay) {
  ctx_t c = {job, ax, ay, 0};
  es_parallel_tiles(pool, (size_t)ay->out_size, 16, rows, &c);
  return atomic_load(&c.failed) ? -1 : 0;
}
