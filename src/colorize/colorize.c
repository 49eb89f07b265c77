/* colorize.c - studio_model and studio_colorize: the pre- and post-processing around the
 * network, as OpenCV's colorization sample does it (so the two can be compared). */
#include "guided.h"
#include "readout.h"
#include "../api/context.h"
#include "../color/color.h"
#include "../core/parallel.h"
#include "../model/caffe.h"
#include "../model/eccv16.h"
#include "../model/modelfile.h"
#include "../net/eccv16_net.h"
#include "../resample/resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct studio_model {
  es_caffe_net caffe;          /* the weights (kept: a network is built per input size) */
  uint8_t *file;               /* a converted file's bytes, when its f32 tensors are carved from them */
  int int8;                    /* an int8 file: run the quantized operators */
  float bins[2 * ES_AB_BINS];  /* ab centres */
  es_eccv16_net *net;          /* for net_size */
  int net_size;
  float *logits;               /* the last run's output, (net_size/4)^2 x 313 */
  float *low_l;                /* the L the network saw, at its output size (q x q) */
  float *confidence;           /* the last call's 1 - entropy, q x q */
  int q;                       /* the last run's output size */
  uint64_t logits_key;         /* digest of the image it came from (0: none) */
};

void studio_colorize_defaults(studio_colorize_options *o) {
  o->vibrance = 1.f / 2.606f;
  o->saturation = 1.f;
  o->size = 224;
  o->edge_aware = 0;
}

const float *studio_colorize_confidence(const studio_model *m, int *w, int *h) {
  if (!m || !m->confidence) return NULL;
  if (w) *w = m->q;
  if (h) *h = m->q;
  return m->confidence;
}

void studio_model_free(studio_model *m) {
  if (!m) return;
  es_eccv16_net_destroy(m->net);
  es_caffe_free(&m->caffe);
  free(m->file);
  free(m->logits); free(m->low_l); free(m->confidence);
  free(m);
}

studio_status studio_model_load(studio_ctx *ctx, const uint8_t *data, size_t len, const uint8_t *pts, size_t pts_len, studio_model **out) {
  if (!ctx || !out || (!data && len)) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_model_load: NULL argument") : STUDIO_E_ARGUMENT;
  *out = NULL;
  studio_model *m = calloc(1, sizeof *m);
  if (!m) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  studio_status s;
  if (es_model_is_file(data, len)) {
    es_precision p;
    m->file = malloc(len ? len : 1);
    if (!m->file) { studio_model_free(m); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
    memcpy(m->file, data, len);
    s = es_model_read(ctx, m->file, len, &m->caffe, &p);
    m->int8 = p == ES_PRECISION_INT8;
  } else {
    s = es_caffe_read(ctx, data, len, &m->caffe);
  }
  if (!s) s = es_eccv16_check(ctx, &m->caffe);
  if (!s) s = es_eccv16_complete(ctx, &m->caffe, pts, pts_len);
  /* the network is built now for an early, clear refusal and for the default size */
  if (!s) { s = es_eccv16_net_create(ctx, &m->caffe, 224, m->int8, &m->net); m->net_size = 224; }
  if (s) { studio_model_free(m); return s; }
  const es_caffe_layer *ab = es_caffe_find(&m->caffe, "class8_ab");
  for (int i = 0; i < ES_AB_BINS; i++) { m->bins[2 * i] = ab->blobs[0].data[i]; m->bins[2 * i + 1] = ab->blobs[0].data[ES_AB_BINS + i]; }
  *out = m;
  return es_ok(ctx);
}

/* ---- the output, row by row on the pool: the input's own L joined with ab enlarged from
 * the network's quarter-size output, bilinearly (OpenCV's pixel centres) or guided by L.
 * Nothing full-size but the input and the output is ever held. ---- */

typedef struct {
  const studio_image *in;
  studio_image *out;
  const float *ab;   /* q x q x 2 */
  int q;
  es_axis ax, ay;    /* q -> w and q -> h, bilinear */
  const es_guided *guided; /* or this, with the L the network saw */
  const float *low_l;
  float lin[256];    /* 8-bit sRGB -> linear */
  float grey_l[256]; /* 8-bit grey -> L: most inputs here are black and white */
  es_srgb8_encoder enc;
} out_job;

static void out_rows(void *arg, size_t start, size_t count) {
  out_job *j = arg;
  const studio_image *in = j->in;
  const int w = in->width, c = j->out->channels, ic = in->channels, q = j->q;
  float lab[3 * 64];
  for (size_t y = start; y < start + count; y++) {
    const uint8_t *src = in->pixels + y * in->stride;
    uint8_t *o = j->out->pixels + y * j->out->stride;
    const int y0 = j->guided ? 0 : j->ay.first[y];
    const float wy0 = j->guided ? 0.f : j->ay.weights[2 * y], wy1 = j->guided ? 0.f : j->ay.weights[2 * y + 1];
    const float *r0 = j->ab + (size_t)y0 * q * 2, *r1 = j->ab + (size_t)(y0 + 1 < q ? y0 + 1 : y0) * q * 2;
    for (int x0 = 0; x0 < w; x0 += 64) {
      int n = w - x0 < 64 ? w - x0 : 64;
      for (int i = 0; i < n; i++) {
        const uint8_t *p = src + (size_t)(x0 + i) * ic;
        if (ic < 3 || (p[0] == p[1] && p[1] == p[2])) lab[3 * i] = j->grey_l[p[0]];
        else lab[3 * i] = es_lab_lightness(j->lin[p[0]], j->lin[p[1]], j->lin[p[2]]);
        if (j->guided) continue;
        int x = x0 + i, a0 = j->ax.first[x], a1 = a0 + 1 < q ? a0 + 1 : a0;
        float wx0 = j->ax.weights[2 * x], wx1 = j->ax.weights[2 * x + 1];
        for (int k = 0; k < 2; k++)
          lab[3 * i + 1 + k] = wy0 * (wx0 * r0[2 * a0 + k] + wx1 * r0[2 * a1 + k]) + wy1 * (wx0 * r1[2 * a0 + k] + wx1 * r1[2 * a1 + k]);
      }
      if (j->guided) es_guided_row(j->guided, j->ab, j->low_l, (int)y, x0, n, lab);
      es_lab_to_linear(lab, lab, (size_t)n);
      for (int i = 0; i < n; i++) {
        uint8_t *d = o + (size_t)(x0 + i) * c;
        for (int k = 0; k < 3; k++) d[k] = es_srgb8(&j->enc, lab[3 * i + k]);
        if (c == 4) d[3] = src[(size_t)(x0 + i) * ic + ic - 1]; /* alpha untouched */
      }
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
  if (o.edge_aware != 0 && o.edge_aware != 1) return es_fail(ctx, STUDIO_E_ARGUMENT, "colorize option edge_aware must be 0 or 1, not %d", o.edge_aware);
  const int w = in->width, h = in->height, S = o.size, q = S / 4;
  studio_status s = studio_image_alloc(ctx, w, h, in->channels == 2 || in->channels == 4 ? 4 : 3, out);
  if (s) return s;
  float *small = malloc(sizeof(float) * 3 * (size_t)S * S), *ab = malloc(sizeof(float) * 2 * (size_t)q * q);
  out_job oj = {in, out, ab, q, {0}, {0}, NULL, NULL, {0}};
  es_guided guided = {0};
  if (!small || !ab) { s = es_fail(ctx, STUDIO_E_NOMEM, "out of memory colorizing a %dx%d image", w, h); goto done; }
  uint64_t key = studio_image_digest(in) ^ (uint64_t)S * 0x9E3779B97F4A7C15ull;
  if (!m->logits || m->logits_key != key) {
    if (m->net_size != S) {
      es_eccv16_net_destroy(m->net);
      m->net = NULL;
      if ((s = es_eccv16_net_create(ctx, &m->caffe, S, m->int8, &m->net))) goto done;
      m->net_size = S;
    }
    /* the network sees the image shrunk in sRGB (straight from the 8-bit pixels) and then
     * converted, as OpenCV's sample feeds it; grey and alpha images are read as RGB */
    es_axis ax = {0}, ay = {0};
    int rc = es_axis_bilinear(&ax, w, S) || es_axis_bilinear(&ay, h, S);
    if (!rc) {
      if (in->channels == 3) {
        es_resample_job job = {in->pixels, ES_U8, in->stride, w, h, small, ES_F32, (size_t)S * 12, 3};
        rc = es_resample(ctx->pool, &job, &ax, &ay);
      } else {
        /* 1, 2 or 4 channels: shrink all of them, then keep the colour ones */
        float *tmp = malloc(sizeof(float) * (size_t)in->channels * S * S);
        es_resample_job job = {in->pixels, ES_U8, in->stride, w, h, tmp, ES_F32, (size_t)S * 4 * in->channels, in->channels};
        rc = !tmp || es_resample(ctx->pool, &job, &ax, &ay);
        for (size_t i = 0; !rc && i < (size_t)S * S; i++)
          for (int k = 0; k < 3; k++) small[3 * i + k] = tmp[i * in->channels + (in->channels >= 3 ? k : 0)];
        free(tmp);
      }
    }
    es_axis_free(&ax); es_axis_free(&ay);
    if (rc) { s = es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); goto done; }
    for (size_t i = 0; i < (size_t)S * S * 3; i++) small[i] *= 1.f / 255.f;
    es_rgb_to_lab(small, small, (size_t)S * S);
    for (size_t i = 0; i < (size_t)S * S; i++) small[i] = small[3 * i] - 50.f; /* L - 50, packed in place */
    free(m->logits); free(m->low_l); free(m->confidence);
    m->logits = malloc(sizeof(float) * (size_t)q * q * ES_AB_BINS);
    m->low_l = malloc(sizeof(float) * (size_t)q * q);
    m->confidence = malloc(sizeof(float) * (size_t)q * q);
    m->logits_key = 0;
    m->q = q;
    if (!m->logits || !m->low_l || !m->confidence) { s = es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); goto done; }
    /* each output sample of the network covers 4x4 of its input */
    for (int y = 0; y < q; y++)
      for (int x = 0; x < q; x++) {
        float sum = 0.f;
        for (int k = 0; k < 16; k++) sum += small[(size_t)(4 * y + k / 4) * S + 4 * x + k % 4];
        m->low_l[(size_t)y * q + x] = sum / 16.f + 50.f;
      }
    if ((s = es_eccv16_net_run(ctx, m->net, small, m->logits))) goto done;
    m->logits_key = key;
  }
  es_ab_readout(m->logits, (size_t)q * q, 1.f / o.vibrance, m->bins, o.saturation, ab, m->confidence);
  for (size_t i = 0; i < (size_t)q * q; i++) m->confidence[i] = 1.f - m->confidence[i];
  for (int i = 0; i < 256; i++) oj.lin[i] = es_srgb_to_linear(i / 255.f);
  for (int i = 0; i < 256; i++) oj.grey_l[i] = es_lab_lightness(oj.lin[i], oj.lin[i], oj.lin[i]);
  es_srgb8_init(&oj.enc);
  if (o.edge_aware) {
    if (es_guided_init(&guided, q, w, h)) { s = es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); goto done; }
    oj.guided = &guided;
    oj.low_l = m->low_l;
  } else if (es_axis_bilinear(&oj.ax, q, w) || es_axis_bilinear(&oj.ay, q, h)) { s = es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); goto done; }
  es_parallel_tiles(ctx->pool, (size_t)h, 16, out_rows, &oj);
  s = es_ok(ctx);
done:
  es_axis_free(&oj.ax); es_axis_free(&oj.ay);
  es_guided_free(&guided);
  free(small); free(ab);
  if (s) studio_image_free(out);
  return s;
}

studio_status studio_model_convert(studio_ctx *ctx, const uint8_t *data, size_t len, const uint8_t *pts, size_t pts_len, const char *precision,
                                   uint8_t **out, size_t *out_len) {
  if (!ctx || !out || !out_len || (!data && len)) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_model_convert: NULL argument") : STUDIO_E_ARGUMENT;
  es_precision p;
  const char *pr = precision ? precision : "f32";
  if (strcmp(pr, "f32") == 0) p = ES_PRECISION_F32;
  else if (strcmp(pr, "f16") == 0) p = ES_PRECISION_F16;
  else if (strcmp(pr, "int8") == 0) p = ES_PRECISION_INT8;
  else return es_fail(ctx, STUDIO_E_ARGUMENT, "precision is f32, f16 or int8, not '%s'", pr);
  es_caffe_net net;
  studio_status s = es_caffe_read(ctx, data, len, &net);
  if (s) return s;
  if (!(s = es_eccv16_check(ctx, &net)) && !(s = es_eccv16_complete(ctx, &net, pts, pts_len))) s = es_model_write(ctx, &net, p, out, out_len);
  es_caffe_free(&net);
  return s;
}
