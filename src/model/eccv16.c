/* eccv16.c - see eccv16.h. Read off colorization_deploy_v2.prototxt. */
#include "eccv16.h"

#include "ab_bins.h"
#include "npy.h"

#include <stdlib.h>
#include <string.h>

#define CONV(n, i, o, k, s, p, d) {n, ES_CONV, i, o, k, s, p, d, 0}
#define BN(n, c) {n, ES_BATCHNORM, c, c, 0, 0, 0, 0, 0}

const es_eccv16_layer es_eccv16[ES_ECCV16_LAYERS] = {
    CONV("bw_conv1_1", 1, 64, 3, 1, 1, 1),    CONV("conv1_2", 64, 64, 3, 2, 1, 1),    BN("conv1_2norm", 64),
    CONV("conv2_1", 64, 128, 3, 1, 1, 1),     CONV("conv2_2", 128, 128, 3, 2, 1, 1),  BN("conv2_2norm", 128),
    CONV("conv3_1", 128, 256, 3, 1, 1, 1),    CONV("conv3_2", 256, 256, 3, 1, 1, 1),  CONV("conv3_3", 256, 256, 3, 2, 1, 1),
    BN("conv3_3norm", 256),                   CONV("conv4_1", 256, 512, 3, 1, 1, 1),  CONV("conv4_2", 512, 512, 3, 1, 1, 1),
    CONV("conv4_3", 512, 512, 3, 1, 1, 1),    BN("conv4_3norm", 512),                 CONV("conv5_1", 512, 512, 3, 1, 2, 2),
    CONV("conv5_2", 512, 512, 3, 1, 2, 2),    CONV("conv5_3", 512, 512, 3, 1, 2, 2),  BN("conv5_3norm", 512),
    CONV("conv6_1", 512, 512, 3, 1, 2, 2),    CONV("conv6_2", 512, 512, 3, 1, 2, 2),  CONV("conv6_3", 512, 512, 3, 1, 2, 2),
    BN("conv6_3norm", 512),                   CONV("conv7_1", 512, 512, 3, 1, 1, 1),  CONV("conv7_2", 512, 512, 3, 1, 1, 1),
    CONV("conv7_3", 512, 512, 3, 1, 1, 1),    BN("conv7_3norm", 512),
    {"conv8_1", ES_DECONV, 512, 256, 4, 2, 1, 1, 0},
    CONV("conv8_2", 256, 256, 3, 1, 1, 1),    CONV("conv8_3", 256, 256, 3, 1, 1, 1),
    /* conv8_313 (256 -> 313, 1x1) is followed by conv8_313_rh (Scale 2.606 = 1/T) and class8_ab
     * (313 -> 2, 1x1, the bin centres); both may be left empty in a file. */
    CONV("conv8_313", 256, 313, 1, 1, 0, 1),
};

static const char *kind_type(es_eccv16_kind k) {
  return k == ES_CONV ? "Convolution" : k == ES_DECONV ? "Deconvolution" : k == ES_BATCHNORM ? "BatchNorm" : "Scale";
}

static const struct { const char *name, *type; int64_t w[4], bias; int maxblobs; } tail[] = {
    {"conv8_313_rh", "Scale", {313, 0, 0, 0}, 0, 1},
    {"class8_ab", "Convolution", {2, 313, 1, 1}, 2, 2},
};

static int known(const char *name) {
  for (int i = 0; i < ES_ECCV16_LAYERS; i++) if (strcmp(es_eccv16[i].name, name) == 0) return 1;
  return strcmp(name, "conv8_313_rh") == 0 || strcmp(name, "class8_ab") == 0;
}

studio_status es_eccv16_check(studio_ctx *ctx, const es_caffe_net *net) {
  for (int i = 0; i < net->nlayers; i++)
    if (net->layers[i].nblobs && !known(net->layers[i].name))
      return es_fail(ctx, STUDIO_E_UNSUPPORTED, "not the ECCV16 colorization network: unexpected layer '%s' with weights", net->layers[i].name);
  for (int i = 0; i < ES_ECCV16_LAYERS; i++) {
    const es_eccv16_layer *e = &es_eccv16[i];
    const es_caffe_layer *l = es_caffe_find(net, e->name);
    if (!l) return es_fail(ctx, STUDIO_E_UNSUPPORTED, "not the ECCV16 colorization network: layer '%s' is missing", e->name);
    if (strcmp(l->type, kind_type(e->kind)) != 0)
      return es_fail(ctx, STUDIO_E_UNSUPPORTED, "layer '%s' is a %s, expected %s", e->name, l->type, kind_type(e->kind));
    int64_t w[4], c[1] = {e->out}, one[1] = {1};
    if (e->kind == ES_BATCHNORM) {
      if (l->nblobs != 3 || !es_blob_shape_is(&l->blobs[0], 1, c) || !es_blob_shape_is(&l->blobs[1], 1, c) || !es_blob_shape_is(&l->blobs[2], 1, one))
        return es_fail(ctx, STUDIO_E_UNSUPPORTED, "layer '%s' (BatchNorm) should hold mean[%d], variance[%d] and a factor", e->name, e->out, e->out);
      continue;
    }
    if (e->kind == ES_DECONV) { w[0] = e->in; w[1] = e->out; } else { w[0] = e->out; w[1] = e->in; }
    w[2] = w[3] = e->k;
    if (l->nblobs < 1 || !es_blob_shape_is(&l->blobs[0], 4, w))
      return es_fail(ctx, STUDIO_E_UNSUPPORTED, "layer '%s' weights should be %lldx%lldx%lldx%lld", e->name, (long long)w[0], (long long)w[1], (long long)w[2], (long long)w[3]);
    if (l->nblobs != 2 || !es_blob_shape_is(&l->blobs[1], 1, c))
      return es_fail(ctx, STUDIO_E_UNSUPPORTED, "layer '%s' should have a bias of %d values", e->name, e->out);
  }
  for (size_t i = 0; i < sizeof tail / sizeof *tail; i++) {
    const es_caffe_layer *l = es_caffe_find(net, tail[i].name);
    if (!l || l->nblobs == 0) continue; /* filled in later */
    if (strcmp(l->type, tail[i].type) != 0)
      return es_fail(ctx, STUDIO_E_UNSUPPORTED, "layer '%s' is a %s, expected %s", tail[i].name, l->type, tail[i].type);
    int nd = tail[i].w[1] ? 4 : 1;
    if (l->nblobs > tail[i].maxblobs || !es_blob_shape_is(&l->blobs[0], nd, tail[i].w) ||
        (l->nblobs == 2 && !es_blob_shape_is(&l->blobs[1], 1, &tail[i].bias)))
      return es_fail(ctx, STUDIO_E_UNSUPPORTED, "layer '%s' has unexpected blobs", tail[i].name);
  }
  return es_ok(ctx);
}

static es_caffe_layer *layer_or_new(es_caffe_net *net, const char *name, const char *type) {
  for (int i = 0; i < net->nlayers; i++) if (strcmp(net->layers[i].name, name) == 0) return &net->layers[i];
  es_caffe_layer *more = realloc(net->layers, sizeof *more * (size_t)(net->nlayers + 1));
  if (!more) return NULL;
  net->layers = more;
  es_caffe_layer *l = &net->layers[net->nlayers++];
  memset(l, 0, sizeof *l);
  strncpy(l->name, name, sizeof l->name - 1);
  strncpy(l->type, type, sizeof l->type - 1);
  return l;
}

static void drop_blobs(es_caffe_layer *l) {
  for (int b = 0; b < l->nblobs; b++) if (!l->blobs[b].borrowed) free(l->blobs[b].data);
  l->nblobs = 0;
}

/* class8_ab always gets the bin centres, as the authors' demo and OpenCV's sample do: the
 * released file leaves the layer empty, and these 313 points are what the network was trained
 * to predict whatever a file says. An explicit .npy wins (another training's bins). */
studio_status es_eccv16_complete(studio_ctx *ctx, es_caffe_net *net, const uint8_t *pts, size_t pts_len) {
  es_caffe_layer *ab = layer_or_new(net, "class8_ab", "Convolution"), *sc = layer_or_new(net, "conv8_313_rh", "Scale");
  if (!ab || !sc) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  es_npy p = {0};
  if (pts) {
    studio_status s = es_npy_read(ctx, pts, pts_len, &p);
    if (s) return s;
    if (p.count != 626) { es_npy_free(&p); return es_fail(ctx, STUDIO_E_FORMAT, "pts_in_hull.npy should hold 313 x 2 values, not %zu", p.count); }
  }
  es_blob w = {.ndim = 4, .dims = {2, 313, 1, 1}, .count = 626, .data = malloc(sizeof(float) * 626)};
  es_blob b = {.ndim = 1, .dims = {2, 0, 0, 0}, .count = 2, .data = calloc(2, sizeof(float))};
  if (!w.data || !b.data) { free(w.data); free(b.data); es_npy_free(&p); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
  for (int i = 0; i < 313; i++) { /* (313, 2) points -> class8_ab's 2 x 313 weights */
    w.data[i] = pts ? p.data[2 * i] : es_ab_bins[i][0];
    w.data[313 + i] = pts ? p.data[2 * i + 1] : es_ab_bins[i][1];
  }
  es_npy_free(&p);
  drop_blobs(ab);
  ab->blobs[0] = w; ab->blobs[1] = b; ab->nblobs = 2;
  if (sc->nblobs == 0) {
    es_blob s = {.ndim = 1, .dims = {313, 0, 0, 0}, .count = 313, .data = malloc(sizeof(float) * 313)};
    if (!s.data) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
    for (int i = 0; i < 313; i++) s.data[i] = 2.606f;
    sc->blobs[0] = s; sc->nblobs = 1;
  }
  return es_ok(ctx);
}

void es_eccv16_bins(const es_caffe_net *net, float bins[626]) {
  const float *w = es_caffe_find(net, "class8_ab")->blobs[0].data;
  for (int i = 0; i < 313; i++) { bins[2 * i] = w[i]; bins[2 * i + 1] = w[313 + i]; }
}
