/* eccv16_net.c - see eccv16_net.h. */
#include "eccv16_net.h"
#include "../core/parallel.h"
#include "../model/eccv16.h"
#include "winograd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xnnpack.h>

/* The 4x4 stride-2 deconvolution (pad 1) runs as four 2x2 convolutions, one per output
 * phase (row parity py, column parity px): measured 3x faster than XNNPACK's own
 * deconvolution here, and, being plain convolutions, they can run quantized too. */
#define PHASES 4

typedef struct {
  const es_eccv16_layer *spec;
  int nconv;                 /* 1, or PHASES for the deconvolution; 0 for BatchNorm */
  xnn_operator_t conv[PHASES];
  es_winograd *wg;           /* instead of conv[0]: a 3x3 stride-1 f32 layer run by Winograd */
  xnn_operator_t quantize;   /* int8 layers: f32 activations -> qd8, once, before conv[] */
  float *bn_scale, *bn_shift; /* BatchNorm: y = x * scale + shift, per channel */
  int in_h, in_w, out_h, out_w;
} step_t;

struct es_eccv16_net {
  int size;
  step_t steps[ES_ECCV16_LAYERS];
  float *buf[2];            /* ping-pong activations */
  float *phase_buf;         /* the deconvolution's phases: [py][m][2n+px][c] */
  int8_t *qbuf;             /* int8 layers: the quantized input */
  size_t qbytes;
  struct xnn_quantization_params qparams[1 + XNN_EXTRA_QUANTIZATION_PARAMS];
  void *workspace;          /* XNNPACK's, and the Winograd layers' scratch */
  size_t workspace_size;
  size_t bytes;             /* weights as the operators hold them, and buffers */
};

void es_eccv16_net_destroy(es_eccv16_net *n) {
  if (!n) return;
  for (int i = 0; i < ES_ECCV16_LAYERS; i++) {
    for (int k = 0; k < n->steps[i].nconv; k++) if (n->steps[i].conv[k]) xnn_delete_operator(n->steps[i].conv[k]);
    if (n->steps[i].quantize) xnn_delete_operator(n->steps[i].quantize);
    es_winograd_destroy(n->steps[i].wg);
    free(n->steps[i].bn_scale); free(n->steps[i].bn_shift);
  }
  free(n->buf[0]); free(n->buf[1]); free(n->phase_buf); free(n->qbuf); free(n->workspace);
  free(n);
}

int es_eccv16_net_out_size(const es_eccv16_net *n) { return n->size / 4; }
size_t es_eccv16_net_bytes(const es_eccv16_net *n) { return n->bytes; }

/* Measured (tools/studio bench colorize, per layer, natively and in WASM, 224..512): F(4x4,3x3)
 * beat both F(2x2,3x3) and XNNPACK's direct convolution on every 3x3 stride-1 layer but the
 * first, whose one input channel makes the products too thin to pay for the transforms. */
int es_eccv16_net_plan(const es_eccv16_layer *e, es_conv conv) {
  if (e->kind != ES_CONV || e->k != 3 || e->stride != 1 || e->in == 1 || conv == ES_CONV_DIRECT) return 0;
  return conv == ES_CONV_F2 ? 2 : 4;
}

/* Where OHWI element (o, y, x, i) of convolution `phase` (-1: the layer itself) of layer e
 * sits in its Caffe blob. A convolution's weights are OIHW. For deconvolution phase (py, px)
 * the 2x2 kernel tap (r, s) is the deconvolution's tap (3 - py - 2r, 3 - px - 2s) of its
 * (in, out, 4, 4) weights. */
static size_t caffe_index(const es_eccv16_layer *e, int phase, int k, int o, int y, int x, int i) {
  return phase < 0 ? (((size_t)o * e->in + i) * k + y) * k + x
                   : (((size_t)i * e->out + o) * 4 + 3 - phase / 2 - 2 * y) * 4 + 3 - phase % 2 - 2 * x;
}

/* Element `at` of output channel o of a weight blob in f32: an f16 blob widened, an int8 blob
 * (from an int8 model file) with its per-output-channel scale. */
static inline float weight(const es_blob *b, size_t at, int o) {
  return b->data ? b->data[at] : b->h ? es_half_to_float(b->h[at]) : b->q[at] * b->scales[o];
}

/* The kernel of convolution `phase` as XNNPACK wants it (OHWI), in f32. */
static float *weights_f32(const es_eccv16_layer *e, const es_blob *b, int phase) {
  const int k = phase < 0 ? e->k : 2;
  float *t = malloc(sizeof(float) * (size_t)e->out * e->in * k * k), *p = t;
  if (!t) return NULL;
  for (int o = 0; o < e->out; o++)
    for (int y = 0; y < k; y++)
      for (int x = 0; x < k; x++)
        for (int i = 0; i < e->in; i++) {
          size_t at = caffe_index(e, phase, k, o, y, x, i);
          *p++ = weight(b, at, o);
        }
  return t;
}

/* The same kernel in int8 with one scale per output channel: an int8 blob's values as they
 * are; f32 (or f16) weights quantized here (symmetric, the channel's largest magnitude -> 127). */
static int8_t *weights_int8(const es_eccv16_layer *e, const es_blob *b, int phase, float *scales) {
  const int k = phase < 0 ? e->k : 2;
  const size_t per = (size_t)k * k * e->in;
  int8_t *q = malloc((size_t)e->out * per + 16);
  if (!q) return NULL;
  for (int o = 0; o < e->out; o++) {
    int8_t *row = q + o * per;
    if (b->q) {
      scales[o] = b->scales[o];
      for (int y = 0, j = 0; y < k; y++)
        for (int x = 0; x < k; x++)
          for (int i = 0; i < e->in; i++) row[j++] = b->q[caffe_index(e, phase, k, o, y, x, i)];
      continue;
    }
    float mx = 0.f;
    for (int y = 0; y < k; y++)
      for (int x = 0; x < k; x++)
        for (int i = 0; i < e->in; i++) mx = fmaxf(mx, fabsf(weight(b, caffe_index(e, phase, k, o, y, x, i), o)));
    scales[o] = mx > 0.f ? mx / 127.f : 1.f;
    for (int y = 0, j = 0; y < k; y++)
      for (int x = 0; x < k; x++)
        for (int i = 0; i < e->in; i++) row[j++] = (int8_t)lrintf(weight(b, caffe_index(e, phase, k, o, y, x, i), o) / scales[o]);
  }
  return q;
}

/* One convolution of layer e (phase >= 0: of the deconvolution), f32 or dynamically
 * quantized, created and sized for an h x w input. */
static studio_status make_conv(studio_ctx *ctx, es_eccv16_net *n, step_t *st, const es_blob *w, const float *bias, int phase, int quantized, int tile, int h,
                               int w_in, size_t *oh, size_t *ow) {
  const es_eccv16_layer *e = st->spec;
  const int kk = phase < 0 ? e->k : 2, stride = phase < 0 ? e->stride : 1, dil = phase < 0 ? e->dilation : 1;
  /* phase row py reads input rows m-1, m (py 0) or m, m+1 (py 1) */
  const int top = phase < 0 ? e->pad : 1 - phase / 2, bottom = phase < 0 ? e->pad : phase / 2;
  const int left = phase < 0 ? e->pad : 1 - phase % 2, right = phase < 0 ? e->pad : phase % 2;
  const size_t out_stride = phase < 0 ? (size_t)e->out : 2 * (size_t)e->out; /* phases interleave columns */
  const float lo = strcmp(e->name, "conv8_313") == 0 ? -INFINITY : 0.f; /* every layer but the last is followed by a ReLU */
  xnn_operator_t *op = &st->conv[phase < 0 ? 0 : phase];
  enum xnn_status xs;
  size_t ws = 0, wa = 0;
  if (quantized) {
    float *scales = malloc(sizeof(float) * e->out);
    int8_t *q = scales ? weights_int8(e, w, phase, scales) : NULL;
    xs = q ? xnn_create_convolution2d_nhwc_qd8_f32_qc8w(top, right, bottom, left, kk, kk, stride, stride, dil, dil, 1, e->in, e->out, e->in, out_stride,
                                                         scales, q, bias, lo, INFINITY, 0, NULL, NULL, op)
           : xnn_status_out_of_memory;
    free(q); free(scales);
    if (xs == xnn_status_success && !st->quantize) {
      /* one quantization for the whole image: batch 1, every value of it one "row" */
      const size_t all = (size_t)h * w_in * e->in;
      xs = xnn_create_convert_nc_f32_qd8(0, &st->quantize);
      if (xs == xnn_status_success) xs = xnn_reshape_convert_nc_f32_qd8(st->quantize, 1, all, all, all, ctx->pool);
      if (all > n->qbytes) n->qbytes = all;
    }
    if (xs == xnn_status_success) xs = xnn_reshape_convolution2d_nhwc_qd8_f32_qc8w(*op, 1, h, w_in, &ws, &wa, oh, ow, ctx->pool);
  } else if (tile) {
    /* Winograd reads the blob in Caffe's order as stored, f32 or f16 (widened as it transforms
     * them); int8 weights are widened first */
    const size_t per = (size_t)e->in * 9, all = per * e->out;
    float *wide = w->data || w->h ? NULL : malloc(sizeof(float) * all);
    for (size_t i = 0; wide && i < all; i++) wide[i] = weight(w, i, (int)(i / per));
    const es_winograd_spec spec = {e->in, e->out, h, w_in, e->dilation, tile, lo, es_winograd_keep_transforms};
    studio_status s = w->data || w->h || wide ? es_winograd_create(ctx, &spec, w->data ? w->data : wide, w->h, bias, &st->wg)
                                              : es_fail(ctx, STUDIO_E_NOMEM, "out of memory building layer %s", e->name);
    if (s) { free(wide); return s; }
    if (wide) es_winograd_adopt_kernel(st->wg, wide);
    *oh = (size_t)h; *ow = (size_t)w_in;
    n->bytes += es_winograd_bytes(st->wg);
    if (es_winograd_scratch(st->wg) > n->workspace_size) n->workspace_size = es_winograd_scratch(st->wg);
    return STUDIO_OK;
  } else {
    float *k = weights_f32(e, w, phase);
    xs = k ? xnn_create_convolution2d_nhwc_f32(top, right, bottom, left, kk, kk, stride, stride, dil, dil, 1, e->in, e->out, e->in, out_stride, k, bias,
                                               lo, INFINITY, 0, NULL, NULL, op)
           : xnn_status_out_of_memory;
    if (xs == xnn_status_success) xs = xnn_reshape_convolution2d_nhwc_f32(*op, 1, h, w_in, &ws, &wa, oh, ow, ctx->pool);
    free(k);
  }
  if (xs == xnn_status_out_of_memory) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory building layer %s", e->name);
  if (xs != xnn_status_success) return es_fail(ctx, STUDIO_E_INTERNAL, "XNNPACK refused layer %s (status %d)", e->name, (int)xs);
  if (ws + 64 > n->workspace_size) n->workspace_size = ws + 64;
  n->bytes += (size_t)e->out * e->in * kk * kk * (quantized ? 1 : sizeof(float)) + sizeof(float) * 2 * e->out;
  return STUDIO_OK;
}

studio_status es_eccv16_net_create(studio_ctx *ctx, const es_caffe_net *caffe, int size, int int8, es_conv conv, es_eccv16_net **out) {
  *out = NULL;
  if (size < 8 || size > 512 || size % 8) return es_fail(ctx, STUDIO_E_ARGUMENT, "network size must be a multiple of 8 in 8..512, not %d", size);
  studio_status s = es_eccv16_check(ctx, caffe);
  if (s) return s;
  es_eccv16_net *n = calloc(1, sizeof *n);
  if (!n) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  n->size = size;
  int h = size, w = size;
  size_t biggest = (size_t)size * size, phases = 0;
  for (int i = 0; i < ES_ECCV16_LAYERS; i++) {
    const es_eccv16_layer *e = &es_eccv16[i];
    const es_caffe_layer *l = es_caffe_find(caffe, e->name);
    step_t *st = &n->steps[i];
    st->spec = e; st->in_h = h; st->in_w = w;
    if (e->kind == ES_BATCHNORM) {
      /* Caffe stores mean * f and var * f with the factor f alongside; eps is Caffe's default */
      float f = l->blobs[2].data[0], sf = f == 0.f ? 0.f : 1.f / f;
      st->bn_scale = malloc(sizeof(float) * e->out); st->bn_shift = malloc(sizeof(float) * e->out);
      if (!st->bn_scale || !st->bn_shift) { es_eccv16_net_destroy(n); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
      for (int c = 0; c < e->out; c++) {
        float inv = 1.f / sqrtf(l->blobs[1].data[c] * sf + 1e-5f);
        st->bn_scale[c] = inv;
        st->bn_shift[c] = -l->blobs[0].data[c] * sf * inv;
      }
    } else {
      /* the first convolution (one input channel) is tiny and stays f32 */
      const int quantized = int8 && e->in > 1, deconv = e->kind == ES_DECONV;
      size_t oh = 0, ow = 0;
      st->nconv = deconv ? PHASES : 1;
      const int tile = quantized ? 0 : es_eccv16_net_plan(e, conv);
      for (int k = 0; k < st->nconv && !s; k++) s = make_conv(ctx, n, st, &l->blobs[0], l->blobs[1].data, deconv ? k : -1, quantized, tile, h, w, &oh, &ow);
      if (s) { es_eccv16_net_destroy(n); return s; }
      if (deconv) { oh *= 2; ow *= 2; phases = oh * ow * (size_t)e->out; }
      h = (int)oh; w = (int)ow;
    }
    st->out_h = h; st->out_w = w;
    if ((size_t)h * w * e->out > biggest) biggest = (size_t)h * w * e->out;
  }
  n->buf[0] = malloc(sizeof(float) * biggest);
  n->buf[1] = malloc(sizeof(float) * biggest);
  n->phase_buf = malloc(sizeof(float) * (phases ? phases : 1));
  n->workspace = n->workspace_size ? aligned_alloc(64, (n->workspace_size + 63) / 64 * 64) : NULL;
  if (n->qbytes && !(n->qbuf = malloc(n->qbytes + 64))) { es_eccv16_net_destroy(n); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
  if (!n->buf[0] || !n->buf[1] || !n->phase_buf || (n->workspace_size && !n->workspace)) {
    es_eccv16_net_destroy(n);
    return es_fail(ctx, STUDIO_E_NOMEM, "out of memory for the network's buffers");
  }
  n->bytes += sizeof(float) * (2 * biggest + phases) + n->workspace_size + n->qbytes;
  *out = n;
  return es_ok(ctx);
}

typedef struct { float *x; const float *scale, *shift; int c; } bn_job;
static void bn_rows(void *arg, size_t start, size_t count) {
  bn_job *j = arg;
  for (size_t p = start; p < start + count; p++) {
    float *v = j->x + p * j->c;
    for (int c = 0; c < j->c; c++) v[c] = v[c] * j->scale[c] + j->shift[c];
  }
}

/* The phases hold output rows 2m+py as [py][m][...]: each is one contiguous row to move. */
typedef struct { const float *phases; float *out; size_t row; int half_h; } interleave_job;
static void interleave_rows(void *arg, size_t start, size_t count) {
  interleave_job *j = arg;
  for (size_t y = start; y < start + count; y++)
    memcpy(j->out + y * j->row, j->phases + ((y % 2) * (size_t)j->half_h + y / 2) * j->row, sizeof(float) * j->row);
}

/* A layer on XNNPACK's operators: f32 or quantized, one convolution or the deconvolution's phases. */
static studio_status run_xnnpack(studio_ctx *ctx, es_eccv16_net *n, step_t *st, const float *src, float *dst) {
  enum xnn_status xs = xnn_status_success;
  if (st->quantize) {
    xs = xnn_setup_convert_nc_f32_qd8(st->quantize, src, n->qbuf, n->qparams);
    if (xs == xnn_status_success) xs = xnn_run_operator(st->quantize, ctx->pool);
  }
  const size_t row = (size_t)st->out_w * st->spec->out; /* floats per output row */
  for (int k = 0; k < st->nconv && xs == xnn_status_success; k++) {
    /* phase (py, px) starts at row block py, column px; its pixels are 2 apart */
    float *o = st->nconv == 1 ? dst : n->phase_buf + (size_t)(k / 2) * (st->out_h / 2) * row + (size_t)(k % 2) * st->spec->out;
    xs = st->quantize ? xnn_setup_convolution2d_nhwc_qd8_f32_qc8w(st->conv[k], n->workspace, n->qbuf, o, n->qparams)
                      : xnn_setup_convolution2d_nhwc_f32(st->conv[k], n->workspace, src, o);
    if (xs == xnn_status_success) xs = xnn_run_operator(st->conv[k], ctx->pool);
  }
  if (xs != xnn_status_success) return es_fail(ctx, STUDIO_E_INTERNAL, "XNNPACK failed in layer %s (status %d)", st->spec->name, (int)xs);
  if (st->nconv > 1) {
    interleave_job j = {n->phase_buf, dst, row, st->out_h / 2};
    es_parallel_tiles(ctx->pool, (size_t)st->out_h, 4, interleave_rows, &j);
  }
  return STUDIO_OK;
}

studio_status es_eccv16_net_run(studio_ctx *ctx, es_eccv16_net *n, const float *input, float *logits) {
  const float *src = input;
  int cur = 0;
  for (int i = 0; i < ES_ECCV16_LAYERS; i++) {
    step_t *st = &n->steps[i];
    if (es_progress(ctx, "network", (float)i / ES_ECCV16_LAYERS)) return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled");
    if (!st->nconv) { /* BatchNorm in place on the last output */
      bn_job j = {(float *)src, st->bn_scale, st->bn_shift, st->spec->out};
      es_parallel_tiles(ctx->pool, (size_t)st->out_h * st->out_w, 256, bn_rows, &j);
      continue;
    }
    float *dst = i == ES_ECCV16_LAYERS - 1 ? logits : n->buf[cur];
    studio_status s = st->wg ? es_winograd_run(ctx, st->wg, src, dst, n->workspace) : run_xnnpack(ctx, n, st, src, dst);
    if (s) return s;
    src = dst;
    cur ^= 1;
  }
  es_progress(ctx, "network", 1.f);
  return es_ok(ctx);
}
