/* modelfile.h - our compact model file (.esm): the checked ECCV16 weights in f32, f16 or
 * int8 (convolution weights with one scale per output channel), a tensor table and an
 * FNV-1a checksum, written by `studio convert` and read back as the same layers and blobs
 * a Caffe file gives. The format is documented in models/README.md. (Not public.) */
#ifndef STUDIO_MODELFILE_H
#define STUDIO_MODELFILE_H
#include "caffe.h"

typedef enum { ES_PRECISION_F32 = 0, ES_PRECISION_F16 = 1, ES_PRECISION_INT8 = 2 } es_precision;
#define ES_MODEL_MAGIC "ESMODEL"   /* 8 bytes with its NUL */
#define ES_MODEL_VERSION 1
#define ES_MODEL_ARCH_ECCV16 1

int es_model_is_file(const uint8_t *d, size_t len);
/* Serialise a checked network (every blob, class8_ab filled) at a precision; *out malloc'd. */
studio_status es_model_write(studio_ctx *ctx, const es_caffe_net *net, es_precision p, uint8_t **out, size_t *len);
/* Read back; f32, f16 and int8 tensors are carved out of `d` (keep it alive while net lives;
 * an int8 blob has q and scales, an f16 convolution weight h, neither has data); other f16
 * tensors (none that we write) are widened to f32. */
studio_status es_model_read(studio_ctx *ctx, const uint8_t *d, size_t len, es_caffe_net *net, es_precision *p);
#endif
