/* colorize.c - studio_model and studio_colorize: the pre- and post-processing around the
 * network, as OpenCV's colorization sample does it (so the two can be compared). */
#include "colorize_internal.h"
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
  int net_size, net_conv;      /* what it was built for */
  float *logits;               /* the last run's output, (net_size/4)^2 x 313 */
  float *low_l;                /* the L the network saw, at its output size (q x q) */
  float *confidence;           /* the last call's 1 - entropy, q x q */
  int q;                       /* the last run's output size */
  uint64_t logits_key;         /* digest of the image it came from (0: none) */
  int last_w, last_h;          /* that image's size */
  float inv_t;                 /* the last readout's 1/T */
};

void studio_colorize_defaults(studio_colorize_options *o) {
  o->vibrance = 1.f / 2.606f;
  o->saturation = 1.f;
  o->size = 224;
  o->edge_aware = 0;
  o->conv = STUDIO_CONV_AUTO;
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

/* owned: `data` is a malloc'd buffer handed over (kept as the model's file, or freed once a
 * caffemodel is parsed, and freed on failure); otherwise a converted file is copied. */
static studio_status model_load(studio_ctx *ctx, const uint8_t *data, size_t len, uint8_t *owned, const uint8_t *pts, size_t pts_len, studio_model **out) {
  *out = NULL;
  studio_model *m = calloc(1, sizeof *m);
  if (!m) { free(owned); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
  studio_status s;
  if (es_model_is_file(data, len)) {
    es_precision p;
    m->file = owned ? owned : malloc(len ? len : 1);
    owned = NULL;
    if (!m->file) { studio_model_free(m); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
    if (m->file != data) memcpy(m->file, data, len);
    s = es_model_read(ctx, m->file, len, &m->caffe, &p);
    m->int8 = p == ES_PRECISION_INT8;
  } else {
    s = es_caffe_read(ctx, data, len, &m->caffe);
    free(owned); /* the weights were copied out */
  }
  if (!s) s = es_eccv16_check(ctx, &m->caffe);
  if (!s) s = es_eccv16_complete(ctx, &m->caffe, pts, pts_len);
  /* the network is built now for an early, clear refusal and for the default size */
  if (!s) { s = es_eccv16_net_create(ctx, &m->caffe, 224, m->int8, ES_CONV_AUTO, &m->net); m->net_size = 224; m->net_conv = STUDIO_CONV_AUTO; }
  if (s) { studio_model_free(m); return s; }
  es_eccv16_bins(&m->caffe, m->bins);
  *out = m;
  return es_ok(ctx);
}

studio_status studio_model_load(studio_ctx *ctx, const uint8_t *data, size_t len, const uint8_t *pts, size_t pts_len, studio_model **out) {
  if (!ctx || !out || (!data && len)) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_model_load: NULL argument") : STUDIO_E_ARGUMENT;
  return model_load(ctx, data, len, NULL, pts, pts_len, out);
}

studio_status es_model_load_owned(studio_ctx *ctx, uint8_t *data, size_t len, const uint8_t *pts, size_t pts_len, studio_model **out) {
  if (!ctx || !out || (!data && len)) { free(data); return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_model_load: NULL argument") : STUDIO_E_ARGUMENT; }
  return model_load(ctx, data, len, data, pts, pts_len, out);
}

/* ---- the output, row by row on the pool: the input's own L joined with ab enlarged from
 * low-resolution fields: the network's (bilinearly with OpenCV's pixel centres, or guided by
 * L) and the colour hints' correction (guided). Nothing full-size but the input and the
 * output is ever held. ---- */

typedef struct {
  const es_ab_field *f;
  es_axis ax, ay;      /* bilinear tables (bilinear mode) */
  es_guided guided;    /* guided mode */
  int same;            /* the field has the photo's size: read as it is */
} field_job;

typedef struct {
  const studio_image *in;
  studio_image *out;
  field_job base, corr;
  es_l8_table l8;
  es_srgb8_encoder enc;
} out_job;

static int field_init(field_job *j, const es_ab_field *f, int w, int h) {
  memset(j, 0, sizeof *j);
  j->f = f;
  if (!f || !f->ab) return 0;
  if (f->w == w && f->h == h) { j->same = 1; return 0; }
  if (f->taps) return es_guided_init(&j->guided, f->w, f->h, w, h, f->taps);
  return es_axis_bilinear(&j->ax, f->w, w) || es_axis_bilinear(&j->ay, f->h, h) ? -1 : 0;
}

static void field_free(field_job *j) {
  es_axis_free(&j->ax); es_axis_free(&j->ay);
  es_guided_free(&j->guided);
}

/* ab of pixels x0..x0+n-1 of row y written (add 0) or added (add 1) into lab */
static void field_row(const field_job *j, int y, int x0, int n, float *lab, int add) {
  const es_ab_field *f = j->f;
  if (!f || !f->ab) { if (!add) for (int i = 0; i < n; i++) lab[3 * i + 1] = lab[3 * i + 2] = 0.f; return; }
  if (j->same) {
    const float *src = f->ab + 2 * ((size_t)y * f->w + x0);
    for (int i = 0; i < n; i++)
      for (int k = 0; k < 2; k++) lab[3 * i + 1 + k] = (add ? lab[3 * i + 1 + k] : 0.f) + src[2 * i + k];
    return;
  }
  if (f->taps) { es_guided_row(&j->guided, f->ab, f->low_l, y, x0, n, lab, add); return; }
  const int q = f->w, y0 = j->ay.first[y];
  const float wy0 = j->ay.weights[2 * y], wy1 = j->ay.weights[2 * y + 1];
  const float *r0 = f->ab + (size_t)y0 * q * 2, *r1 = f->ab + (size_t)(y0 + 1 < f->h ? y0 + 1 : y0) * q * 2;
  for (int i = 0; i < n; i++) {
    int x = x0 + i, a0 = j->ax.first[x], a1 = a0 + 1 < q ? a0 + 1 : a0;
    float wx0 = j->ax.weights[2 * x], wx1 = j->ax.weights[2 * x + 1];
    for (int k = 0; k < 2; k++)
      lab[3 * i + 1 + k] = (add ? lab[3 * i + 1 + k] : 0.f) + wy0 * (wx0 * r0[2 * a0 + k] + wx1 * r0[2 * a1 + k]) +
                           wy1 * (wx0 * r1[2 * a0 + k] + wx1 * r1[2 * a1 + k]);
  }
}

static void out_rows(void *arg, size_t start, size_t count) {
  out_job *j = arg;
  const studio_image *in = j->in;
  const int w = in->width, c = j->out->channels, ic = in->channels;
  float lab[3 * 64];
  for (size_t y = start; y < start + count; y++) {
    const uint8_t *src = in->pixels + y * in->stride;
    uint8_t *o = j->out->pixels + y * j->out->stride;
    for (int x0 = 0; x0 < w; x0 += 64) {
      int n = w - x0 < 64 ? w - x0 : 64;
      for (int i = 0; i < n; i++) lab[3 * i] = es_l8(&j->l8, src + (size_t)(x0 + i) * ic, ic);
      field_row(&j->base, (int)y, x0, n, lab, 0);
      if (j->corr.f) field_row(&j->corr, (int)y, x0, n, lab, 1);
      es_lab_to_linear(lab, lab, (size_t)n);
      for (int i = 0; i < n; i++) {
        uint8_t *d = o + (size_t)(x0 + i) * c;
        for (int k = 0; k < 3; k++) d[k] = es_srgb8(&j->enc, lab[3 * i + k]);
        if (c == 4) d[3] = src[(size_t)(x0 + i) * ic + ic - 1]; /* alpha untouched */
      }
    }
  }
}

studio_status es_colorize_render(studio_ctx *ctx, const studio_image *in, const es_ab_field *base, const es_ab_field *corr, studio_image *out) {
  const int w = in->width, h = in->height;
  studio_status s = studio_image_alloc(ctx, w, h, in->channels == 2 || in->channels == 4 ? 4 : 3, out);
  if (s) return s;
  out_job *oj = calloc(1, sizeof *oj);
  if (!oj || field_init(&oj->base, base, w, h) || field_init(&oj->corr, corr, w, h)) {
    s = es_fail(ctx, STUDIO_E_NOMEM, "out of memory colorizing a %dx%d image", w, h);
  } else {
    oj->in = in; oj->out = out;
    if (!corr) oj->corr.f = NULL;
    es_l8_init(&oj->l8);
    es_srgb8_init(&oj->enc);
    es_parallel_tiles(ctx->pool, (size_t)h, 16, out_rows, oj);
    s = es_ok(ctx);
  }
  if (oj) { field_free(&oj->base); field_free(&oj->corr); free(oj); }
  if (s) studio_image_free(out);
  return s;
}

static studio_status check_options(studio_ctx *ctx, const studio_colorize_options *o) {
  if (!(o->vibrance >= 0.1f && o->vibrance <= 1.f)) return es_fail(ctx, STUDIO_E_ARGUMENT, "colorize option vibrance must be in 0.1..1, not %g", (double)o->vibrance);
  if (!(o->saturation >= 0.f && o->saturation <= 2.f)) return es_fail(ctx, STUDIO_E_ARGUMENT, "colorize option saturation must be in 0..2, not %g", (double)o->saturation);
  if (o->size < 8 || o->size > 512 || o->size % 8) return es_fail(ctx, STUDIO_E_ARGUMENT, "colorize option size must be a multiple of 8 in 8..512, not %d", o->size);
  if (o->edge_aware != 0 && o->edge_aware != 1) return es_fail(ctx, STUDIO_E_ARGUMENT, "colorize option edge_aware must be 0 or 1, not %d", o->edge_aware);
  if (o->conv < STUDIO_CONV_AUTO || o->conv > STUDIO_CONV_WINOGRAD)
    return es_fail(ctx, STUDIO_E_ARGUMENT, "colorize option conv must be 0 (auto), 1 (direct) or 2 (winograd), not %d", o->conv);
  return STUDIO_OK;
}

/* The network's output for `in` at o.size: run, or the cached logits when the image and the
 * size are the ones of the last run. */
static studio_status network_run(studio_ctx *ctx, studio_model *m, const studio_image *in, int S, int conv) {
  const int w = in->width, h = in->height, q = S / 4;
  uint64_t key = studio_image_digest(in) ^ (uint64_t)(S * 4 + conv) * 0x9E3779B97F4A7C15ull;
  m->last_w = w; m->last_h = h;
  if (m->logits && m->logits_key == key) return STUDIO_OK;
  studio_status s = STUDIO_OK;
  float *small = malloc(sizeof(float) * 3 * (size_t)S * S);
  if (!small) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory colorizing a %dx%d image", w, h);
  if (m->net_size != S || m->net_conv != conv) {
    es_eccv16_net_destroy(m->net);
    m->net = NULL;
    m->net_size = 0;
    if ((s = es_eccv16_net_create(ctx, &m->caffe, S, m->int8, (es_conv)conv, &m->net))) goto done;
    m->net_size = S; m->net_conv = conv;
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
done:
  free(small);
  return s;
}

studio_status es_colorize_ab(studio_ctx *ctx, studio_model *m, const studio_image *in, const studio_colorize_options *opt_in, es_ab_field *out) {
  studio_colorize_options o;
  if (opt_in) o = *opt_in; else studio_colorize_defaults(&o);
  memset(out, 0, sizeof *out);
  studio_status s = check_options(ctx, &o);
  if (!s) s = network_run(ctx, m, in, o.size, o.conv);
  if (s) return s;
  const int q = m->q;
  float *ab = malloc(sizeof(float) * 2 * (size_t)q * q);
  if (!ab) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  m->inv_t = 1.f / o.vibrance;
  es_ab_readout(m->logits, (size_t)q * q, m->inv_t, m->bins, o.saturation, ab, m->confidence);
  for (size_t i = 0; i < (size_t)q * q; i++) m->confidence[i] = 1.f - m->confidence[i];
  *out = (es_ab_field){ab, q, q, m->low_l, o.edge_aware ? ES_GUIDED_TAPS : 0};
  return es_ok(ctx);
}

studio_status studio_colorize(studio_ctx *ctx, studio_model *m, const studio_image *in, const studio_colorize_options *opt, studio_image *out) {
  if (!ctx || !m || !in || !in->pixels || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_colorize: NULL argument") : STUDIO_E_ARGUMENT;
  out->pixels = NULL;
  es_ab_field ab;
  studio_status s = es_colorize_ab(ctx, m, in, opt, &ab);
  if (!s) s = es_colorize_render(ctx, in, &ab, NULL, out);
  free((void *)ab.ab);
  return s;
}

/* ---- suggested colours: the 313-way distribution at one cell, close bins merged ---- */

#define SUGGEST_MERGE 12.f /* a*b* units: bins this close read as one colour */

int studio_colorize_suggest(const studio_model *m, float x, float y, int max, uint8_t *rgb, float *prob) {
  if (!m || !m->logits || !m->logits_key || max < 1 || !rgb || m->last_w < 1 || m->last_h < 1) return 0;
  const int q = m->q;
  int cx = (int)(x * q / m->last_w), cy = (int)(y * q / m->last_h);
  cx = cx < 0 ? 0 : cx >= q ? q - 1 : cx;
  cy = cy < 0 ? 0 : cy >= q ? q - 1 : cy;
  const size_t cellno = (size_t)cy * q + cx;
  const float *z = m->logits + cellno * ES_AB_BINS;
  float p[ES_AB_BINS], top = z[0], sum = 0.f;
  for (int k = 1; k < ES_AB_BINS; k++) top = z[k] > top ? z[k] : top;
  for (int k = 0; k < ES_AB_BINS; k++) sum += p[k] = expf((z[k] - top) * m->inv_t);
  for (int k = 0; k < ES_AB_BINS; k++) p[k] /= sum;
  /* greedy: the likeliest bin left takes every bin within SUGGEST_MERGE of it; then groups
   * whose colours clip to nearly the same sRGB colour are one suggestion; likeliest first */
  enum { GROUPS = 16 };
  float mass[GROUPS];
  uint8_t col[GROUPS][3];
  int n = 0;
  const float L = m->low_l[cellno];
  while (n < GROUPS) {
    int best = -1;
    for (int k = 0; k < ES_AB_BINS; k++) if (p[k] > 0.f && (best < 0 || p[k] > p[best])) best = k;
    if (best < 0 || p[best] < 1e-4f) break;
    float ba = m->bins[2 * best], bb = m->bins[2 * best + 1], w = 0.f, a = 0.f, b = 0.f;
    for (int k = 0; k < ES_AB_BINS; k++) {
      float da = m->bins[2 * k] - ba, db = m->bins[2 * k + 1] - bb;
      if (p[k] > 0.f && da * da + db * db <= SUGGEST_MERGE * SUGGEST_MERGE) {
        w += p[k]; a += p[k] * m->bins[2 * k]; b += p[k] * m->bins[2 * k + 1];
        p[k] = 0.f;
      }
    }
    a /= w; b /= w;
    float fit = es_lab_chroma_fit(L, a, b), lab[3] = {L, fit * a, fit * b}, c[3];
    es_lab_to_rgb(lab, c, 1);
    uint8_t rgb8[3];
    for (int k = 0; k < 3; k++) rgb8[k] = (uint8_t)(c[k] <= 0.f ? 0 : c[k] >= 1.f ? 255 : (int)(c[k] * 255.f + 0.5f));
    int same = -1;
    for (int g = 0; g < n && same < 0; g++)
      if (abs(col[g][0] - rgb8[0]) + abs(col[g][1] - rgb8[1]) + abs(col[g][2] - rgb8[2]) <= 12) same = g;
    if (same >= 0) { mass[same] += w; continue; }
    memcpy(col[n], rgb8, 3);
    mass[n++] = w;
  }
  for (int i = 1; i < n; i++) /* insertion sort by mass, descending */
    for (int j = i; j > 0 && mass[j] > mass[j - 1]; j--) {
      float t = mass[j]; mass[j] = mass[j - 1]; mass[j - 1] = t;
      uint8_t tc[3]; memcpy(tc, col[j], 3); memcpy(col[j], col[j - 1], 3); memcpy(col[j - 1], tc, 3);
    }
  if (n > max) n = max;
  for (int i = 0; i < n; i++) {
    memcpy(rgb + 3 * i, col[i], 3);
    if (prob) prob[i] = mass[i];
  }
  return n;
}
