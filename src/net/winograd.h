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
 * all (m+2)^2 of them as one XNNPACK batch-matrix-multiply; the output transform
 * (Y = A^T M A) fused with the bias and the ReLU. The schedule: tiles in chunks (bounded
 * scratch, whatever the image size), each step threaded on the context's pool.
 *
 * U is (m+2)^2/9 times the size of the weights (4x for F(4x4)), so it is not kept: each run
 * transforms the layer's weights a block of output channels at a time (about 2.5 MB of U) and
 * multiplies and output-transforms that block at once, so U never leaves the cache (the
 * scratch holds one block, not the layer's U). The products are the same as stored U's, bit
 * for bit: V is the left operand either way and XNNPACK sums each product along the input
 * channels in the same order. `stored` keeps the former way, U transformed once and packed
 * inside the operator (4x the weights' memory; the native default, the benchmark's comparison
 * and the tests' equality check).
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
  int stored;         /* keep the transformed weights (the former way) */
} es_winograd_spec;

/* `stored` for the networks built next (eccv16_net.c reads it): by default 0 in WASM (memory
 * is what limits there) and 1 natively (3x faster over the network there); bench_colorize's
 * "stored" and "fly" set it. */
extern int es_winograd_keep_transforms;

int es_winograd_tile_ok(int m);

/* kernel: OIHW (out x in x 3 x 3, Caffe's order) in f32, or kernel_f16 in IEEE half (one of
 * the two NULL; half is widened exactly as it is read), bias: out floats (copied). Stored: both
 * may be freed after; otherwise the kernel is read at every run and must outlive wg (the
 * model's weights), or be handed over with es_winograd_adopt_kernel. */
studio_status es_winograd_create(studio_ctx *ctx, const es_winograd_spec *spec, const float *kernel, const uint16_t *kernel_f16, const float *bias,
                                 es_winograd **out);
/* wg owns (and frees) kernel from now on: a malloc'd copy, as passed to create. */
void es_winograd_adopt_kernel(es_winograd *wg, float *kernel);
void es_winograd_destroy(es_winograd *wg);
/* in: h x w x in NHWC; out: h x w x out NHWC (must not overlap in); scratch: at least
 * es_winograd_scratch(wg) bytes, 64-byte aligned (layers run one after another share one). */
studio_status es_winograd_run(studio_ctx *ctx, es_winograd *wg, const float *in, float *out, float *scratch);
size_t es_winograd_scratch(const es_winograd *wg);
/* Bytes it holds: stored, the transformed weights (as XNNPACK packs them, give or take its
 * padding); on the fly, nothing but the tiles' origins, and the kernel if adopted. */
size_t es_winograd_bytes(const es_winograd *wg);

#endif
