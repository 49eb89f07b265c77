/* colorize_internal.h - the colorizer's pieces the colour hints reuse (not public): the
 * network's ab for an image, and the output pass that joins the photo's L with enlarged
 * ab fields. */
#ifndef STUDIO_COLORIZE_INTERNAL_H
#define STUDIO_COLORIZE_INTERNAL_H
#include "../api/studio.h"

/* studio_model_load on a malloc'd buffer handed over: a converted file is used where it lies
 * (no second copy of the weights while loading, which would stay the WASM heap's high-water
 * mark), a caffemodel freed once parsed; freed on failure too. */
studio_status es_model_load_owned(studio_ctx *ctx, uint8_t *data, size_t len, const uint8_t *pts, size_t pts_len, studio_model **out);

/* A low-resolution ab field and how to enlarge it. */
typedef struct {
  const float *ab;     /* w x h x 2, or NULL: none (zero) */
  int w, h;
  const float *low_l;  /* w x h: the L each sample stands for (guided enlargement) */
  int taps;            /* 0: bilinear (OpenCV's pixel centres); 2 or 4: guided by L */
} es_ab_field;

/* The network's ab for `in` (runs the network, or reuses its cached output for the same
 * image and size): out->ab is malloc'd (q x q x 2, free it), low_l and the confidence stay
 * with the model. taps follows o->edge_aware. */
studio_status es_colorize_ab(studio_ctx *ctx, studio_model *m, const studio_image *in, const studio_colorize_options *o, es_ab_field *out);

/* out = in's lightness + base enlarged + corr enlarged (either may be NULL), as RGB (RGBA
 * when in has alpha, copied); a colour outside sRGB is clamped per channel, as OpenCV's
 * sample does. */
studio_status es_colorize_render(studio_ctx *ctx, const studio_image *in, const es_ab_field *base, const es_ab_field *corr, studio_image *out);
#endif
