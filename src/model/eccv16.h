/* eccv16.h - the one network we run: Zhang, Isola, Efros, "Colorful Image Colorization"
 * (ECCV 2016), as released in colorization_deploy_v2.prototxt. Its layers with weights, in
 * order, with their blob shapes; and the check that a Caffe file is exactly this network.
 * (Not public.) */
#ifndef STUDIO_ECCV16_H
#define STUDIO_ECCV16_H
#include "caffe.h"

typedef enum { ES_CONV, ES_DECONV, ES_BATCHNORM, ES_SCALE } es_eccv16_kind;

typedef struct {
  const char *name;
  es_eccv16_kind kind;
  int in, out;       /* channels */
  int k, stride, pad, dilation;
  int optional;      /* blobs may be absent (class8_ab, conv8_313_rh): filled in by the converter */
} es_eccv16_layer;

#define ES_ECCV16_LAYERS 30
extern const es_eccv16_layer es_eccv16[ES_ECCV16_LAYERS];

/* Every expected layer present with its type and blob shapes, and no other layer with
 * weights; else the first mismatch, named. */
studio_status es_eccv16_check(studio_ctx *ctx, const es_caffe_net *net);

/* Fill what a released file may leave empty: class8_ab's weights (the 313 bin centres as
 * 2x313x1x1, always set: from pts_in_hull.npy's bytes when pts is given, else from the built-in
 * table of ab_bins.h, replacing whatever the file held) and conv8_313_rh's scale (2.606). */
studio_status es_eccv16_complete(studio_ctx *ctx, es_caffe_net *net, const uint8_t *pts, size_t pts_len);

/* The 313 bin centres of a completed net (class8_ab's 2x313 weights) as 313 (a, b) pairs. */
void es_eccv16_bins(const es_caffe_net *net, float bins[626]);

#endif
