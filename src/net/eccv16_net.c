/* eccv16_net.c - see eccv16_net.h. */
#include "eccv16_net.h"
#include "../core/parallel.h"
#include "../model/eccv16.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xnnpack.h>

typedef struct {
  const es_eccv16_layer *spec;
  xnn_operator_t op;        /* convolution / deconvolution (NULL for BatchNorm) */
  xnn_operator_t quantize;  /* int8 layers: f32 activations -> qd8, before op */
  float *bn_scale, *bn_shift; /* BatchNorm: y = x * scale + shift, per channel */
  int in_h, in_w, out_h, out_w;
} step_t;

struct es_eccv16_net {
  int size;
  step_t steps[ES_ECCV16_LAYERS];
  float *buf[2];            /* ping-pong activations */
  int8_t *qbuf;             /* int8 layers: the quantized input */
  size_t qbytes;
  struct xnn_quantization_params qparams[1 + XNN_EXTRA_QUANTIZATION_PARAMS];
  void *workspace;
  size_t workspace_size;
};

/* Caffe OIHW (or IOHW for deconvolution) -> XNNPACK's OHWI. */
static float *to_ohwi(const float *w, int out, int in, int k, int deconv) {
  float *t = malloc(sizeof(float) * (size_t)out * in * k * k);
  if (!t) return NULL;
  for (int o = 0; o < out; o++)
    for (int y = 0; y < k; y++)
      for (int x = 0; x < k; x++)
        for (int i = 0; i < in; i++)
          t[(((size_t)o * k + y) * k + x) * in + i] = deconv ? w[(((size_t)i * out + o) * k + y) * k + x] : w[(((size_t)o * in + i) * k + y) * k + x];
  return t;
}

void es_eccv16_net_destroy(es_eccv16_net *n) {
  if (!n) return;
  for (int i = 0; i < ES_ECCV16_LAYERS; i++) {
    if (n->steps[i].op) xnn_delete_operator(n->steps[i].op);
    if (n->steps[i].quantize) xnn_delete_operator(n->steps[i].quantize);
    free(n->steps[i].bn_scale); free(n->steps[i].bn_shift);
  }
  free(n->buf[0]); free(n->buf[1]); free(n->qbuf); free(n->workspace);
  free(n);
}

int es_eccv16_net_out_size(const es_eccv16_net *n) { return n->size / 4; }

/* Symmetric int8 with one scale per output channel (OHWI: rows of k*k*in). */
static int8_t *quantize_ohwi(const float *w, int out, size_t per, float *scales) {
  int8_t *q = malloc((size_t)out * per + 16);
  if (!q) return NULL;
  for (int o = 0; o < out; o++) {
    float mx = 0.f;
    for (size_t j = 0; j < per; j++) mx = fmaxf(mx, fabsf(w[o * per + j]));
    scales[o] = mx > 0.f ? mx / 127.f : 1.f;
    for (size_t j = 0; j < per; j++) q[o * per + j] = (int8_t)lrintf(w[o * per + j] / scales[o]);
  }
  return q;
}

studio_status es_eccv16_net_create(studio_ctx *ctx, const es_caffe_net *caffe, int size, int int8, es_eccv16_net **out) {
  *out = NULL;
  if (size < 8 || size > 512 || size % 8) return es_fail(ctx, STUDIO_E_ARGUMENT, "network size must be a multiple of 8 in 8..512, not %d", size);
  studio_status s = es_eccv16_check(ctx, caffe);
  if (s) return s;
  es_eccv16_net *n = calloc(1, sizeof *n);
  if (!n) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  n->size = size;
  int h = size, w = size;
  size_t biggest = (size_t)size * size;
  for (int i = 0; i < ES_ECCV16_LAYERS; i++) {
    const es_eccv16_layer *e = &es_eccv16[i];
    const es_caffe_layer *l = es_caffe_find(caffe, e->name);
    step_t *st = &n->steps[i];
    st->spec = e; st->in_h = h; st->in_w = w;
    enum xnn_status xs = xnn_status_success;
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
      float *k = to_ohwi(l->blobs[0].data, e->out, e->in, e->k, e->kind == ES_DECONV);
      if (!k) { es_eccv16_net_destroy(n); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
      const float lo = strcmp(e->name, "conv8_313") == 0 ? -INFINITY : 0.f; /* every layer but the last is followed by a ReLU */
      int quantized = int8 && e->kind == ES_CONV && e->in > 1;
      if (quantized) {
        size_t per = (size_t)e->k * e->k * e->in;
        float *scales = malloc(sizeof(float) * e->out);
        int8_t *q = scales ? quantize_ohwi(k, e->out, per, scales) : NULL;
        if (q)
          xs = xnn_create_convolution2d_nhwc_qd8_f32_qc8w(e->pad, e->pad, e->pad, e->pad, e->k, e->k, e->stride, e->stride, e->dilation, e->dilation, 1,
                                                          e->in, e->out, e->in, e->out, scales, q, l->blobs[1].data, lo, INFINITY, 0, NULL, NULL, &st->op);
        if (q && xs == xnn_status_success) xs = xnn_create_convert_nc_f32_qd8(0, &st->quantize);
        free(q); free(scales);
        if (!q) { free(k); es_eccv16_net_destroy(n); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
      } else if (e->kind == ES_DECONV)
        xs = xnn_create_deconvolution2d_nhwc_f32(e->pad, e->pad, e->pad, e->pad, e->k, e->k, e->stride, e->stride, 1, 1, 1, e->in, e->out,
                                                 e->in, e->out, k, l->blobs[1].data, lo, INFINITY, 0, NULL, NULL, &st->op);
      else
        xs = xnn_create_convolution2d_nhwc_f32(e->pad, e->pad, e->pad, e->pad, e->k, e->k, e->stride, e->stride, e->dilation, e->dilation, 1,
                                               e->in, e->out, e->in, e->out, k, l->blobs[1].data, lo, INFINITY, 0, NULL, NULL, &st->op);
      free(k);
      if (xs != xnn_status_success) { es_eccv16_net_destroy(n); return es_fail(ctx, STUDIO_E_INTERNAL, "XNNPACK refused layer %s (status %d)", e->name, (int)xs); }
      size_t oh = 0, ow = 0, ws = 0, wa = 0;
      if (e->kind == ES_DECONV) xs = xnn_reshape_deconvolution2d_nhwc_f32(st->op, 1, h, w, 0, 0, &oh, &ow, ctx->pool);
      else if (st->quantize) {
        /* one quantization for the whole image: batch 1, every value of it one "row" */
        xs = xnn_reshape_convert_nc_f32_qd8(st->quantize, 1, (size_t)h * w * e->in, (size_t)h * w * e->in, (size_t)h * w * e->in, ctx->pool);
        if (xs == xnn_status_success) xs = xnn_reshape_convolution2d_nhwc_qd8_f32_qc8w(st->op, 1, h, w, &ws, &wa, &oh, &ow, ctx->pool);
        n->qbytes = n->qbytes > (size_t)h * w * e->in ? n->qbytes : (size_t)h * w * e->in;
      } else xs = xnn_reshape_convolution2d_nhwc_f32(st->op, 1, h, w, &ws, &wa, &oh, &ow, ctx->pool);
      if (xs != xnn_status_success) { es_eccv16_net_destroy(n); return es_fail(ctx, STUDIO_E_INTERNAL, "XNNPACK could not size layer %s", e->name); }
      if (ws + 64 > n->workspace_size) n->workspace_size = ws + 64;
      h = (int)oh; w = (int)ow;
    }
    st->out_h = h; st->out_w = w;
    if ((size_t)h * w * e->out > biggest) biggest = (size_t)h * w * e->out;
  }
  n->buf[0] = malloc(sizeof(float) * biggest);
  n->buf[1] = malloc(sizeof(float) * biggest);
  n->workspace = n->workspace_size ? aligned_alloc(64, (n->workspace_size + 63) / 64 * 64) : NULL;
  if (n->qbytes && !(n->qbuf = malloc(n->qbytes + 64))) { es_eccv16_net_destroy(n); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
  if (!n->buf[0] || !n->buf[1] || (n->workspace_size && !n->workspace)) { es_eccv16_net_destroy(n); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory for the network's buffers"); }
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

studio_status es_eccv16_net_run(studio_ctx *ctx, es_eccv16_net *n, const float *input, float *logits) {
  const float *src = input;
  int cur = 0;
  for (int i = 0; i < ES_ECCV16_LAYERS; i++) {
    step_t *st = &n->steps[i];
    if (es_progress(ctx, "network", (float)i / ES_ECCV16_LAYERS)) return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled");
    if (!st->op) { /* BatchNorm in place on the last output */
      bn_job j = {(float *)src, st->bn_scale, st->bn_shift, st->spec->out};
      es_parallel_tiles(ctx->pool, (size_t)st->out_h * st->out_w, 256, bn_rows, &j);
      continue;
    }
    float *dst = i == ES_ECCV16_LAYERS - 1 ? logits : n->buf[cur];
    enum xnn_status xs;
    if (st->quantize) {
      xs = xnn_setup_convert_nc_f32_qd8(st->quantize, src, n->qbuf, n->qparams);
      if (xs == xnn_status_success) xs = xnn_run_operator(st->quantize, ctx->pool);
      if (xs == xnn_status_success) xs = xnn_setup_convolution2d_nhwc_qd8_f32_qc8w(st->op, n->workspace, n->qbuf, dst, n->qparams);
    } else {
      xs = st->spec->kind == ES_DECONV ? xnn_setup_deconvolution2d_nhwc_f32(st->op, src, dst)
                                       : xnn_setup_convolution2d_nhwc_f32(st->op, n->workspace, src, dst);
    }
    if (xs == xnn_status_success) xs = xnn_run_operator(st->op, ctx->pool);
    if (xs != xnn_status_success) return es_fail(ctx, STUDIO_E_INTERNAL, "XNNPACK failed in layer %s (status %d)", st->spec->name, (int)xs);
    src = dst;
    cur ^= 1;
  }
  es_progress(ctx, "network", 1.f);
  return es_ok(ctx);
}
