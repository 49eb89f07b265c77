/* resize.c - studio_resize, the public face of the resampling engine. */
#include "resample.h"
#include "../api/context.h"

studio_status studio_resize(studio_ctx *ctx, const studio_image *in, int w, int h, studio_resize_filter filter,
                            studio_image *out) {
  if (!ctx || !in || !in->pixels || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_resize: NULL argument") : STUDIO_E_ARGUMENT;
  if (filter != STUDIO_RESIZE_BILINEAR && filter != STUDIO_RESIZE_AREA) return es_fail(ctx, STUDIO_E_ARGUMENT, "unknown resize filter %d", (int)filter);
  studio_status s = studio_image_alloc(ctx, w, h, in->channels, out);
  if (s) return s;
  es_axis ax = {0}, ay = {0};
  int (*build)(es_axis *, int, int) = filter == STUDIO_RESIZE_AREA ? es_axis_area : es_axis_bilinear;
  es_resample_job job = {in->pixels, ES_U8, in->stride, in->width, in->height, out->pixels, ES_U8, out->stride, in->channels};
  int rc = build(&ax, in->width, w) || build(&ay, in->height, h) || es_resample(ctx->pool, &job, &ax, &ay);
  es_axis_free(&ax); es_axis_free(&ay);
  if (rc) { studio_image_free(out); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory while resizing to %dx%d", w, h); }
  return es_ok(ctx);
}
