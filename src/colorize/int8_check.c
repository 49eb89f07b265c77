/* int8_check.c - see int8_check.h. */
#include "int8_check.h"
#include "calibration.h"
#include "readout.h"
#include "../api/context.h"
#include "../model/eccv16.h"
#include "../net/eccv16_net.h"

#include <math.h>
#include <stdlib.h>

#define SIZE 224 /* the network's default input: the size the page and the CLI run */

static int by_value(const void *a, const void *b) {
  const float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

studio_status es_int8_check(studio_ctx *ctx, const es_caffe_net *f32, const es_caffe_net *int8, float *p99, float *max) {
  const int q = SIZE / 4;
  const size_t cells = (size_t)q * q;
  float bins[2 * ES_AB_BINS];
  es_eccv16_bins(f32, bins);
  es_eccv16_net *ref = NULL, *quant = NULL;
  float *l = malloc(sizeof(float) * SIZE * SIZE), *logits = malloc(sizeof(float) * cells * ES_AB_BINS);
  float *ab_ref = malloc(sizeof(float) * cells * 2), *ab_q = malloc(sizeof(float) * cells * 2);
  float *delta = malloc(sizeof(float) * cells * ES_CALIBRATION_IMAGES);
  studio_status s = l && logits && ab_ref && ab_q && delta ? STUDIO_OK : es_fail(ctx, STUDIO_E_NOMEM, "out of memory checking the int8 model");
  if (!s) s = es_eccv16_net_create(ctx, f32, SIZE, 0, ES_CONV_DIRECT, &ref);
  if (!s) s = es_eccv16_net_create(ctx, int8, SIZE, 1, ES_CONV_DIRECT, &quant);
  for (int k = 0; !s && k < ES_CALIBRATION_IMAGES; k++) {
    if (es_progress(ctx, "checking int8", (float)k / ES_CALIBRATION_IMAGES)) { s = es_fail(ctx, STUDIO_E_CANCELLED, "cancelled"); break; }
    es_calibration_image(k, SIZE, l);
    for (int i = 0; i < SIZE * SIZE; i++) l[i] -= 50.f;
    if ((s = es_eccv16_net_run(ctx, ref, l, logits))) break;
    es_ab_readout(logits, cells, 2.606f, bins, 1.f, ab_ref, NULL);
    if ((s = es_eccv16_net_run(ctx, quant, l, logits))) break;
    es_ab_readout(logits, cells, 2.606f, bins, 1.f, ab_q, NULL);
    for (size_t i = 0; i < cells; i++) delta[k * cells + i] = hypotf(ab_q[2 * i] - ab_ref[2 * i], ab_q[2 * i + 1] - ab_ref[2 * i + 1]);
  }
  if (!s) {
    const size_t n = cells * ES_CALIBRATION_IMAGES;
    qsort(delta, n, sizeof(float), by_value);
    *p99 = delta[(size_t)(0.99 * (n - 1))];
    *max = delta[n - 1];
    es_progress(ctx, "checking int8", 1.f);
  }
  es_eccv16_net_destroy(ref); es_eccv16_net_destroy(quant);
  free(l); free(logits); free(ab_ref); free(ab_q); free(delta);
  return s;
}
