/* test_xnnpack.c - the third-party recipe works: an XNNPACK f32 convolution (3x3, dilation
 * 2, padding, bias, ReLU as min/max) on the context's own thread pool equals a plain loop.
 * Run natively and under both WASM builds, it exercises the patched wasmsimd kernels and
 * the threaded pthreadpool the colorizer will stand on. */
#include "check.h"
#include "api/context.h"

#include <math.h>
#include <stdlib.h>
#include <xnnpack.h>

enum { H = 13, W = 17, CI = 8, CO = 16, K = 3, D = 2, P = 2 };

static float ref_at(const float *in, const float *w, const float *b, int y, int x, int o) {
  float s = b[o];
  for (int ky = 0; ky < K; ky++)
    for (int kx = 0; kx < K; kx++) {
      int iy = y - P + ky * D, ix = x - P + kx * D;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      for (int c = 0; c < CI; c++) s += in[(iy * W + ix) * CI + c] * w[((o * K + ky) * K + kx) * CI + c];
    }
  return s < 0.f ? 0.f : s;
}

int main(void) {
  studio_ctx *ctx = studio_create(NULL);
  if (!CHECK(ctx != NULL)) return check_summary("test_xnnpack");
  float *in = malloc(sizeof(float) * H * W * CI), *w = malloc(sizeof(float) * CO * K * K * CI), b[CO];
  float *out = calloc(H * W * CO, sizeof(float));
  srand(3);
  for (int i = 0; i < H * W * CI; i++) in[i] = rand() / (float)RAND_MAX - 0.5f;
  for (int i = 0; i < CO * K * K * CI; i++) w[i] = rand() / (float)RAND_MAX - 0.5f;
  for (int i = 0; i < CO; i++) b[i] = 0.1f * (float)(i - CO / 2);
  xnn_operator_t op = NULL;
  CHECK(xnn_create_convolution2d_nhwc_f32(P, P, P, P, K, K, 1, 1, D, D, 1, CI, CO, CI, CO, w, b, 0.f, INFINITY, 0, NULL, NULL, &op) ==
        xnn_status_success);
  size_t ws = 0, wa = 0, oh = 0, ow = 0;
  CHECK(xnn_reshape_convolution2d_nhwc_f32(op, 1, H, W, &ws, &wa, &oh, &ow, ctx->pool) == xnn_status_success);
  CHECKF(oh == H && ow == W, "output %zux%zu", oh, ow);
  void *workspace = ws ? aligned_alloc(wa < sizeof(void *) ? sizeof(void *) : wa, (ws + wa - 1) / wa * wa) : NULL;
  CHECK(xnn_setup_convolution2d_nhwc_f32(op, workspace, in, out) == xnn_status_success);
  CHECK(xnn_run_operator(op, ctx->pool) == xnn_status_success);
  float worst = 0.f;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      for (int o = 0; o < CO; o++) worst = fmaxf(worst, fabsf(out[(y * W + x) * CO + o] - ref_at(in, w, b, y, x, o)));
  CHECKF(worst < 1e-4f, "XNNPACK convolution differs from the plain loop by %g", worst);
  printf("XNNPACK f32 conv on %d thread(s): max difference %.2g\n", studio_threads(ctx), worst);
  xnn_delete_operator(op);
  free(workspace); free(in); free(w); free(out);
  studio_destroy(ctx);
  return check_summary("test_xnnpack");
}
