/* caffe.c - see caffe.h. Field numbers are caffe.proto's. */
#include "caffe.h"
#include "protobuf.h"
#include "../image/formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* V1LayerParameter.LayerType values that can appear in a network like ours. */
static const char *v1_type(uint64_t t) {
  switch (t) {
    case 3: return "Concat";
    case 4: return "Convolution";
    case 5: return "Data";
    case 14: return "InnerProduct";
    case 17: return "Pooling";
    case 18: return "ReLU";
    case 20: return "Softmax";
    case 36: return "Silence";
    case 39: return "Deconvolution";
    default: return "V1-other";
  }
}

static float le_float(const uint8_t *p) { float f; uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; memcpy(&f, &u, 4); return f; }
static double le_double(uint64_t v) { double d; memcpy(&d, &v, 8); return d; }

static void copy_name(char *dst, size_t cap, const uint8_t *s, size_t n) {
  if (n >= cap) n = cap - 1;
  memcpy(dst, s, n);
  dst[n] = 0;
}

static studio_status read_blob(studio_ctx *ctx, const uint8_t *d, size_t n, const char *layer, int index, es_blob *b) {
  memset(b, 0, sizeof *b);
  int64_t legacy[4] = {0, 0, 0, 0};
  int has_legacy = 0;
  size_t nf = 0, nd = 0;
  es_pb pb = es_pb_open(d, n);
  es_pb_field f;
  /* pass 1: shape and how many values */
  while (es_pb_next(&pb, &f)) {
    if (f.field >= 1 && f.field <= 4 && f.wire == ES_PB_VARINT) { legacy[f.field - 1] = (int64_t)f.value; has_legacy = 1; }
    else if (f.field == 5) nf += f.wire == ES_PB_LEN ? f.len / 4 : 1;
    else if (f.field == 8) nd += f.wire == ES_PB_LEN ? f.len / 8 : 1;
    else if (f.field == 7 && f.wire == ES_PB_LEN) {
      es_pb sp = es_pb_open(f.data, f.len);
      es_pb_field g;
      while (es_pb_next(&sp, &g)) {
        if (g.field != 1) continue;
        if (g.wire == ES_PB_VARINT) { if (b->ndim < 4) b->dims[b->ndim] = (int64_t)g.value; b->ndim++; }
        else if (g.wire == ES_PB_LEN) {
          es_pb pk = es_pb_open(g.data, g.len);
          uint64_t v;
          while (pk.p < pk.end && es_pb_varint(&pk, &v)) { if (b->ndim < 4) b->dims[b->ndim] = (int64_t)v; b->ndim++; }
          if (pk.bad) sp.bad = 1;
        }
      }
      if (sp.bad) pb.bad = 1;
    }
  }
  if (pb.bad) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt Caffe model: damaged blob %d of layer %s", index, layer);
  if (b->ndim > 4) return es_fail(ctx, STUDIO_E_UNSUPPORTED, "blob %d of layer %s has %d dimensions (at most 4 here)", index, layer, b->ndim);
  if (b->ndim == 0 && has_legacy) { b->ndim = 4; memcpy(b->dims, legacy, sizeof legacy); }
  size_t want = 1;
  for (int i = 0; i < b->ndim; i++) {
    if (b->dims[i] < 0 || b->dims[i] > (1 << 24)) return es_fail(ctx, STUDIO_E_CORRUPT, "blob %d of layer %s has an impossible size", index, layer);
    want *= (size_t)b->dims[i];
  }
  if (nf && nd) return es_fail(ctx, STUDIO_E_CORRUPT, "blob %d of layer %s has both float and double data", index, layer);
  b->count = nf + nd;
  if (b->count != want)
    return es_fail(ctx, STUDIO_E_CORRUPT, "blob %d of layer %s holds %zu values but its shape says %zu", index, layer, b->count, want);
  b->data = malloc(sizeof(float) * (b->count ? b->count : 1));
  if (!b->data) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory reading layer %s", layer);
  /* pass 2: the values */
  size_t k = 0;
  pb = es_pb_open(d, n);
  while (es_pb_next(&pb, &f)) {
    if (f.field == 5 && f.wire == ES_PB_LEN) for (size_t i = 0; i + 4 <= f.len; i += 4) b->data[k++] = le_float(f.data + i);
    else if (f.field == 5 && f.wire == ES_PB_I32) { uint8_t q[4] = {(uint8_t)f.value, (uint8_t)(f.value >> 8), (uint8_t)(f.value >> 16), (uint8_t)(f.value >> 24)}; b->data[k++] = le_float(q); }
    else if (f.field == 8 && f.wire == ES_PB_LEN) for (size_t i = 0; i + 8 <= f.len; i += 8) {
      uint64_t v = 0;
      for (int j = 0; j < 8; j++) v |= (uint64_t)f.data[i + j] << (8 * j);
      b->data[k++] = (float)le_double(v);
    }
    else if (f.field == 8 && f.wire == ES_PB_I64) b->data[k++] = (float)le_double(f.value);
  }
  return STUDIO_OK;
}

static studio_status read_layer(studio_ctx *ctx, const uint8_t *d, size_t n, int v1, es_caffe_layer *l) {
  memset(l, 0, sizeof *l);
  const uint32_t F_NAME = v1 ? 4 : 1, F_TYPE = v1 ? 5 : 2, F_BLOBS = v1 ? 6 : 7;
  es_pb pb = es_pb_open(d, n);
  es_pb_field f;
  while (es_pb_next(&pb, &f)) {
    if (f.field == F_NAME && f.wire == ES_PB_LEN) copy_name(l->name, sizeof l->name, f.data, f.len);
    else if (f.field == F_TYPE && f.wire == ES_PB_LEN && !v1) copy_name(l->type, sizeof l->type, f.data, f.len);
    else if (f.field == F_TYPE && f.wire == ES_PB_VARINT && v1) snprintf(l->type, sizeof l->type, "%s", v1_type(f.value));
  }
  if (pb.bad) return es_fail(ctx, STUDIO_E_CORRUPT, "truncated or corrupt Caffe model (in layer %s)", l->name[0] ? l->name : "?");
  pb = es_pb_open(d, n);
  while (es_pb_next(&pb, &f)) {
    if (f.field != F_BLOBS || f.wire != ES_PB_LEN) continue;
    if (l->nblobs == ES_CAFFE_MAX_BLOBS) return es_fail(ctx, STUDIO_E_UNSUPPORTED, "layer %s has more than %d blobs", l->name, ES_CAFFE_MAX_BLOBS);
    studio_status s = read_blob(ctx, f.data, f.len, l->name, l->nblobs, &l->blobs[l->nblobs]);
    l->nblobs++;
    if (s) return s;
  }
  return STUDIO_OK;
}

studio_status es_caffe_read(studio_ctx *ctx, const uint8_t *data, size_t len, es_caffe_net *net) {
  memset(net, 0, sizeof *net);
  if (len == 0) return es_fail(ctx, STUDIO_E_FORMAT, "the model file is empty");
  /* a photo handed over as the model is the likely mistake; BMP's "BM" is left out, as a
   * protobuf may start with those bytes */
  studio_format img = es_sniff(data, len);
  if (img == STUDIO_FORMAT_JPEG || img == STUDIO_FORMAT_PNG)
    return es_fail(ctx, STUDIO_E_FORMAT, "this is a %s image, not a model: give the .caffemodel (or a converted model file)", img == STUDIO_FORMAT_JPEG ? "JPEG" : "PNG");
  es_pb pb = es_pb_open(data, len);
  es_pb_field f;
  int cap = 0;
  while (es_pb_next(&pb, &f)) {
    int v1 = f.field == 2;
    if ((f.field != 100 && f.field != 2) || f.wire != ES_PB_LEN) continue;
    if (net->nlayers == cap) {
      cap = cap ? cap * 2 : 64;
      es_caffe_layer *more = realloc(net->layers, sizeof *more * (size_t)cap);
      if (!more) { es_caffe_free(net); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory reading the model"); }
      net->layers = more;
    }
    studio_status s = read_layer(ctx, f.data, f.len, v1, &net->layers[net->nlayers]);
    net->nlayers++;
    if (s) { es_caffe_free(net); return s; }
  }
  if (pb.bad) {
    size_t at = (size_t)(pb.p - data);
    es_caffe_free(net);
    return es_fail(ctx, STUDIO_E_CORRUPT, "truncated or corrupt Caffe model (damaged protobuf data near byte %zu of %zu)", at, len);
  }
  if (net->nlayers == 0) { es_caffe_free(net); return es_fail(ctx, STUDIO_E_FORMAT, "not a Caffe model (no layers found)"); }
  return es_ok(ctx);
}

void es_caffe_free(es_caffe_net *net) {
  for (int i = 0; i < net->nlayers; i++)
    for (int b = 0; b < net->layers[i].nblobs; b++)
      if (!net->layers[i].blobs[b].borrowed) free(net->layers[i].blobs[b].data);
  free(net->layers);
  memset(net, 0, sizeof *net);
}

const es_caffe_layer *es_caffe_find(const es_caffe_net *net, const char *name) {
  for (int i = 0; i < net->nlayers; i++)
    if (strcmp(net->layers[i].name, name) == 0) return &net->layers[i];
  return NULL;
}

int es_blob_shape_is(const es_blob *b, int n, const int64_t *dims) {
  int skip = b->ndim - n; /* legacy 4-D blobs: leading dimensions must be 1 */
  if (skip < 0) return 0;
  for (int i = 0; i < skip; i++) if (b->dims[i] != 1) return 0;
  for (int i = 0; i < n; i++) if (b->dims[skip + i] != dims[i]) return 0;
  return 1;
}
