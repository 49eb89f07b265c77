/* fuzz_net.h - shared by the model-reader fuzz targets: read every value a parsed network
 * claims to hold, so ASan catches a reader whose counts or carved pointers overrun what it
 * allocated or was given (the readers' own loops may not touch all of them). */
#ifndef FUZZ_NET_H
#define FUZZ_NET_H
#include "model/caffe.h"

#include <string.h>

static inline float fuzz_touch_net(const es_caffe_net *net) {
  float sum = 0.f;
  for (int i = 0; i < net->nlayers; i++) {
    const es_caffe_layer *l = &net->layers[i];
    for (int b = 0; b < l->nblobs; b++) {
      const es_blob *bl = &l->blobs[b];
      if (bl->data) for (size_t k = 0; k < bl->count; k++) sum += bl->data[k];
      if (bl->h) for (size_t k = 0; k < bl->count; k++) sum += es_half_to_float(bl->h[k]);
      if (bl->q) {
        size_t ch = (size_t)bl->dims[strcmp(l->type, "Deconvolution") == 0 ? 1 : 0];
        for (size_t c = 0; c < ch; c++) sum += bl->scales[c];
        for (size_t k = 0; k < bl->count; k++) sum += bl->q[k];
      }
    }
  }
  return sum;
}
#endif
