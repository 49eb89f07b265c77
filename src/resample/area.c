/* area.c - the area (box) weight table for shrinking, as OpenCV's INTER_AREA: each output
 * sample averages the source samples its footprint covers, edge samples weighted by the
 * fraction covered. Enlarging has no footprint to average, so it uses bilinear. */
#include "resample.h"

#include <math.h>
#include <stdlib.h>

int es_axis_area(es_axis *ax, int src_size, int dst_size) {
  if (dst_size >= src_size) return es_axis_bilinear(ax, src_size, dst_size);
  double scale = (double)src_size / dst_size;
  int taps = (int)ceil(scale) + 1;
  ax->out_size = dst_size; ax->taps = taps;
  ax->first = malloc(sizeof(int) * (size_t)dst_size);
  ax->weights = calloc((size_t)dst_size * taps, sizeof(float));
  if (!ax->first || !ax->weights) { es_axis_free(ax); return -1; }
  for (int i = 0; i < dst_size; i++) {
    double lo = i * scale, hi = lo + scale;
    if (hi > src_size) hi = src_size;
    int first = (int)floor(lo);
    float *w = ax->weights + (size_t)i * taps;
    double cell = hi - lo;
    for (int k = 0; k < taps; k++) {
      int s = first + k;
      if (s >= src_size) break;
      double a = s < lo ? lo : s, b = s + 1 > hi ? hi : s + 1;
      if (b > a) w[k] = (float)((b - a) / cell);
    }
    ax->first[i] = first;
  }
  return 0;
}
