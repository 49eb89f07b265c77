/* convert.c - studio_model_convert: a checked caffemodel to our model file, int8 only where
 * es_int8_check proves it (int8_check.h). */
#include "int8_check.h"
#include "../api/context.h"
#include "../model/eccv16.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

studio_status es_model_convert(studio_ctx *ctx, const uint8_t *data, size_t len, const uint8_t *pts, size_t pts_len, const char *precision,
                               float bound, uint8_t **out, size_t *out_len, studio_convert_report *report) {
  if (!ctx || !out || !out_len || (!data && len)) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_model_convert: NULL argument") : STUDIO_E_ARGUMENT;
  studio_convert_report r = {{0}, 0, 0, 0.f, 0.f, bound};
  es_precision p;
  const char *pr = precision ? precision : "f32";
  if (strcmp(pr, "f32") == 0) p = ES_PRECISION_F32;
  else if (strcmp(pr, "f16") == 0) p = ES_PRECISION_F16;
  else if (strcmp(pr, "int8") == 0) p = ES_PRECISION_INT8;
  else return es_fail(ctx, STUDIO_E_ARGUMENT, "precision is f32, f16 or int8, not '%s'", pr);
  *out = NULL;
  es_caffe_net net;
  studio_status s = es_caffe_read(ctx, data, len, &net);
  if (s) return s;
  if (!(s = es_eccv16_check(ctx, &net)) && !(s = es_eccv16_complete(ctx, &net, pts, pts_len))) s = es_model_write(ctx, &net, p, out, out_len);
  if (!s && p == ES_PRECISION_INT8) {
    es_caffe_net q;
    es_precision got;
    if (!(s = es_model_read(ctx, *out, *out_len, &q, &got))) {
      s = es_int8_check(ctx, &net, &q, &r.p99, &r.max);
      es_caffe_free(&q);
    }
    r.int8_checked = !s;
    if (!s && !(r.p99 <= bound)) {
      r.int8_refused = 1;
      free(*out);
      *out = NULL;
      s = es_model_write(ctx, &net, p = ES_PRECISION_F16, out, out_len);
    }
  }
  es_caffe_free(&net);
  if (s) { free(*out); *out = NULL; return s; }
  snprintf(r.precision, sizeof r.precision, "%s", p == ES_PRECISION_F32 ? "f32" : p == ES_PRECISION_F16 ? "f16" : "int8");
  if (report) *report = r;
  return es_ok(ctx);
}

studio_status studio_model_convert(studio_ctx *ctx, const uint8_t *data, size_t len, const uint8_t *pts, size_t pts_len, const char *precision,
                                   uint8_t **out, size_t *out_len, studio_convert_report *report) {
  return es_model_convert(ctx, data, len, pts, pts_len, precision, ES_INT8_P99_BOUND, out, out_len, report);
}
