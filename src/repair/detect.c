/* detect.c - likely defects found on the luminance (see repair.h; tunables there).
 *
 * 1. Top-hats: a thin dark defect is what a closing (max then min over a 7 px square) removes,
 *    closing - Y; a bright one Y - opening. Per 32 px block, the threshold of each is the
 *    largest of the median + k robust sigmas (1.4826 MAD: the photo's own texture and noise),
 *    1.25x its 90th percentile and a floor; bilinear between blocks.
 * 2. Profiles (the discriminating step): along 12 orientations, a pixel's contrast against
 *    BOTH sides of it along the normal (the brightest sample 2..4 px away on each side for a
 *    dark defect, the darker side counting, less half the sides' difference): a defect is a
 *    narrow dip or bump with like sides, a photo's edge or its halo a step with unlike ones.
 *    Over the threshold this is the score; its min(score, 1) averaged over 7 samples 2 px
 *    apart along the same orientation is the line support: a scratch's, hair's or crack's
 *    pixels keep their neighbours along it, texture's do not.
 * 3. Lines: components (joined within 2 px where the best orientations agree within 45
 *    degrees) of pixels with score >= 0.5 and support >= 0.5; the shape tests (enough seeds,
 *    score >= 1 and support >= 0.7; thin, long, well supported, not along an edge of the
 *    background, not the frame) mark those that fail them as clutter.
 * 4. Specks: small components of the top-hat (8-connected).
 * 5. The verdict: each line, and each speck of at most ES_DETECT_SPECK_MAX px, is described
 *    by features() (its size and seeds; how crowded it is by clutter, by the other
 *    polarity's candidates; whether it is as coloured as coloured surroundings, where a
 *    defect is grey or shows the paper; its seeds' depth, their contrast over the room their
 *    background leaves, as defects are near black or near white; the shape tests' verdict)
 *    and kept when detect_model.h's trees give it the probability the sensitivity asks for.
 *    The trees were fitted on synthetic damage (tools/eval/fit_detect.py): the hand-set
 *    thresholds on the same features, which they replace, gave twice to four times the false
 *    area at the same recall.
 * The mask is grown by `grow` px. Per-row stages run on the image's pool; the profiles work
 * in bands of rows kept in cache (all orientations and both polarities per band). */
#include "repair.h"
#include "detect_model.h"
#include "../core/parallel.h"


#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>


typedef struct {
  const float *src;
  float *dst;
  int w, h, r, max;
  atomic_int *failed; /* set when a tile's scratch line could not be allocated */
} morph_job;

/* One line of n samples (stride apart) through a 2r+1 window's max or min, van Herk /
 * Gil-Werman: running maxima forward (g) and backward (hh) within blocks of 2r+1, the
 * window's result max(hh[x], g[x + 2r]): three comparisons a sample whatever r.
 * Outside the image counts as absent (padded with the operation's identity). */
static void vhgw_line(const float *src, float *dst, int n, int r, int max, float *p, float *g, float *hh) {
  const int k = 2 * r + 1, N = n + 2 * r;
  const float id = max ? -1e30f : 1e30f;
  for (int i = 0; i < r; i++) p[i] = p[n + r + i] = id;
  memcpy(p + r, src, sizeof(float) * (size_t)n);
  for (int b0 = 0; b0 < N; b0 += k) {
    const int b1 = b0 + k < N ? b0 + k : N;
    g[b0] = p[b0];
    hh[b1 - 1] = p[b1 - 1];
    if (max) {
      for (int i = b0 + 1; i < b1; i++) g[i] = p[i] > g[i - 1] ? p[i] : g[i - 1];
      for (int i = b1 - 2; i >= b0; i--) hh[i] = p[i] > hh[i + 1] ? p[i] : hh[i + 1];
    } else {
      for (int i = b0 + 1; i < b1; i++) g[i] = p[i] < g[i - 1] ? p[i] : g[i - 1];
      for (int i = b1 - 2; i >= b0; i--) hh[i] = p[i] < hh[i + 1] ? p[i] : hh[i + 1];
    }
  }
  if (max) for (int x = 0; x < n; x++) dst[x] = hh[x] > g[x + 2 * r] ? hh[x] : g[x + 2 * r];
  else for (int x = 0; x < n; x++) dst[x] = hh[x] < g[x + 2 * r] ? hh[x] : g[x + 2 * r];
}

#define MORPH_STRIP 64 /* columns a vertical job works side by side (rows of the strip are contiguous) */

static void morph_lines(void *arg, size_t start, size_t count) {
  const morph_job *j = arg;
  const int n = j->w;
  float *buf = malloc(sizeof(float) * 3 * (size_t)(n + 2 * j->r));
  if (!buf) { atomic_store(j->failed, 1); return; }
  float *p = buf, *g = buf + n + 2 * j->r, *hh = g + n + 2 * j->r;
  for (size_t l = start; l < start + count; l++) vhgw_line(j->src + l * j->w, j->dst + l * j->w, n, j->r, j->max, p, g, hh);
  free(buf);
}

/* The vertical pass over strips of MORPH_STRIP columns, van Herk / Gil-Werman as
 * vhgw_line with whole rows of the strip at a time. */
static void morph_columns(void *arg, size_t start, size_t count) {
  const morph_job *j = arg;
  const int r = j->r, k = 2 * r + 1, N = j->h + 2 * r;
  float *g = malloc(sizeof(float) * 2 * (size_t)N * MORPH_STRIP);
  if (!g) { atomic_store(j->failed, 1); return; }
  float *hh = g + (size_t)N * MORPH_STRIP;
  const float id = j->max ? -1e30f : 1e30f;
  for (size_t s0 = start * MORPH_STRIP; s0 < (start + count) * MORPH_STRIP && s0 < (size_t)j->w; s0 += MORPH_STRIP) {
    const int sw = s0 + MORPH_STRIP <= (size_t)j->w ? MORPH_STRIP : j->w - (int)s0;
#define ROW(i) (i < r || i >= j->h + r ? NULL : j->src + (size_t)(i - r) * j->w + s0)
#define OP(a, b) (j->max ? ((a) > (b) ? (a) : (b)) : ((a) < (b) ? (a) : (b)))
    for (int i = 0; i < N; i++) {
      const float *row = ROW(i);
      float *gi = g + (size_t)i * MORPH_STRIP;
      for (int c = 0; c < sw; c++) {
        const float v = row ? row[c] : id;
        gi[c] = i % k == 0 ? v : OP(v, gi[c - MORPH_STRIP]);
      }
    }
    for (int i = N - 1; i >= 0; i--) {
      const float *row = ROW(i);
      float *hi = hh + (size_t)i * MORPH_STRIP;
      for (int c = 0; c < sw; c++) {
        const float v = row ? row[c] : id;
        hi[c] = i % k == k - 1 || i == N - 1 ? v : OP(v, hi[c + MORPH_STRIP]);
      }
    }
    for (int y = 0; y < j->h; y++) {
      const float *a = hh + (size_t)y * MORPH_STRIP, *b = g + (size_t)(y + 2 * r) * MORPH_STRIP;
      float *d = j->dst + (size_t)y * j->w + s0;
      for (int c = 0; c < sw; c++) d[c] = OP(a[c], b[c]);
    }
#undef ROW
#undef OP
  }
  free(g);
}

/* dst = max (or min) of src over a (2r+1)^2 square, separable; tmp: scratch. Returns 0, or
 * -1 out of memory. */
static int morph(pthreadpool_t pool, const float *src, float *dst, float *tmp, int w, int h, int r, int max) {
  atomic_int failed = 0;
  morph_job a = {src, tmp, w, h, r, max, &failed}, b = {tmp, dst, w, h, r, max, &failed};
  es_parallel_tiles(pool, (size_t)h, 16, morph_lines, &a);
  if (!atomic_load(&failed)) es_parallel_tiles(pool, ((size_t)w + MORPH_STRIP - 1) / MORPH_STRIP, 1, morph_columns, &b);
  return atomic_load(&failed) ? -1 : 0;
}

/* Pixel p between the centres of blocks *i0 and *i1 (of n, side B, clamped at the ends): the weight of *i1. */
static float cell(int p, int B, int n, int *i0, int *i1) {
  float f = ((float)p + 0.5f) / (float)B - 0.5f;
  if (f < 0) f = 0;
  if (f > (float)(n - 1)) f = (float)(n - 1);
  *i0 = (int)f;
  *i1 = *i0 + 1 < n ? *i0 + 1 : *i0;
  return f - (float)*i0;
}

/* What the sensitivity (0..1) sets, decided here alone. Under the default 0.5 the threshold
 * rises in robust sigmas (ES_DETECT_K0 at 0); over it the threshold falls toward ES_DETECT_K1
 * and the floor, the seeds and the length ease linearly toward their ES_DETECT_*_HI at 1, so
 * that asking for more finds shorter and fainter defects (the threshold alone stops mattering
 * once the floor binds: on the real scan b every sensitivity over 0.5 gave the same mask); the
 * probability a component needs to be kept goes from ES_DETECT_P_LO at 0 through ES_DETECT_P
 * to ES_DETECT_P_HI at 1, linear in the log-odds on each side. At 0.5 each is its default. */
typedef struct {
  float k, floor, length;
  double odds; /* the least score (log-odds) kept */
  int seeds;
} det_params;

static det_params params_for(float sensitivity) {
  const float t = sensitivity > 0.5f ? (sensitivity - 0.5f) * 2.f : 0.f;
  det_params d;
  d.k = ES_DETECT_K0 * powf(ES_DETECT_K1 / ES_DETECT_K0, sensitivity);
  d.floor = ES_DETECT_FLOOR + t * (ES_DETECT_FLOOR_HI - ES_DETECT_FLOOR);
  d.length = ES_DETECT_LENGTH + t * (ES_DETECT_LENGTH_HI - ES_DETECT_LENGTH);
  const float p = sensitivity > 0.5f ? ES_DETECT_P : ES_DETECT_P_LO, q = sensitivity > 0.5f ? ES_DETECT_P_HI : ES_DETECT_P;
  const float u = sensitivity > 0.5f ? t : sensitivity * 2.f; /* 0 at p, 1 at q */
  d.odds = (1.0 - u) * log(p / (1.0 - p)) + u * log(q / (1.0 - q));
  d.seeds = (int)lroundf((float)ES_DETECT_SEEDS + t * (float)(ES_DETECT_SEEDS_HI - ES_DETECT_SEEDS));
  return d;
}

typedef struct {
  const float *resp;
  float *thr, *bt, k, floor, *wx;
  int w, h, bw, bh, *x0;
} thr_job;

/* One row of blocks: median + k robust sigmas of the response, at least 1.25x the 90th
 * percentile and the floor. */
static void block_rows(void *arg, size_t start, size_t count) {
  const thr_job *j = arg;
  const int B = ES_DETECT_BLOCK, w = j->w, h = j->h;
  for (int by = (int)start; by < (int)(start + count); by++)
    for (int bx = 0; bx < j->bw; bx++) {
      int hist[256] = {0}, n = 0;
      for (int y = by * B; y < (by + 1) * B && y < h; y++)
        for (int x = bx * B; x < (bx + 1) * B && x < w; x++) {
          int v = (int)j->resp[(size_t)y * w + x];
          hist[v < 0 ? 0 : v > 255 ? 255 : v]++; n++;
        }
      int med = 0;
      for (int c = 0; med < 256; med++) if ((c += hist[med]) * 2 >= n) break;
      int dev[256] = {0};
      for (int v = 0; v < 256; v++) dev[abs(v - med)] += hist[v];
      int mad = 0;
      for (int c = 0; mad < 256; mad++) if ((c += dev[mad]) * 2 >= n) break;
      int p90 = 0;
      for (int c = 0; p90 < 256; p90++) if ((c += hist[p90]) * 10 >= 9 * n) break;
      const float s = 1.4826f * ((float)mad + 0.5f), t = (float)med + j->k * s, tex = ES_DETECT_TEXTURE * (float)p90;
      const float m = t > tex ? t : tex;
      j->bt[by * j->bw + bx] = m > j->floor ? m : j->floor;
    }
}

/* Rows of the threshold plane, bilinear between block centres (the columns' cells in x0, wx). */
static void thr_rows(void *arg, size_t start, size_t count) {
  const thr_job *j = arg;
  const int bw = j->bw;
  for (int y = (int)start; y < (int)(start + count); y++) {
    int y0, y1;
    const float wy = cell(y, ES_DETECT_BLOCK, j->bh, &y0, &y1);
    const float *r0 = j->bt + (size_t)y0 * bw, *r1 = j->bt + (size_t)y1 * bw;
    float *out = j->thr + (size_t)y * j->w;
    for (int x = 0; x < j->w; x++) {
      const int x0 = j->x0[x], x1 = x0 + 1 < bw ? x0 + 1 : x0;
      const float wx = j->wx[x];
      out[x] = (1 - wy) * ((1 - wx) * r0[x0] + wx * r0[x1]) + wy * ((1 - wx) * r1[x0] + wx * r1[x1]);
    }
  }
}

/* Per-block threshold of a response: median + k robust sigmas, at least the floor; then
 * bilinear between block centres into thr (w x h). Returns 0, or -1 out of memory. */
static int block_threshold(pthreadpool_t pool, const float *resp, int w, int h, float k, float floor, float *thr) {
  const int B = ES_DETECT_BLOCK, bw = (w + B - 1) / B, bh = (h + B - 1) / B;
  float *bt = malloc(sizeof(float) * (size_t)bw * bh), *wx = malloc(sizeof(float) * (size_t)w);
  int *x0 = malloc(sizeof(int) * (size_t)w);
  if (!bt || !wx || !x0) { free(bt); free(wx); free(x0); return -1; }
  for (int x = 0; x < w; x++) {
    int i1;
    wx[x] = cell(x, B, bw, &x0[x], &i1);
  }
  thr_job j = {resp, thr, bt, k, floor, wx, w, h, bw, bh, x0};
  es_parallel_tiles(pool, (size_t)bh, 1, block_rows, &j);
  es_parallel_tiles(pool, (size_t)h, 64, thr_rows, &j);
  free(bt); free(wx); free(x0);
  return 0;
}


/* ---- oriented profiles: for each of LS_N orientations, the contrast of a pixel against
 * BOTH sides along the normal (the brightest of 2..4 px on each side for a dark defect, the
 * darker side counting: a photo's edge is a step, one side alike), then the mean of its
 * min(score, 1) over 7 samples 2 px apart along the orientation (a line's pixels keep their
 * neighbours along it; texture's do not) ---- */
/* A line candidate's byte (cand): its class (1 candidate, 2 seed), CAND_CLUTTER when its
 * component (joined whatever the orientations) is not a line, and its best orientation. */
#define CAND_CLASS 3
#define CAND_CLUTTER 4
#define CAND_ORI 4 /* shift */
#define Q_SEED 2 /* the best profile score is at least 1... */
#define Q_GROW 1 /* ...or 0.5 (oriented()'s q8, with the orientation above CAND_ORI) */

#define LS_N ES_DETECT_ORIENT
_Static_assert(sizeof(int) == sizeof(float), "labels, stacks and pixel lists reuse float planes");
_Static_assert(LS_N <= 16, "the best orientation's index takes 4 bits of a candidate's byte");
#define LS_PAD 8
#define LS_BAND 32 /* rows a task works; its profiles are kept for the band and 6 rows each side (cache) */
typedef struct {
  const float *y;    /* padded luminance (edges repeated), (w + 2 PAD) x (h + 2 PAD) */
  const float *inv[2]; /* w x h per polarity: 1 / threshold */
  float *ls[2], *q[2]; /* w x h per polarity: the best line mean, the best score (unclipped); scratch */
  uint8_t *ls8[2], *q8[2]; /* the line mean x 255; the score's class (Q_SEED, Q_GROW) and the best orientation (<< CAND_ORI) */
  int w, h, side[LS_N][6], along[LS_N][6];
  float asym;
  atomic_int *failed;
} or_job;

/* Rows [start, start + count) of bands: for each orientation, both polarities' clipped
 * scores for the band's rows and 6 each side (in a local buffer), then their means along it. */
#define MAXF(a, b) ((a) > (b) ? (a) : (b))
#define MINF(a, b) ((a) < (b) ? (a) : (b))
static void or_bands(void *arg, size_t start, size_t count) {
  const or_job *j = arg;
  const int w = j->w, pw = w + 2 * LS_PAD, M = 6;
  const int y0 = (int)start * LS_BAND, y1 = (int)(start + count) * LS_BAND < j->h ? (int)(start + count) * LS_BAND : j->h;
  const int rows = y1 - y0 + 2 * M;
  float *buf = calloc((size_t)2 * rows * pw, sizeof(float));
  if (!buf) { atomic_store(j->failed, 1); return; }
  for (int p = 0; p < 2; p++)
    for (int y = y0; y < y1; y++)
      for (int x = 0; x < w; x++) j->ls[p][(size_t)y * w + x] = 0.f, j->q[p][(size_t)y * w + x] = 0.f;
  for (int o = 0; o < LS_N; o++) {
    const int *sd = j->side[o], *al = j->along[o];
    for (int yy = y0 - M; yy < y1 + M; yy++) {
      float *restrict rd = buf + (size_t)(yy - y0 + M) * pw + LS_PAD, *restrict rb = rd + (size_t)rows * pw;
      if (yy < 0 || yy >= j->h) continue; /* stays 0 */
      const float *restrict c = j->y + (size_t)(yy + LS_PAD) * pw + LS_PAD, *restrict ivd = j->inv[0] + (size_t)yy * w, *restrict ivb = j->inv[1] + (size_t)yy * w;
      const float *restrict a0 = c + sd[0], *restrict a1 = c + sd[1], *restrict a2 = c + sd[2];
      const float *restrict b0 = c + sd[3], *restrict b1 = c + sd[4], *restrict b2 = c + sd[5];
      float *restrict qd = j->q[0] + (size_t)yy * w, *restrict qb = j->q[1] + (size_t)yy * w;
      const float g = j->asym;
      for (int x = 0; x < w; x++) {
        const float hiA = MAXF(MAXF(a0[x], a1[x]), a2[x]), hiB = MAXF(MAXF(b0[x], b1[x]), b2[x]);
        const float loA = MINF(MINF(a0[x], a1[x]), a2[x]), loB = MINF(MINF(b0[x], b1[x]), b2[x]);
        rd[x] = (MINF(hiA, hiB) - c[x] - g * fabsf(hiA - hiB)) * ivd[x];
        rb[x] = (c[x] - MAXF(loA, loB) - g * fabsf(loA - loB)) * ivb[x];
      }
      if (yy >= y0 && yy < y1)
        for (int x = 0; x < w; x++) qd[x] = MAXF(qd[x], rd[x]), qb[x] = MAXF(qb[x], rb[x]);
      for (int x = 0; x < w; x++) rd[x] = MINF(MAXF(rd[x], 0.f), 1.f), rb[x] = MINF(MAXF(rb[x], 0.f), 1.f);
    }
    for (int p = 0; p < 2; p++)
      for (int y = y0; y < y1; y++) {
        const float *restrict c = buf + (size_t)p * rows * pw + (size_t)(y - y0 + M) * pw + LS_PAD;
        const float *restrict p0 = c + al[0], *restrict p1 = c + al[1], *restrict p2 = c + al[2], *restrict p3 = c + al[3], *restrict p4 = c + al[4], *restrict p5 = c + al[5];
        float *restrict out = j->ls[p] + (size_t)y * w;
        const float fo = (float)o;
        /* the mean x 4095 (truncated) times 16 plus the orientation: the
         * maximum keeps the best orientation with it, and the loop stays vectorised */
        for (int x = 0; x < w; x++)
          out[x] = MAXF(out[x], (float)(int)((c[x] + p0[x] + p1[x] + p2[x] + p3[x] + p4[x] + p5[x]) * (4095.f / 7.f)) * 16.f + fo);
      }
  }
  for (int p = 0; p < 2; p++)
    for (size_t i = (size_t)y0 * w; i < (size_t)y1 * w; i++) {
      const int l = (int)j->ls[p][i]; /* the mean x 255 x 16 + the orientation */
      const float q = j->q[p][i];
      j->ls8[p][i] = (uint8_t)((l >> 4) * 255 / 4095);
      j->q8[p][i] = (uint8_t)((l & 15) << CAND_ORI | (q >= 1.f ? Q_SEED : q >= 0.5f ? Q_GROW : 0));
    }
  free(buf);
}
/* ls8, q8 (per polarity, w x h): the best orientation's line mean (x 255); the best score's
 * class (Q_SEED over 1, Q_GROW over 0.5) with the best orientation's index (<< CAND_ORI): the
 * candidates' planes are not touched while the padded luminance is alive (peak memory); ls, q:
 * scratch planes. Returns 0, or -1 out of memory. */
static int oriented(pthreadpool_t pool, const float *lum, float *const inv[2], int w, int h, float asym, float *const ls[2], float *const q[2], uint8_t *const ls8[2], uint8_t *const q8[2]) {
  const int pw = w + 2 * LS_PAD, ph = h + 2 * LS_PAD;
  float *y = malloc(sizeof(float) * (size_t)pw * ph);
  if (!y) return -1;
  for (int yy = 0; yy < ph; yy++) {
    const int sy = yy - LS_PAD < 0 ? 0 : yy - LS_PAD >= h ? h - 1 : yy - LS_PAD;
    for (int xx = 0; xx < pw; xx++) {
      const int sx = xx - LS_PAD < 0 ? 0 : xx - LS_PAD >= w ? w - 1 : xx - LS_PAD;
      y[(size_t)yy * pw + xx] = lum[(size_t)sy * w + sx];
    }
  }
  atomic_int failed = 0;
  or_job j = {y, {inv[0], inv[1]}, {ls[0], ls[1]}, {q[0], q[1]}, {ls8[0], ls8[1]}, {q8[0], q8[1]}, w, h, {{0}}, {{0}}, asym, &failed};
  for (int o = 0; o < LS_N; o++) {
    const double th = 3.14159265358979 * o / LS_N, cx = cos(th), cy = sin(th);
    for (int t = 0; t < 3; t++) {
      const int d = 2 * (t + 1), dx = (int)lround(d * cx), dy = (int)lround(d * cy);
      j.along[o][2 * t] = dy * pw + dx;
      j.along[o][2 * t + 1] = -dy * pw - dx;
      const int e = t + 2, nx = (int)lround(-e * cy), ny = (int)lround(e * cx);
      j.side[o][t] = ny * pw + nx;
      j.side[o][3 + t] = -ny * pw - nx;
    }
  }
  es_parallel_tiles(pool, ((size_t)h + LS_BAND - 1) / LS_BAND, 1, or_bands, &j);
  free(y);
  return atomic_load(&failed) ? -1 : 0;
}

typedef struct {
  int start, np, perim, bx0, by0, bx1, by1, border, peak;
  float mc, mg, lsm, cin, depth, width, ext;
  int keep; /* the shape tests passed (a feature, and lines that fail them are clutter) */
} comp_t;

/* Probes around each pixel of a component: 8 directions at two distances. */
static const int PROBE_D[2] = {4, 8};


/* One polarity's planes for the components (w x h): c its candidates, o the other polarity's,
 * con the top-hat (levels), grad the background's gradient, ls the line support (x 255), chroma
 * the saturation (NULL: grey), lum the luminance; dark 1 for dark defects. */
typedef struct {
  uint8_t *c;
  const uint8_t *o, *con, *grad, *ls, *chroma;
  const float *lum;
  int dark, w, h;
  const det_params *dp;
  const es_detect_hook *hook;
} comp_in;

/* Labels (lab) of the components of candidates (c & CAND_CLASS), 8-connected within link px
 * and, when agree >= 0, joined only where the two pixels' best orientations (c >> CAND_ORI,
 * of LS_N) differ by at most agree steps; each component's facts and shape verdict in *csp
 * (grown as needed, *cap entries), its pixels in pix from its start. Returns their number,
 * or -1 out of memory. */
static int label(const comp_in *in, int mode, int agree, int *lab, int *stack, int *pix, comp_t **csp, int *cap) {
  const uint8_t *c = in->c, *con = in->con, *grad = in->grad, *ls = in->ls, *chroma = in->chroma;
  const int w = in->w, h = in->h;
  const size_t n = (size_t)w * h;
  memset(lab, 0, sizeof(int) * n);
  const int L = mode == 0 ? ES_DETECT_LINK : 1;
  int used = 0, nc = 0;
  for (size_t s = 0; s < n; s++) {
    if (lab[s] || !(c[s] & CAND_CLASS)) continue;
    if (nc == *cap) {
      comp_t *m = realloc(*csp, sizeof(comp_t) * (size_t)(*cap * 2));
      if (!m) return -1;
      *csp = m; *cap *= 2;
    }
    comp_t f = {0};
    f.start = used; f.bx0 = w; f.by0 = h;
    int sp = 0, np = 0;
    double csum = 0, gsum = 0, lsum = 0, chsum = 0, dsum = 0;
    stack[sp++] = (int)s; lab[s] = ++nc;
    while (sp) {
      const int i = stack[--sp], x = i % w, y = i / w;
      pix[used + np++] = i;
      if (x < f.bx0) f.bx0 = x;
      if (x > f.bx1) f.bx1 = x;
      if (y < f.by0) f.by0 = y;
      if (y > f.by1) f.by1 = y;
      f.border += x < ES_DETECT_BORDER || y < ES_DETECT_BORDER || x >= w - ES_DETECT_BORDER || y >= h - ES_DETECT_BORDER;
      if ((c[i] & CAND_CLASS) >= 2) { /* a seed's depth: its contrast over the room its background leaves */
        const float room = in->dark ? in->lum[i] + con[i] : 255.f - in->lum[i] + con[i];
        f.peak++;
        dsum += con[i] / (room + ES_DETECT_DEPTH_SOFT);
      }
      csum += con[i];
      gsum += grad[i];
      lsum += ls[i];
      if (chroma) chsum += chroma[i];
      for (int dy = -L; dy <= L; dy++)
        for (int dx = -L; dx <= L; dx++) {
          if (!dx && !dy) continue;
          const int xx = x + dx, yy = y + dy;
          const int in = xx >= 0 && xx < w && yy >= 0 && yy < h;
          const int j = yy * w + xx;
          if (!in || !(c[j] & CAND_CLASS)) { f.perim += abs(dx) + abs(dy) == 1; continue; }
          if (agree >= 0) { /* orientations differ by d of LS_N steps (half a turn) */
            const int d = abs((c[i] >> CAND_ORI) - (c[j] >> CAND_ORI));
            if ((d < LS_N - d ? d : LS_N - d) > agree) continue;
          }
          if (!lab[j]) { lab[j] = nc; stack[sp++] = j; }
        }
    }
    used += np;
    f.np = np;
    f.depth = f.peak ? (float)(dsum / f.peak) : 0.f;
    f.mc = (float)(csum / np); f.mg = (float)(gsum / np); f.lsm = (float)(lsum / np) * (1.f / 255.f); f.cin = (float)(chsum / np);
    const float width = f.width = 2.f * (float)np / (float)(f.perim > 0 ? f.perim : 1);
    const double bw = f.bx1 - f.bx0 + 1, bh = f.by1 - f.by0 + 1; /* in double: a 32768 px box's squares overflow an int */
    const float ext = f.ext = (float)sqrt(bw * bw + bh * bh);
    const int edge = f.mg > ES_DETECT_EDGE * f.mc / 11.f;
    const int frame = f.border * 2 > np;
    if (mode == 0) f.keep = width <= ES_DETECT_MAX_WIDTH && ext >= in->dp->length && f.peak >= in->dp->seeds && f.lsm >= ES_DETECT_LINE_MEAN && !edge && !frame;
    else f.keep = f.peak && np <= ES_DETECT_SPECK && !edge && !frame;
    (*csp)[nc - 1] = f;
  }
  return nc;
}

/* A component's description for the trees, in detect_model.h's order. Only IEEE's exactly
 * rounded operations (no log, no hypot): the same numbers natively and in WASM. */
static void features(const comp_t *f, int mode, int dark, float fs, float fo, int tinted, float co, float *x) {
  x[0] = (float)mode; x[1] = (float)dark; x[2] = (float)f->np; x[3] = (float)f->peak;
  x[4] = (float)(f->bx1 - f->bx0 + 1); x[5] = (float)(f->by1 - f->by0 + 1);
  x[6] = fs; x[7] = fo; x[8] = (float)tinted; x[9] = f->depth; x[10] = f->mc; x[11] = f->mg / (f->mc + 1e-3f);
  x[12] = f->lsm; x[13] = f->width; x[14] = f->ext; x[15] = (float)f->border / (float)f->np;
  x[16] = f->cin; x[17] = co; x[18] = (f->cin + 1.f) / (co + 1.f); x[19] = (float)f->keep;
}

/* The trees' log-odds that a component is damage. */
static double score(const float *x) {
  double s = ES_DM_BASE;
  for (int t = 0; t < ES_DM_TREES; t++) {
    int i = ES_DM_ROOT[t];
    while (ES_DM_NODE[i].f >= 0) i = (double)x[ES_DM_NODE[i].f] <= ES_DM_NODE[i].v ? ES_DM_NODE[i].l : ES_DM_NODE[i].r;
    s += ES_DM_NODE[i].v;
  }
  return s;
}

/* Components of candidates of one polarity (c: lines' bytes as above, specks' 1 candidate, 2
 * seed); o: the other polarity's candidates. Lines: first joined whatever their orientations,
 * the pixels of those that fail the shape tests marked as clutter; then joined only where the
 * orientations agree (a scratch crossing the photo's own thin lines is judged apart from
 * them), each described with its surroundings, where only clutter counts (a crack's own
 * branches and fragments are long and do not crowd it; the pieces of a line a scratch crosses
 * are not clutter when that line as a whole is long and thin), and scored. Specks: one pass,
 * every other candidate counts. mode 0 lines, 1 specks; step 0 marks the lines' clutter (c
 * changes: both polarities' step 0 end before either's step 1, which reads the other's
 * candidates), step 1 the rest. Kept ones are marked in mask. lab, stack and pix:
 * w x h ints each (the caller's free planes: at 12 MP each is 48 MB). */
static int components(const comp_in *in, int mode, int step, int *lab, int *stack, int *pix, uint8_t *mask) {
  uint8_t *c = in->c;
  const uint8_t *o = in->o, *chroma = in->chroma;
  const int w = in->w, h = in->h;
  const size_t n = (size_t)w * h;
  int cap = 1024, nc;
  comp_t *cs = malloc(sizeof(comp_t) * (size_t)cap);
  if (!cs) goto fail;
  if ((nc = label(in, mode, step == 1 && mode == 0 ? ES_DETECT_AGREE : -1, lab, stack, pix, &cs, &cap)) < 0) goto fail;
  if (step == 0) {
    for (size_t i = 0; i < n; i++)
      if ((c[i] & CAND_CLASS) && !cs[lab[i] - 1].keep) c[i] |= CAND_CLUTTER;
    nc = 0;
  }
  for (int id = 1; id <= nc; id++) {
    comp_t *f = &cs[id - 1];
    /* no seed (no pixel over the threshold, 1.5x it for a speck): a rim of weak candidates, not
     * a defect; not scored (at sensitivity 1 the trees met 1 px specks of 10-15 levels along the
     * test's synthetic edges, which no training photo at 0.5 had shown them, and kept them) */
    if ((mode == 1 && f->np > ES_DETECT_SPECK_MAX) || f->peak == 0) continue;
    int same = 0, opp = 0, probes = 0, ring = 0;
    double cout = 0;
    for (int k = f->start; k < f->start + f->np; k++) {
      const int x = pix[k] % w, y = pix[k] / w;
      for (int d = 0; d < 2; d++)
        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++) {
            if (!dx && !dy) continue;
            const int xx = x + dx * PROBE_D[d], yy = y + dy * PROBE_D[d];
            if (xx < 0 || xx >= w || yy < 0 || yy >= h) continue;
            const int j = yy * w + xx;
            if (lab[j] == id) continue;
            probes++;
            same += mode == 1 ? c[j] != 0 : (c[j] & CAND_CLUTTER) != 0;
            opp += (o[j] & CAND_CLASS) != 0;
            if (chroma && !(c[j] & CAND_CLASS) && !(o[j] & CAND_CLASS)) { cout += chroma[j]; ring++; }
          }
    }
    const float fs = probes ? (float)same / probes : 0, fo = probes ? (float)opp / probes : 0, co = ring ? (float)(cout / ring) : 0.f;
    /* colour: a defect does not take the photo's colour (dust and hair are grey, a crack shows
     * the paper); a candidate as coloured as its coloured surroundings is the photo's */
    const int tinted = co >= ES_DETECT_TINT_MIN && f->cin > ES_DETECT_TINT * co;
    float x[ES_DETECT_FEATURES];
    features(f, mode, in->dark, fs, fo, tinted, co, x);
    const double sc = score(x);
    if (in->hook) in->hook->component(in->hook->arg, x, pix + f->start, f->np, (float)sc);
    if (sc >= in->dp->odds)
      for (int k = f->start; k < f->start + f->np; k++) mask[pix[k]] = 1;
  }
  free(cs);
  return 0;
fail:
  free(cs);
  return -1;
}

typedef struct {
  uint8_t *cand[2];
  const uint8_t *con[2], *grad[2], *ls[2], *chroma;
  const float *lum;
  int mode, step, w, h, *lab[2], *stack[2], *pix[2];
  const det_params *dp;
  uint8_t *mask[2];
  const es_detect_hook *hook;
  atomic_int failed;
} comp_job;

static void comp_pols(void *arg, size_t start, size_t count) {
  comp_job *j = arg;
  for (size_t p = start; p < start + count; p++) {
    const comp_in in = {j->cand[p], j->cand[!p], j->con[p], j->grad[p], j->ls[p], j->chroma, j->lum, p == 0, j->w, j->h, j->dp, j->hook};
    if (components(&in, j->mode, j->step, j->lab[p], j->stack[p], j->pix[p], j->mask[p])) atomic_store(&j->failed, 1);
  }
}

typedef struct {
  const float *lum, *b;
  float *a, *inv;
  uint8_t *grad, *con, *th8, *sc8[2], *th[2], *ls8[2], *cand[2];
  int w, h, dark, stage;
  float tw, ts, ks;
} px_job;

/* Per-pixel stages over rows: 0 the top-hat (a) and the background's gradient (grad) from the
 * closing or opening (b); 1 contrast, top-hat score and 1 / threshold; 2 and 3 the candidates
 * of lines and of specks. */
static void px_rows(void *arg, size_t start, size_t count) {
  const px_job *j = arg;
  const int w = j->w, h = j->h;
  for (int y = (int)start; y < (int)(start + count); y++) {
    const size_t r0 = (size_t)y * w;
    switch (j->stage) {
    case 0: {
      const float *b = j->b, *bu = b + (y > 0 ? r0 - w : r0), *bd = b + (y + 1 < h ? r0 + w : r0), *br = b + r0;
      for (int x = 0; x < w; x++) {
        const float d = j->lum[r0 + x] - br[x];
        j->a[r0 + x] = j->dark ? -d : d;
        const float gx = 0.5f * (br[x + 1 < w ? x + 1 : x] - br[x > 0 ? x - 1 : x]), gy = 0.5f * (bd[x] - bu[x]), g = sqrtf(gx * gx + gy * gy);
        j->grad[r0 + x] = (uint8_t)(g > 255.f ? 255.f : g);
      }
      break;
    }
    case 1:
      for (size_t i = r0; i < r0 + w; i++) {
        const float a = j->a[i], t = a / j->inv[i] * 32.f;
        j->con[i] = (uint8_t)(a > 255.f ? 255.f : a < 0 ? 0 : a);
        j->th8[i] = (uint8_t)(t > 255.f ? 255.f : t < 0 ? 0 : t);
        j->inv[i] = 1.f / j->inv[i];
      }
      break;
    default:
      for (int p = 0; p < 2; p++)
        for (size_t i = r0; i < r0 + w; i++) {
          if (j->stage == 2) {
            const int q = j->sc8[p][i] & (Q_SEED | Q_GROW);
            const float l = j->ls8[p][i] * (1.f / 255.f);
            const int cls = q == Q_SEED && l >= j->ts ? 2 : q && l >= j->tw ? 1 : 0;
            j->cand[p][i] = (uint8_t)(cls | (j->sc8[p][i] & ~(Q_SEED | Q_GROW))); /* and the best orientation */
          } else {
            const float t = j->th[p][i] * (1.f / 32.f);
            j->cand[p][i] = t >= j->ks ? 2 : t >= 0.5f ? 1 : 0;
          }
        }
    }
  }
}

int es_repair_detect(pthreadpool_t pool, const float *lum, const uint8_t *chroma, int w, int h, float sensitivity, int grow,
                     const es_detect_hook *hook, uint8_t *mask) {
  const size_t n = (size_t)w * h;
  float *tmp = malloc(sizeof(float) * n), *a = malloc(sizeof(float) * n), *b = malloc(sizeof(float) * n);
  float *inv[2] = {malloc(sizeof(float) * n), malloc(sizeof(float) * n)}, *lab_f = malloc(sizeof(float) * n); /* scratch, then the labels */
  uint8_t *ls8[2] = {malloc(n), malloc(n)}, *mask2 = calloc(n, 1); /* the bright defects' mask */
  uint8_t *sc8[2] = {malloc(n), malloc(n)}, *th8[2] = {malloc(n), malloc(n)}, *con[2] = {malloc(n), malloc(n)}, *grad[2] = {malloc(n), malloc(n)}, *cand[2] = {malloc(n), malloc(n)};
  int *lab = (int *)lab_f, rc = -1; /* the labels reuse a float plane's memory once the profiles are done */
  int ok = tmp && a && b && lab_f && mask2;
  for (int p = 0; p < 2; p++) ok = ok && inv[p] && ls8[p] && sc8[p] && th8[p] && con[p] && grad[p] && cand[p];
  if (!ok) goto done;
  memset(mask, 0, n);
  const det_params dp = params_for(sensitivity);
  const int r = ES_DETECT_RADIUS;
  px_job pj = {lum, b, a, NULL, NULL, NULL, NULL, {sc8[0], sc8[1]}, {th8[0], th8[1]}, {ls8[0], ls8[1]}, {cand[0], cand[1]}, w, h, 0, 0, ES_DETECT_SUPPORT_GROW, ES_DETECT_SUPPORT_SEED, ES_DETECT_SPECK_K};
  for (int pol = 0; pol < 2; pol++) { /* 0 dark, 1 bright */
    const int dark = pol == 0;
    if (morph(pool, lum, a, tmp, w, h, r, dark) || morph(pool, a, b, tmp, w, h, r, !dark)) goto done;
    pj.dark = dark; pj.stage = 0; pj.grad = grad[pol]; pj.con = con[pol]; pj.th8 = th8[pol]; pj.inv = inv[pol];
    es_parallel_tiles(pool, (size_t)h, 16, px_rows, &pj);
    if (block_threshold(pool, a, w, h, dp.k, dp.floor, inv[pol])) goto done;
    pj.stage = 1;
    es_parallel_tiles(pool, (size_t)h, 16, px_rows, &pj);
  }
  {
    float *q[2] = {a, b}, *lsf[2] = {tmp, lab_f};
    if (oriented(pool, lum, inv, w, h, ES_DETECT_ASYM, lsf, q, ls8, sc8)) goto done;
  }
  {
    /* both polarities' components at once, each with its mask and with its labels, stack and
     * pixel list in float planes the profiles are done with (six ints per pixel in all) */
    comp_job cj = {{cand[0], cand[1]}, {con[0], con[1]}, {grad[0], grad[1]}, {ls8[0], ls8[1]}, chroma, lum, 0, 0, w, h,
                   {lab, (int *)tmp}, {(int *)a, (int *)b}, {(int *)inv[0], (int *)inv[1]}, &dp, {mask, mask2}, hook, 0};
    for (int mode = 0; mode < 2 && !atomic_load(&cj.failed); mode++) {
      pj.stage = 2 + mode;
      es_parallel_tiles(pool, (size_t)h, 16, px_rows, &pj);
      cj.mode = mode;
      for (cj.step = mode == 0 ? 0 : 1; cj.step < 2 && !atomic_load(&cj.failed); cj.step++) es_parallel_tiles(pool, 2, 1, comp_pols, &cj);
    }
    if (atomic_load(&cj.failed)) goto done;
    for (size_t i = 0; i < n; i++) mask[i] |= mask2[i];
  }
  /* grow: a square of side 2 grow + 1 around each defect pixel */
  if (grow > 0) {
    for (size_t i = 0; i < n; i++) a[i] = mask[i];
    if (morph(pool, a, b, tmp, w, h, grow, 1)) goto done;
    for (size_t i = 0; i < n; i++) mask[i] = b[i] > 0.f;
  }
  rc = 0;
done:
  free(tmp); free(a); free(b); free(lab_f); free(mask2);
  for (int p = 0; p < 2; p++) { free(inv[p]); free(ls8[p]); free(sc8[p]); free(th8[p]); free(con[p]); free(grad[p]); free(cand[p]); }
  return rc;
}
