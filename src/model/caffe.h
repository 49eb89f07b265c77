/* caffe.h - read a Caffe NetParameter (.caffemodel): every layer's name, type and blobs.
 * New-style `layer` (field 100) and legacy V1 `layers` (field 2); BlobProto with `shape` or the
 * legacy num/channels/height/width; float data packed or not; double_data. Blob data is
 * copied out as float. (Not public.) */
#ifndef STUDIO_CAFFE_H
#define STUDIO_CAFFE_H

#include "../api/context.h"

#include <string.h>

#define ES_CAFFE_MAX_BLOBS 4

typedef struct {
  int ndim;
  int64_t dims[4];   /* legacy blobs report all four of num/channels/height/width */
  size_t count;      /* number of values */
  float *data;       /* count floats; NULL when the blob is int8 (below) */
  int borrowed;      /* data (or q) points into a file buffer the caller keeps (not freed here) */
  const int8_t *q;   /* int8 weights carved from a model file: value = q[k] * scales[channel] */
  const float *scales; /* one per output channel (axis 0; axis 1 for a deconvolution) */
  const uint16_t *h; /* f16 convolution weights carved from a model file (no data): es_half_to_float */
} es_blob;

/* IEEE half to float, exactly (subnormals, infinities and NaN payloads kept), without
 * branches or subnormal float arithmetic, so loops over weights vectorise. */
static inline float es_half_to_float(uint16_t h) {
  const uint32_t em = h & 0x7FFFu;
  const float sub = (float)(int32_t)em * 0x1p-24f; /* zero and subnormals: m * 2^-24, exact */
  uint32_t bits;
  memcpy(&bits, &sub, 4);
  bits = em < 0x400u ? bits : em >= 0x7C00u ? (em << 13) | 0x7F800000u : (em << 13) + (112u << 23);
  bits |= (uint32_t)(h & 0x8000u) << 16;
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

typedef struct {
  char name[64];
  char type[32];     /* V1 enum types are named as the new-style strings */
  int nblobs;
  es_blob blobs[ES_CAFFE_MAX_BLOBS];
} es_caffe_layer;

typedef struct {
  int nlayers;
  es_caffe_layer *layers;
} es_caffe_net;

/* Parse; on failure the context holds the reason ("not a Caffe model: ...", "truncated ..."). */
studio_status es_caffe_read(studio_ctx *ctx, const uint8_t *data, size_t len, es_caffe_net *net);
void es_caffe_free(es_caffe_net *net);
const es_caffe_layer *es_caffe_find(const es_caffe_net *net, const char *name);
/* The blob's shape with leading 1s of legacy 4-D blobs dropped down to `want` dimensions. */
int es_blob_shape_is(const es_blob *b, int n, const int64_t *dims);

#endif
