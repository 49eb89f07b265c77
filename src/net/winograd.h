/* winograd.h - a 3x3 stride-1 convolution ("same" padding, dilation d) by Winograd's minimal
 * filtering (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016):
 * F(m x m, 3 x 3) reads (m+2)^2 input values per m x m output tile, so a tile costs (m+2)^2
 * instead of 9 m^2 multiplications per input/output channel pair: 2.25x fewer for m = 2, 4x
 * for m = 4. A dilated convolution is d^2 ordinary ones on the polyphase sub-grids (rows and
 * columns of one parity for d = 2); its tiles are laid on each sub-grid, so nothing is split
 * or copied.
 *
 * The algorithm: input tiles transformed (V = B^T d B) into [position][tile][channel]; one
 * matrix product per transform position (M = V U, U = G g G^T built once from the weights),
 * all (m+2)^2 of them as one XNNPACK batch-matrix-multiply on pre-packed U; the output
 * transform (Y = A^T M A) fused with the bias and the ReLU. The schedule: tiles in chunks
 * (bounded scratch, whatever the image size), each step threaded on the context's pool.
 * (Not public.) */
#ifndef STUDIO_WINOGRAD_H
#define STUDIO_WINOGRAD_H

#include "../api/context.h"

typedef struct es_winograd es_winograd;

typedef struct {
  int in, out;        /* channels */
  int h, w;           /* input = output size */
  int dilation;       /* 1 or 2 (pad = dilation: the output keeps the input's size) */
  int m;              /* output tile side: 2 or 4 (es_winograd_tile_ok) */
  float lo;           /* output clamp below: 0 for a fused ReLU, -INFINITY for none */
} es_winograd_spec;

int es_winograd_tile_ok(int m);

/* kernel: OIHW (out x in x 3 x 3, Caffe's order) f32, bias: out floats (copied; both may be freed after). */
studio_status es_winograd_create(studio_ctx *ctx, const es_winograd_spec *spec, const float *kernel, const float *bias, es_winograd **out);
void es_winograd_destroy(es_winograd *wg);
/* in: h x w x in NHWC; out: h x w x out NHWC (must not overlap in); scratch: at least
 * es_winograd_scratch(wg) bytes, 64-byte aligned (layers run one after another share one). */
studio_status es_winograd_run(studio_ctx *ctx, es_winograd *wg, const float *in, float *out, float *scratch);
size_t es_winograd_scratch(const es_winograd *wg);
/* Bytes it holds: the transformed weights (as XNNPACK packs them, give or take its padding). */
size_t es_winograd_bytes(const es_winograd *wg);

#endif
