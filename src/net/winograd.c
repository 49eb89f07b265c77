/* winograd.c - see winograd.h. */
#include "winograd.h"
#include "../core/parallel.h"
#include "../model/caffe.h" /* es_half_to_float */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xnnpack.h>

#define MAXN 6   /* m + 2 for the largest tile */
#define CB 64    /* channels per block in the transforms: their scratch fits on a worker's stack */
/* Scratch per chunk of tiles (transformed input and products): big enough that a chunk is the
 * whole layer at the default network size, small enough that 512 input stays cheap in WASM. */
#define CHUNK_BYTES ((size_t)16 << 20)

/* F(m x m, 3 x 3), n = m + 2: interpolation points 0, 1, -1 (and infinity) for m = 2, and 0,
 * 1, -1, 2, -2 (and infinity) for m = 4 (Lavin and Gray, 4.1-4.2). The input and output
 * transforms B^T and A^T are written out as 1-D passes over n vectors of channels (their
 * shared sums first: half the arithmetic of the matrices); G transforms the weights. */
typedef void (*pass_fn)(const float *const *x, float *const *y, int cb);

/* The passes' inputs and outputs never overlap (tiles, scratch and image are apart). Neither
 * compiler takes restrict on locals as proof, and their run-time overlap checks give up at
 * this many pointers, so without this every pass ran scalar (gcc 12 and Emscripten's clang). */
#if defined(__clang__)
#define PASS_LOOP _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define PASS_LOOP _Pragma("GCC ivdep")
#else
#define PASS_LOOP
#endif

static void bt2(const float *const *x, float *const *y, int cb) { /* B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1] */
  const float *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2], *restrict x3 = x[3];
  float *restrict y0 = y[0], *restrict y1 = y[1], *restrict y2 = y[2], *restrict y3 = y[3];
  PASS_LOOP
  for (int c = 0; c < cb; c++) {
    const float d0 = x0[c], d1 = x1[c], d2 = x2[c], d3 = x3[c];
    y0[c] = d0 - d2; y1[c] = d1 + d2; y2[c] = d2 - d1; y3[c] = d1 - d3;
  }
}
static void at2(const float *const *x, float *const *y, int cb) { /* A^T = [1 1 1 0; 0 1 -1 -1] */
  const float *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2], *restrict x3 = x[3];
  float *restrict y0 = y[0], *restrict y1 = y[1];
  PASS_LOOP
  for (int c = 0; c < cb; c++) {
    const float m1 = x1[c], m2 = x2[c];
    y0[c] = x0[c] + m1 + m2; y1[c] = m1 - m2 - x3[c];
  }
}
/* B^T rows: [4 0 -5 0 1 0], [0 -4 -4 1 1 0], [0 4 -4 -1 1 0], [0 -2 -1 2 1 0], [0 2 -1 -2 1 0], [0 4 0 -5 0 1] */
static void bt4(const float *const *x, float *const *y, int cb) {
  const float *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2], *restrict x3 = x[3], *restrict x4 = x[4], *restrict x5 = x[5];
  float *restrict y0 = y[0], *restrict y1 = y[1], *restrict y2 = y[2], *restrict y3 = y[3], *restrict y4 = y[4], *restrict y5 = y[5];
  PASS_LOOP
  for (int c = 0; c < cb; c++) {
    const float d0 = x0[c], d1 = x1[c], d2 = x2[c], d3 = x3[c], d4 = x4[c], d5 = x5[c];
    const float a = d4 - 4.f * d2, b = d3 - 4.f * d1, e = d4 - d2, f = 2.f * (d3 - d1);
    y0[c] = 4.f * d0 - 5.f * d2 + d4;
    y1[c] = a + b; y2[c] = a - b;
    y3[c] = e + f; y4[c] = e - f;
    y5[c] = 4.f * d1 - 5.f * d3 + d5;
  }
}
/* A^T rows: [1 1 1 1 1 0], [0 1 -1 2 -2 0], [0 1 1 4 4 0], [0 1 -1 8 -8 1] */
static void at4(const float *const *x, float *const *y, int cb) {
  const float *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2], *restrict x3 = x[3], *restrict x4 = x[4], *restrict x5 = x[5];
  float *restrict y0 = y[0], *restrict y1 = y[1], *restrict y2 = y[2], *restrict y3 = y[3];
  PASS_LOOP
  for (int c = 0; c < cb; c++) {
    const float s12 = x1[c] + x2[c], d12 = x1[c] - x2[c], s34 = x3[c] + x4[c], d34 = x3[c] - x4[c];
    y0[c] = x0[c] + s12 + s34; y1[c] = d12 + 2.f * d34;
    y2[c] = s12 + 4.f * s34; y3[c] = d12 + 8.f * d34 + x5[c];
  }
}

/* G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1], its shared sums first (as B^T and A^T) */
static void g2(const float *const *x, float *const *y, int cb) {
  const float *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2];
  float *restrict y0 = y[0], *restrict y1 = y[1], *restrict y2 = y[2], *restrict y3 = y[3];
  PASS_LOOP
  for (int c = 0; c < cb; c++) {
    const float s = .5f * (x0[c] + x2[c]), h = .5f * x1[c];
    y0[c] = x0[c]; y1[c] = s + h; y2[c] = s - h; y3[c] = x2[c];
  }
}
/* G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1] */
static void g4(const float *const *x, float *const *y, int cb) {
  const float *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2];
  float *restrict y0 = y[0], *restrict y1 = y[1], *restrict y2 = y[2], *restrict y3 = y[3], *restrict y4 = y[4], *restrict y5 = y[5];
  PASS_LOOP
  for (int c = 0; c < cb; c++) {
    const float a = x0[c], b = x1[c], d = x2[c];
    const float s = (-1.f / 6) * (a + d), h = (1.f / 6) * b, t = (1.f / 24) * a + (1.f / 6) * d, u = (1.f / 12) * b;
    y0[c] = .25f * a; y1[c] = s - h; y2[c] = s + h; y3[c] = t + u; y4[c] = t - u; y5[c] = d;
  }
}

typedef struct {
  int m, n;
  pass_fn bt, at, g;  /* g: the weights' G, in f32, the same for both layouts of U */
} transform;

static const transform F2 = {2, 4, bt2, at2, g2};
static const transform F4 = {4, 6, bt4, at4, g4};

int es_winograd_tile_ok(int m) { return m == 2 || m == 4; }

struct es_winograd {
  es_winograd_spec s;
  const transform *t;
  int ntiles, chunk;     /* tiles in all; per chunk (the products' row count) */
  int kb;                /* output channels per block: all of them when stored */
  int32_t *origin;       /* ntiles x (y, x): each tile's first output pixel */
  float *bias;           /* out */
  /* Products [position][tile][output channel of the block] = V [position][tile][in] x U.
   * Stored (es_winograd_keep_transforms): U transformed once and packed inside the operator,
   * one block of all `out` channels. Otherwise U is made from `kernel` at each run, kb output
   * channels at a time ([position][kb][in], XNNPACK packs it), each block multiplied and
   * output-transformed while it is still in cache. */
  xnn_operator_t gemm;
  const float *kernel;   /* OIHW, the caller's (on the fly only) */
  const uint16_t *kernel_f16; /* or the same in half precision */
  float *own;            /* kernel, when it had to be widened here */
  size_t gemm_ws;        /* XNNPACK's workspace (a block of U packed), on the fly */
  int reshaped, reshaped_kb; /* the row count and block width the products were last sized for */
};

/* Natively memory is plentiful and the stored operator 2.5-3x faster over the network (the
 * transform's pass over 4x the weights is memory-bound); in WASM the heap is what limits
 * (895 vs 461 MB peak for 12 MP) and the stored way only 1.1-1.4x faster. */
#ifdef __EMSCRIPTEN__
int es_winograd_keep_transforms = 0;
#else
int es_winograd_keep_transforms = 1;
#endif

void es_winograd_destroy(es_winograd *wg) {
  if (!wg) return;
  if (wg->gemm) xnn_delete_operator(wg->gemm);
  free(wg->origin); free(wg->bias); free(wg->own);
  free(wg);
}

/* Tiles laid on each polyphase sub-grid (py, px): its pixels are (py + d i, px + d j). */
static int32_t *lay_tiles(const es_winograd_spec *s, int *count) {
  const int d = s->dilation, m = s->m;
  int n = 0;
  for (int py = 0; py < d; py++)
    for (int px = 0; px < d; px++) n += ((s->h - py + d - 1) / d + m - 1) / m * (((s->w - px + d - 1) / d + m - 1) / m);
  int32_t *o = malloc(sizeof(int32_t) * 2 * (size_t)(n ? n : 1)), *p = o;
  if (!o) return NULL;
  for (int py = 0; py < d; py++)
    for (int px = 0; px < d; px++)
      for (int y = py; y < s->h; y += d * m)
        for (int x = px; x < s->w; x += d * m) { *p++ = y; *p++ = x; }
  *count = n;
  return o;
}

/* U = G g G^T per (in, out) pair, stored [position][in][out] for the products. A job is a
 * range of input channels; outputs in blocks, so every loop runs along them (vectorised) and
 * each position's row of U is written in runs. kernel: OIHW, Caffe's order. */
typedef struct {
  const transform *t;
  const float *kernel;      /* OIHW f32 */
  const uint16_t *half;     /* or f16 (the other NULL) */
  float *u;
  int in, out;
} weights_job;

#define KB 64
/* U for `len` (<= KB) pairs along one row of the layout: the kernels from element `g0` of the
 * kernel on, `gstep` apart, into `len` consecutive floats at `u0` of each position's block.
 * The arithmetic per pair is the same whichever way the row runs, so both layouts hold the
 * same values; f16 weights are widened here, as they are read into the block. */
static void transform_run(const weights_job *j, size_t g0, size_t gstep, float *u0, int len) {
  const int n = j->t->n;
  const size_t pos = (size_t)j->in * j->out;
  float g[9][KB], tg[MAXN][3][KB], wide[9 * KB];
  const float *src = j->kernel ? j->kernel + g0 : wide;
  if (!j->kernel && gstep == 9) { /* one contiguous run of halves: widened in a loop that vectorises */
    const uint16_t *h = j->half + g0;
    for (int i = 0; i < 9 * len; i++) wide[i] = es_half_to_float(h[i]);
  } else if (!j->kernel) {
    for (int k = 0; k < len; k++)
      for (int tap = 0; tap < 9; tap++) wide[9 * k + tap] = es_half_to_float(j->half[g0 + k * gstep + tap]);
    gstep = 9;
  }
  for (int k = 0; k < len; k++)
    for (int tap = 0; tap < 9; tap++) g[tap][k] = src[k * gstep + tap];
  const float *x[MAXN];
  float *y[MAXN];
  for (int q = 0; q < 3; q++) { /* tg = G g, column q */
    for (int r = 0; r < 3; r++) x[r] = g[3 * r + q];
    for (int i = 0; i < n; i++) y[i] = tg[i][q];
    j->t->g(x, y, len);
  }
  for (int i = 0; i < n; i++) { /* U = tg G^T, row i */
    for (int r = 0; r < 3; r++) x[r] = tg[i][r];
    for (int p = 0; p < n; p++) y[p] = u0 + ((size_t)i * n + p) * pos;
    j->t->g(x, y, len);
  }
}

static void transform_weights(void *arg, size_t start, size_t count) { /* [p][c][k], jobs by input channel */
  const weights_job *j = arg;
  for (size_t c = start; c < start + count; c++)
    for (int k0 = 0; k0 < j->out; k0 += KB)
      transform_run(j, ((size_t)k0 * j->in + c) * 9, (size_t)j->in * 9, j->u + c * j->out + k0, j->out - k0 < KB ? j->out - k0 : KB);
}

static void transform_weights_t(void *arg, size_t start, size_t count) { /* [p][k][c], jobs by output channel */
  const weights_job *j = arg;
  for (size_t k = start; k < start + count; k++)
    for (int c0 = 0; c0 < j->in; c0 += KB)
      transform_run(j, (k * j->in + c0) * 9, 9, j->u + k * j->in + c0, j->in - c0 < KB ? j->in - c0 : KB);
}

/* Output channels per block on the fly: a block of U (n^2 x kb x in floats) of about 2.5 MB
 * (32 channels at 512 inputs, 64 at 256), so it and XNNPACK's packed copy stay in the last
 * level cache between the transform and the product. Measured (bench_colorize, 224, one
 * thread, natively and in WASM): 16 channels re-read V too often (1.5-2x the product's time),
 * 128 or more spilled U to memory again; 32-64 ran the products as fast as stored U. */
#define U_BLOCK_BYTES ((size_t)5 << 19)
static int block_width(const es_winograd_spec *s, size_t n2) {
  size_t kb = U_BLOCK_BYTES / (n2 * s->in * sizeof(float));
  kb = kb < 16 ? 16 : kb / 16 * 16;
  return kb >= (size_t)s->out ? s->out : (int)kb;
}

studio_status es_winograd_create(studio_ctx *ctx, const es_winograd_spec *spec, const float *kernel, const uint16_t *kernel_f16, const float *bias,
                                 es_winograd **out) {
  *out = NULL;
  if (!es_winograd_tile_ok(spec->m) || spec->dilation < 1 || spec->in < 1 || spec->out < 1 || spec->h < 1 || spec->w < 1)
    return es_fail(ctx, STUDIO_E_ARGUMENT, "Winograd: unsupported layer (tile %d, dilation %d)", spec->m, spec->dilation);
  es_winograd *wg = calloc(1, sizeof *wg);
  if (!wg) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  wg->s = *spec;
  wg->t = spec->m == 2 ? &F2 : &F4;
  wg->kb = spec->out;
  const size_t n2 = (size_t)wg->t->n * wg->t->n;
  wg->origin = lay_tiles(spec, &wg->ntiles);
  /* chunks of equal size, each within the scratch budget */
  size_t fit = CHUNK_BYTES / (n2 * (spec->in + spec->out) * sizeof(float));
  if (fit < 8) fit = 8;
  const size_t chunks = ((size_t)wg->ntiles + fit - 1) / fit;
  wg->chunk = (int)(((size_t)wg->ntiles + chunks - 1) / chunks);
  wg->bias = malloc(sizeof(float) * spec->out);
  enum xnn_status xs = xnn_status_out_of_memory;
  if (wg->origin && wg->bias) {
    memcpy(wg->bias, bias, sizeof(float) * spec->out);
    if (spec->stored) {
      float *u = malloc(sizeof(float) * n2 * spec->in * spec->out);
      if (u) {
        weights_job wj = {wg->t, kernel, kernel_f16, u, spec->in, spec->out};
        es_parallel_tiles(ctx->pool, (size_t)spec->in, 8, transform_weights, &wj);
        xs = xnn_create_batch_matrix_multiply_nc_f32_const_weights(n2, spec->in, spec->out, u, 0, &wg->gemm);
      }
      free(u);
    } else {
      wg->kernel = kernel;
      wg->kernel_f16 = kernel_f16;
      wg->kb = block_width(spec, n2);
      size_t align = 0;
      xs = xnn_create_batch_matrix_multiply_nc_f32(XNN_FLAG_TRANSPOSE_B, &wg->gemm);
      if (xs == xnn_status_success)
        xs = xnn_reshape_batch_matrix_multiply_nc_f32(wg->gemm, 1, &n2, &n2, wg->chunk, spec->in, wg->kb, &wg->gemm_ws, &align, ctx->pool);
      if (xs == xnn_status_success && align > 64) xs = xnn_status_unsupported_parameter;
      wg->reshaped = xs == xnn_status_success ? wg->chunk : 0;
      wg->reshaped_kb = wg->kb;
    }
  }
  if (xs != xnn_status_success) {
    es_winograd_destroy(wg);
    return xs == xnn_status_out_of_memory ? es_fail(ctx, STUDIO_E_NOMEM, "out of memory for a Winograd layer (%d -> %d channels)", spec->in, spec->out)
                                          : es_fail(ctx, STUDIO_E_INTERNAL, "XNNPACK refused a batch matrix multiply (status %d)", (int)xs);
  }
  *out = wg;
  return STUDIO_OK;
}

void es_winograd_adopt_kernel(es_winograd *wg, float *kernel) {
  if (wg->s.stored) { free(kernel); return; }
  wg->own = kernel;
  wg->kernel = kernel;
  wg->kernel_f16 = NULL;
}

size_t es_winograd_bytes(const es_winograd *wg) {
  const size_t u = wg->s.stored ? sizeof(float) * (size_t)wg->t->n * wg->t->n * wg->s.in * wg->s.out : 0;
  return u + sizeof(float) * wg->s.out + sizeof(int32_t) * 2 * wg->ntiles + (wg->own ? sizeof(float) * 9 * (size_t)wg->s.in * wg->s.out : 0);
}

static size_t up64(size_t b) { return (b + 63) / 64 * 64; }

/* the transformed input (n^2 x chunk x in) and the products (n^2 x chunk x kb); on the fly,
 * after them a block of U (n^2 x kb x in) and XNNPACK's workspace (that block packed) */
size_t es_winograd_scratch(const es_winograd *wg) {
  const size_t n2 = (size_t)wg->t->n * wg->t->n, vp = up64(sizeof(float) * n2 * wg->chunk * (wg->s.in + wg->kb));
  return wg->s.stored ? vp : vp + up64(sizeof(float) * n2 * wg->s.in * wg->kb) + up64(wg->gemm_ws);
}

typedef struct {
  const es_winograd *wg;
  const float *in;
  float *out;
  int first, count; /* the chunk's tiles */
  int k0, kb;       /* output: the block of output channels the products hold */
} chunk_job;

static const float zeros[CB]; /* the padding around the image */

/* V = B^T d B for tiles [start, start + count) of the chunk, channels in blocks of CB: rows
 * straight from the image (or zeros), columns straight into the products' input. */
static void input_tiles(void *arg, size_t start, size_t count) {
  const chunk_job *j = arg;
  const es_winograd *wg = j->wg;
  const transform *t = wg->t;
  const int n = t->n, C = wg->s.in, H = wg->s.h, W = wg->s.w, d = wg->s.dilation;
  const size_t pos_step = (size_t)j->count * C; /* between transform positions in v */
  float tmp[MAXN][MAXN][CB];
  for (size_t tl = start; tl < start + count; tl++) {
    const int32_t *o = wg->origin + 2 * ((size_t)j->first + tl);
    const float *px[MAXN][MAXN];
    for (int r = 0; r < n; r++)
      for (int q = 0; q < n; q++) {
        const int y = o[0] + d * (r - 1), x = o[1] + d * (q - 1);
        px[r][q] = y >= 0 && y < H && x >= 0 && x < W ? j->in + ((size_t)y * W + x) * C : NULL;
      }
    for (int c0 = 0; c0 < C; c0 += CB) {
      const int cb = C - c0 < CB ? C - c0 : CB;
      const float *x[MAXN];
      float *y[MAXN];
      for (int q = 0; q < n; q++) { /* tmp = B^T d, one column of the tile at a time */
        for (int r = 0; r < n; r++) { x[r] = px[r][q] ? px[r][q] + c0 : zeros; y[r] = tmp[r][q]; }
        t->bt(x, y, cb);
      }
      for (int i = 0; i < n; i++) { /* V = tmp B, row by row */
        for (int q = 0; q < n; q++) { x[q] = tmp[i][q]; y[q] = j->out + ((size_t)i * n + q) * pos_step + tl * C + c0; }
        t->bt(x, y, cb);
      }
    }
  }
}

/* Y = A^T M A + bias, clamped below, for tiles [start, start + count) of the chunk and the
 * block's output channels; the pixels of a tile outside the image (edge tiles) are not written. */
static void output_tiles(void *arg, size_t start, size_t count) {
  const chunk_job *j = arg;
  const es_winograd *wg = j->wg;
  const transform *t = wg->t;
  const int n = t->n, m = t->m, K = wg->s.out, H = wg->s.h, W = wg->s.w, d = wg->s.dilation, KB_ = j->kb;
  const size_t pos_step = (size_t)j->count * KB_;
  const float lo = wg->s.lo;
  float tmp[4][MAXN][CB], row[4][CB];
  for (size_t tl = start; tl < start + count; tl++) {
    const int32_t *o = wg->origin + 2 * ((size_t)j->first + tl);
    const float *mt = j->in + tl * KB_; /* position p of this tile at mt + p * pos_step, along k */
    for (int k0 = 0; k0 < KB_; k0 += CB) {
      const int kb = KB_ - k0 < CB ? KB_ - k0 : CB;
      const float *x[MAXN];
      float *y[MAXN];
      for (int q = 0; q < n; q++) { /* tmp = A^T M, one column at a time */
        for (int r = 0; r < n; r++) x[r] = mt + ((size_t)r * n + q) * pos_step + k0;
        for (int a = 0; a < m; a++) y[a] = tmp[a][q];
        t->at(x, y, kb);
      }
      for (int a = 0; a < m; a++) {
        const int oy = o[0] + d * a;
        if (oy >= H) break;
        for (int q = 0; q < n; q++) x[q] = tmp[a][q];
        for (int b = 0; b < m; b++) y[b] = row[b];
        t->at(x, y, kb); /* row a of Y = tmp A */
        for (int b = 0; b < m; b++) {
          const int ox = o[1] + d * b;
          if (ox >= W) break;
          float *dst = j->out + ((size_t)oy * W + ox) * K + j->k0 + k0;
          const float *bias = wg->bias + j->k0 + k0;
          for (int k = 0; k < kb; k++) { const float v = row[b][k] + bias[k]; dst[k] = v < lo ? lo : v; }
        }
      }
    }
  }
}

studio_status es_winograd_run(studio_ctx *ctx, es_winograd *wg, const float *in, float *out, float *scratch) {
  const size_t n2 = (size_t)wg->t->n * wg->t->n;
  float *v = scratch, *prod = scratch + n2 * wg->chunk * wg->s.in;
  float *u = (float *)((char *)scratch + up64(sizeof(float) * n2 * wg->chunk * (wg->s.in + wg->kb)));
  void *ws = (char *)u + up64(sizeof(float) * n2 * wg->s.in * wg->kb);
  for (int first = 0; first < wg->ntiles; first += wg->chunk) {
    const int count = wg->ntiles - first < wg->chunk ? wg->ntiles - first : wg->chunk;
    chunk_job ji = {wg, in, v, first, count, 0, 0};
    es_parallel_tiles(ctx->pool, count, 1, input_tiles, &ji);
    for (int k0 = 0; k0 < wg->s.out; k0 += wg->kb) {
      const int kb = wg->s.out - k0 < wg->kb ? wg->s.out - k0 : wg->kb;
      enum xnn_status xs = xnn_status_success;
      if (count != wg->reshaped || kb != wg->reshaped_kb) {
        xs = xnn_reshape_batch_matrix_multiply_nc_f32(wg->gemm, 1, &n2, &n2, count, wg->s.in, kb, NULL, NULL, ctx->pool);
        wg->reshaped = xs == xnn_status_success ? count : 0;
        wg->reshaped_kb = kb;
      }
      if (!wg->s.stored) { /* this block of U, [position][kb][in] */
        const size_t at = (size_t)k0 * wg->s.in * 9;
        weights_job wj = {wg->t, wg->kernel ? wg->kernel + at : NULL, wg->kernel ? NULL : wg->kernel_f16 + at, u, wg->s.in, kb};
        es_parallel_tiles(ctx->pool, (size_t)kb, 2, transform_weights_t, &wj);
      }
      if (xs == xnn_status_success)
        xs = wg->s.stored ? xnn_setup_batch_matrix_multiply_nc_f32(wg->gemm, NULL, v, NULL, prod) : xnn_setup_batch_matrix_multiply_nc_f32(wg->gemm, ws, v, u, prod);
      if (xs == xnn_status_success) xs = xnn_run_operator(wg->gemm, ctx->pool);
      if (xs != xnn_status_success) return es_fail(ctx, STUDIO_E_INTERNAL, "XNNPACK failed in a Winograd product (status %d)", (int)xs);
      chunk_job jo = {wg, prod, out, first, count, k0, kb};
      es_parallel_tiles(ctx->pool, count, 1, output_tiles, &jo);
    }
  }
  return STUDIO_OK;
}
