/* colorize.c - studio_model and studio_colorize: the pre- and post-processing around the
 * network, as OpenCV's colorization sample does it (so the two can be compared). */
#include "readout.h"
#include "../api/context.h"
#include "../color/color.h"
#include "../core/parallel.h"
#include "../model/caffe.h"
#include "../model/npy.h"
#include "../net/eccv16_net.h"
#include "../resample/resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct studio_model {
  es_caffe_net caffe;          /* the weights (kept: a network is built per input size) */
  float bins[2 * ES_AB_BINS];  /* ab centres */
  es_eccv16_net *net;          /* for net_size */
  int net_size;
  float *logits;               /* the last run's output, (net_size/4)^2 x 313 */
  uint64_t logits_key;         /* digest of the image it came from (0: none) */
};

void studio_colorize_defaults(studio_colorize_options *o) {
  o->vibrance = 1.f / 2.606f;
  o->saturation = 1.f;
  o->size = 224;
}

void studio_model_free(studio_model *m) {
  if (!m) return;
  es_eccv16_net_destroy(m->net);
  es_caffe_free(&m->caffe);
  free(m->logits);
  free(m);
}

studio_status studio_model_load(studio_ctx *ctx, const uint8_t *data, size_t len, const uint8_t *pts, size_t pts_len, studio_model **out) {
  if (!ctx || !out || (!data && len)) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_model_load: NULL argument") : STUDIO_E_ARGUMENT;
  *out = NULL;
  studio_model *m = calloc(1, sizeof *m);
  if (!m) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  studio_status s = es_caffe_read(ctx, data, len, &m->caffe);
  if (!s) {
    /* the network check happens when a network is built; do it now for an early, clear refusal */
    es_eccv16_net *probe = NULL;
    s = es_eccv16_net_create(ctx, &m->caffe, 224, &probe);
    m->net = probe; m->net_size = 224;
  }
  if (s) { studio_model_free(m); return s; }
  const es_caffe_layer *ab = es_caffe_find(&m->caffe, "class8_ab");
  int have = 0;
  if (ab && ab->nblobs >= 1)
    for (int i = 0; i < 2 * ES_AB_BINS && !have; i++) have = ab->blobs[0].data[i] != 0.f;
  if (have) {
    for (int i = 0; i < ES_AB_BINS; i++) { m->bins[2 * i] = ab->blobs[0].data[i]; m->bins[2 * i + 1] = ab->blobs[0].data[ES_AB_BINS + i]; }
  } else {
    es_npy p;
    if (!pts) { studio_model_free(m); return es_fail(ctx, STUDIO_E_ARGUMENT, "the model has no ab bin centres (class8_ab is empty): give pts_in_hull.npy too"); }
    if ((s = es_npy_read(ctx, pts, pts_len, &p))) { studio_model_free(m); return s; }
    if (p.count != 2 * ES_AB_BINS) { es_npy_free(&p); studio_model_free(m); return es_fail(ctx, STUDIO_E_FORMAT, "pts_in_hull.npy should hold 313 x 2 values, not %zu", p.count); }
    memcpy(m->bins, p.data, sizeof m->bins);
    es_npy_free(&p);
  }
  *out = m;
  return es_ok(ctx);
}

/* ---- per-pixel stages over rows, on the pool ---- */

typedef struct {
  const studio_image *in;
  float *lab;          /* w x h x 3 (L of the input, then ab joined in) */
  const float *ab;     /* w x h x 2, for the output pass */
  studio_image *out;
} rows_t;

static void rgb_row(const studio_image *in, int y, float *rgb) {
  const uint8_t *p = in->pixels + (size_t)y * in->stride;
  for (int x = 0; x < in->width; x++, p += in->channels)
    for (int k = 0; k < 3; k++) rgb[3 * x + k] = p[in->channels >= 3 ? k : 0] / 255.f;
}

static void to_lab(void *arg, size_t start, size_t count) {
  rows_t *r = arg;
  for (size_t y = start; y < start + count; y++) {
    float *lab = r->lab + y * (size_t)r->in->width * 3;
    rgb_row(r->in, (int)y, lab);
    es_rgb_to_lab(lab, lab, (size_t)r->in->width);
  }
}

static void to_out(void *arg, size_t start, size_t count) {
  rows_t *r = arg;
  const int w = r->in->width, c = r->out->channels;
  for (size_t y = start; y < start + count; y++) {
    float *lab = r->lab + y * (size_t)w * 3;
    const float *ab = r->ab + y * (size_t)w * 2;
    for (int x = 0; x < w; x++) { lab[3 * x + 1] = ab[2 * x]; lab[3 * x + 2] = ab[2 * x + 1]; }
    es_lab_to_rgb(lab, lab, (size_t)w); /* clamped to 0..1 */
    uint8_t *o = r->out->pixels + y * r->out->stride;
    const uint8_t *src = r->in->pixels + y * r->in->stride;
    for (int x = 0; x < w; x++) {
      for (int k = 0; k < 3; k++) o[c * x + k] = (uint8_t)(lab[3 * x + k] * 255.f + 0.5f);
      if (c == 4) o[c * x + 3] = src[x * r->in->channels + r->in->channels - 1]; /* alpha untouched */
    }
  }
}

studio_status studio_colorize(studio_ctx *ctx, studio_model *m, const studio_image *in, const studio_colorize_options *opt_in, studio_image *out) {
  if (!ctx || !m || !in || !in->pixels || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_colorize: NULL argument") : STUDIO_E_ARGUMENT;
  out->pixels = NULL;
  studio_colorize_options o;
  if (opt_in) o = *opt_in; else studio_colorize_defaults(&o);
  if (!(o.vibrance >= 0.1f && o.vibrance <= 1.f)) return es_fail(ctx, STUDIO_E_ARGUMENT, "colorize option vibrance must be in 0.1..1, not %g", (double)o.vibrance);
  if (!(o.saturation >= 0.f && o.saturation <= 2.f)) return es_fail(ctx, STUDIO_E_ARGUMENT, "colorize option saturation must be in 0..2, not %g", (double)o.saturation);
  if (o.size < 8 || o.size > 512 || o.size % 8) return es_fail(ctx, STUDIO_E_ARGUMENT, "colorize option size must be a multiple of 8 in 8..512, not %d", o.size);
  const int w = in->width, h = in->height, S = o.size, q = S / 4;
  studio_status s = studio_image_alloc(ctx, w, h, in->channels == 2 || in->channels == 4 ? 4 : 3, out);
  if (s) return s;
  float *lab = malloc(sizeof(float) * 3 * (size_t)w * h), *ab_full = malloc(sizeof(float) * 2 * (size_t)w * h);
  float *small = malloc(sizeof(float) * 3 * (size_t)S * S), *ab = malloc(sizeof(float) * 2 * (size_t)q * q);
  if (!lab || !ab_full || !small || !ab) { s = es_fail(ctx, STUDIO_E_NOMEM, "out of memory colorizing a %dx%d image", w, h); goto done; }
  rows_t r = {in, lab, ab_full, out};
  es_parallel_tiles(ctx->pool, (size_t)h, 16, to_lab, &r);

  uint64_t key = studio_image_digest(in) ^ (uint64_t)S * 0x9E3779B97F4A7C15ull;
  if (!m->logits || m->logits_key != key) {
    if (m->net_size != S) {
      es_eccv16_net_destroy(m->net);
      m->net = NULL;
      if ((s = es_eccv16_net_create(ctx, &m->caffe, S, &m->net))) goto done;
      m->net_size = S;
    }
    /* the network sees the image shrunk in sRGB and converted, as OpenCV's sample feeds it */
    float *rgb = malloc(sizeof(float) * 3 * (size_t)w * h);
    if (!rgb) { s = es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); goto done; }
    for (int y = 0; y < h; y++) rgb_row(in, y, rgb + (size_t)y * w * 3);
    es_axis ax = {0}, ay = {0};
    es_resample_job job = {rgb, ES_F32, (size_t)w * 12, w, h, small, ES_F32, (size_t)S * 12, 3};
    int rc = es_axis_bilinear(&ax, w, S) || es_axis_bilinear(&ay, h, S) || es_resample(ctx->pool, &job, &ax, &ay);
    es_axis_free(&ax); es_axis_free(&ay); free(rgb);
    if (rc) { s = es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); goto done; }
    es_rgb_to_lab(small, small, (size_t)S * S);
    for (size_t i = 0; i < (size_t)S * S; i++) small[i] = small[3 * i] - 50.f; /* L - 50, packed in place */
    free(m->logits);
    m->logits = malloc(sizeof(float) * (size_t)q * q * ES_AB_BINS);
    m->logits_key = 0;
    if (!m->logits) { s = es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); goto done; }
    if ((s = es_eccv16_net_run(ctx, m->net, small, m->logits))) goto done;
    m->logits_key = key;
  }
  es_ab_readout(m->logits, (size_t)q * q, 1.f / o.vibrance, m->bins, o.saturation, ab, NULL);
  {
    es_axis ax = {0}, ay = {0};
    es_resample_job job = {ab, ES_F32, (size_t)q * 8, q, q, ab_full, ES_F32, (size_t)w * 8, 2};
    int rc = es_axis_bilinear(&ax, q, w) || es_axis_bilinear(&ay, q, h) || es_resample(ctx->pool, &job, &ax, &ay);
    es_axis_free(&ax); es_axis_free(&ay);
    if (rc) { s = es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); goto done; }
  }
  es_parallel_tiles(ctx->pool, (size_t)h, 16, to_out, &r);
  s = es_ok(ctx);
done:
  free(lab); free(ab_full); free(small); free(ab);
  if (s) studio_image_free(out);
  return s;
}
