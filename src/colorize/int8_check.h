/* int8_check.h - int8 only where it is proven. An int8 model file changes the network's
 * arithmetic (weights to 8 bits per output channel, activations quantized per image on the
 * fly), and how much that moves the colours depends on the weights: it was measured on
 * synthetic weights only, and the released ones cannot be checked here. So every int8
 * conversion runs the converted network and its f32 original on the calibration images
 * (calibration.h) and compares their colours; conversion keeps int8 only when they agree.
 * (Not public.) */
#ifndef STUDIO_INT8_CHECK_H
#define STUDIO_INT8_CHECK_H
#include "../api/studio.h"
#include "../model/caffe.h"
#include "../model/modelfile.h"

/* The bound on the 99th percentile of |delta ab| (a*b* units) int8 must keep to, set from the
 * synthetic models (`studio convert --precision int8` prints the figures): synthetic-1 gives
 * 0.64 (max 1.15), synthetic-2 0.94 (max 2.02). The bound allows the released weights about
 * twice the worse of the two and stays under one just-noticeable colour difference (about
 * 2.3 in a*b*): a photo converted in int8 then looks the same as in f32. */
#define ES_INT8_P99_BOUND 2.0f

/* Runs f32 (checked and completed; direct convolutions, the reference) and int8 (read from
 * an int8 model file) at 224 on every calibration image; |delta ab| is the distance in the
 * a*b* plane per network output cell, at the model's own temperature. */
studio_status es_int8_check(studio_ctx *ctx, const es_caffe_net *f32, const es_caffe_net *int8, float *p99, float *max);

/* studio_model_convert with the bound as a parameter (the tests force the fallback with 0). */
studio_status es_model_convert(studio_ctx *ctx, const uint8_t *data, size_t len, const uint8_t *pts, size_t pts_len, const char *precision,
                               float bound, uint8_t **out, size_t *out_len, studio_convert_report *report);
#endif
