/* guided.c - see guided.h. */
#include "guided.h"

#include <math.h>
#include <stdlib.h>

/* Output coordinate i of `out` -> n taps around its centre in a `src`-sample axis
 * (OpenCV's pixel centres, as the bilinear path uses), tent weights of radius n/2. */
static void taps(int src, int out, int n, int *t, float *s) {
  const float radius = 0.5f * (float)n;
  for (int i = 0; i < out; i++) {
    float u = (i + 0.5f) * src / out - 0.5f;
    int f = (int)floorf(u) - (n / 2 - 1);
    for (int k = 0; k < n; k++) {
      int j = f + k;
      float d = fabsf(u - (float)j);
      s[n * i + k] = d < radius ? 1.f - d / radius : 0.f;
      t[n * i + k] = j < 0 ? 0 : j >= src ? src - 1 : j; /* borders repeat */
    }
  }
}

int es_guided_init(es_guided *g, int qw, int qh, int w, int h, int n) {
  g->qw = qw; g->qh = qh; g->w = w; g->h = h; g->taps = n;
  g->tx = malloc(sizeof(int) * n * (size_t)w);
  g->ty = malloc(sizeof(int) * n * (size_t)h);
  g->sx = malloc(sizeof(float) * n * (size_t)w);
  g->sy = malloc(sizeof(float) * n * (size_t)h);
  if (!g->tx || !g->ty || !g->sx || !g->sy) { es_guided_free(g); return -1; }
  taps(qw, w, n, g->tx, g->sx);
  taps(qh, h, n, g->ty, g->sy);
  for (int i = 0; i < ES_GUIDED_LUT; i++) {
    float d = i / 8.f;
    /* a floor keeps a pixel unlike all 16 samples (a thin line the network never saw) at
     * their spatial average instead of dividing by nothing */
    g->range[i] = expf(-d * d / (2.f * ES_GUIDED_SIGMA_L * ES_GUIDED_SIGMA_L)) + 1e-4f;
  }
  return 0;
}

void es_guided_free(es_guided *g) {
  free(g->tx); free(g->ty); free(g->sx); free(g->sy);
  g->tx = g->ty = NULL; g->sx = g->sy = NULL;
}

void es_guided_row(const es_guided *g, const float *ab, const float *low_l, int y, int x0, int n, float *lab, int add) {
  const int T = g->taps, q = g->qw, *ty = g->ty + T * (size_t)y;
  const float *sy = g->sy + T * (size_t)y;
  for (int i = 0; i < n; i++) {
    const int x = x0 + i, *tx = g->tx + T * (size_t)x;
    const float *sx = g->sx + T * (size_t)x, L = lab[3 * i];
    float sw = 0.f, sa = 0.f, sb = 0.f;
    for (int ky = 0; ky < T; ky++) {
      if (sy[ky] == 0.f) continue;
      const size_t row = (size_t)ty[ky] * q;
      for (int kx = 0; kx < T; kx++) {
        const size_t p = row + tx[kx];
        int d = (int)(fabsf(L - low_l[p]) * 8.f);
        float wgt = sy[ky] * sx[kx] * g->range[d < ES_GUIDED_LUT ? d : ES_GUIDED_LUT - 1];
        sw += wgt; sa += wgt * ab[2 * p]; sb += wgt * ab[2 * p + 1];
      }
    }
    lab[3 * i + 1] = (add ? lab[3 * i + 1] : 0.f) + sa / sw;
    lab[3 * i + 2] = (add ? lab[3 * i + 2] : 0.f) + sb / sw;
  }
}
