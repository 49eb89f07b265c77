/* bilinear.c - the bilinear weight table, with OpenCV's INTER_LINEAR pixel centres:
 * source x = (dst x + 0.5) * scale - 0.5, clamped at the edges. */
#include "resample.h"

#include <math.h>
#include <stdlib.h>

int es_axis_bilinear(es_axis *ax, int src_size, int dst_size) {
  ax->out_size = dst_size; ax->taps = 2;
  ax->first = malloc(sizeof(int) * (size_t)dst_size);
  ax->weights = malloc(sizeof(float) * 2 * (size_t)dst_size);
  if (!ax->first || !ax->weights) { es_axis_free(ax); return -1; }
  double scale = (double)src_size / dst_size;
  for (int i = 0; i < dst_size; i++) {
    double s = (i + 0.5) * scale - 0.5;
    int x0 = (int)floor(s);
    float f = (float)(s - x0);
    if (x0 < 0) { x0 = 0; f = 0.f; }
    if (x0 >= src_size - 1) { x0 = src_size - 1; f = 0.f; }
    /* Keep two taps inside the image: at the right edge shift left with all weight on the last. */
    if (x0 == src_size - 1 && src_size > 1) { x0 = src_size - 2; f = 1.f; }
    ax->first[i] = x0;
    ax->weights[2 * i] = 1.f - f;
    ax->weights[2 * i + 1] = src_size > 1 ? f : 0.f;
  }
  return 0;
}

void es_axis_free(es_axis *ax) {
  free(ax->first); free(ax->weights);
  ax->first = NULL; ax->weights = NULL;
}
