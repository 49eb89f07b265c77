/* patch.c - a wide hole filled with texture by multi-scale PatchMatch (see repair.h).
 *
 * Wexler, Shechtman & Irani 2007 (expectation-maximisation: each hole pixel the weighted vote
 * of the source patches matched to the patches covering it) with Barnes et al. 2009's
 * PatchMatch for the nearest neighbours (random init, propagation, random search), coarse to
 * fine over a pyramid of the window. A patch's distance is the sum of squared differences of
 * the colour and of the luminance gradient (ES_PATCH_GRAD). Sources are the patches lying
 * wholly in known pixels of the window, which repair.c keeps local (a few times the hole's
 * width around it): nothing is brought in from elsewhere in the photo. The coarsest level
 * starts from the window as given (the fast-marching fill); each finer level starts from the
 * vote of the coarser matches. At the finest level the last vote takes each pixel from its
 * best-matching patch alone, so the texture is not averaged away. Threaded over the pool:
 * features and votes by rows (a vote gathers, each pixel its own), PatchMatch by bands of
 * BAND rows, each band with its own seeded random stream and reading the other bands'
 * matches as they were at the sweep's start: the same output whatever the thread count. */
#include "repair.h"
#include "../core/parallel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { KNOWN = 0, FILL = 1, OTHER = 2 };
#define R ES_PATCH_RADIUS
#define BAND 16 /* rows: PatchMatch's unit of parallel work, fixed so no result depends on the threads */

typedef struct {
  int w, h;
  float *px;  /* w x h x ch */
  uint8_t *m; /* KNOWN, FILL, OTHER */
} level;

typedef struct {
  int w, h, ch, nf;
  float *px, *f;        /* the level's pixels and features (w x h x nf) */
  const uint8_t *m;
  uint8_t *valid;       /* 1: a source patch may be centred here */
  int *vlist, nvalid;   /* the valid centres */
  int *tg, ntg;         /* target pixels: their patch holds a FILL pixel */
  int *tix;             /* pixel -> target index, -1 */
  int *nn;              /* per target: the source centre */
  float *d;             /* per target: its distance */
  int *nn0;             /* nn at the start of a sweep: what a band reads of its neighbours' */
  float *wt;            /* per target: its weight in the vote */
  int *band, nband;     /* band b's targets: [band[b], band[b + 1]) */
  uint64_t rng, seed;
  int sweep;
  pthreadpool_t pool;
} pm;

/* splitmix64: a band's random stream from (seed, sweep, band); never 0 (xorshift's fixed point) */
static uint64_t mix(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (z ^ (z >> 31)) | 1;
}

static uint32_t rnd(uint64_t *s) {
  *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17;
  return (uint32_t)(*s >> 32);
}

/* The largest chessboard distance of a mask pixel from the nearest pixel outside the mask
 * (the window's edge counting as outside): half the hole's width. */
int es_repair_depth(const uint8_t *mask, int w, int h) {
  int *d = malloc(sizeof(int) * (size_t)w * h), best = 0;
  if (!d) return -1;
  /* two chamfer passes; a neighbour outside the window is at 0 */
#define AT(x, y) ((x) < 0 || (y) < 0 || (x) >= w || (y) >= h ? 0 : d[(y) * w + (x)])
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int v = 0;
      if (mask[y * w + x]) {
        v = AT(x - 1, y);
        if (AT(x - 1, y - 1) < v) v = AT(x - 1, y - 1);
        if (AT(x, y - 1) < v) v = AT(x, y - 1);
        if (AT(x + 1, y - 1) < v) v = AT(x + 1, y - 1);
        v++;
      }
      d[y * w + x] = v;
    }
  for (int y = h - 1; y >= 0; y--)
    for (int x = w - 1; x >= 0; x--) {
      int v = d[y * w + x];
      if (!v) continue;
      if (AT(x + 1, y) + 1 < v) v = AT(x + 1, y) + 1;
      if (AT(x + 1, y + 1) + 1 < v) v = AT(x + 1, y + 1) + 1;
      if (AT(x, y + 1) + 1 < v) v = AT(x, y + 1) + 1;
      if (AT(x - 1, y + 1) + 1 < v) v = AT(x - 1, y + 1) + 1;
      d[y * w + x] = v;
      if (v > best) best = v;
    }
#undef AT
  free(d);
  return best;
}

/* Features: the colour, and the luminance gradient (central differences) times ES_PATCH_GRAD. */
static void feature_rows(void *arg, size_t start, size_t count) {
  pm *p = arg;
  const int w = p->w, h = p->h, ch = p->ch, nf = p->nf;
  const float g = ES_PATCH_GRAD * 0.5f / (float)ch;
  for (int y = (int)start; y < (int)(start + count); y++)
    for (int x = 0; x < w; x++) {
      const size_t i = (size_t)y * w + x;
      const int l = x > 0 ? -1 : 0, r = x + 1 < w ? 1 : 0, u = y > 0 ? -w : 0, dn = y + 1 < h ? w : 0;
      float gx = 0, gy = 0;
      for (int k = 0; k < ch; k++) {
        gx += p->px[(i + r) * ch + k] - p->px[(i + l) * ch + k];
        gy += p->px[(i + dn) * ch + k] - p->px[(i + u) * ch + k];
        p->f[i * nf + k] = p->px[i * ch + k];
      }
      p->f[i * nf + ch] = g * gx;
      p->f[i * nf + ch + 1] = g * gy;
    }
}

static void features(pm *p) { es_parallel_tiles(p->pool, (size_t)p->h, 8, feature_rows, p); }

/* The distance of target t's patch from the patch centred at s (the target's patch clipped
 * to the level; a source patch is always whole). Stops early past `best`. */
static float dist(const pm *p, int t, int s, float best) {
  const int w = p->w, tx = t % w, ty = t / w, nf = p->nf;
  const int dx0 = tx < R ? -tx : -R, dx1 = tx + R >= w ? w - 1 - tx : R;
  const int dy0 = ty < R ? -ty : -R, dy1 = ty + R >= p->h ? p->h - 1 - ty : R;
  const int n = (dx1 - dx0 + 1) * nf;
  float d = 0;
  for (int dy = dy0; dy <= dy1; dy++) {
    const float *a = p->f + ((size_t)(t + dy * w + dx0)) * nf, *b = p->f + ((size_t)(s + dy * w + dx0)) * nf;
    float s4[4] = {0, 0, 0, 0}; /* four partial sums: the compiler vectorises them */
    int k = 0;
    for (; k + 4 <= n; k += 4)
      for (int l = 0; l < 4; l++) { const float e = a[k + l] - b[k + l]; s4[l] += e * e; }
    for (; k < n; k++) { const float e = a[k] - b[k]; s4[0] += e * e; }
    d += (s4[0] + s4[1]) + (s4[2] + s4[3]);
    if (d >= best) return d;
  }
  return d;
}

static void try_source(pm *p, int k, int sx, int sy) {
  if (sx < 0 || sy < 0 || sx >= p->w || sy >= p->h) return;
  const int s = sy * p->w + sx;
  if (!p->valid[s] || s == p->nn[k]) return;
  const float d = dist(p, p->tg[k], s, p->d[k]);
  if (d < p->d[k]) { p->d[k] = d; p->nn[k] = s; }
}

typedef struct { pm *p; int step; } sweep_job;

/* One sweep over bands of rows: propagation from the left and the row above (forward) or the
 * right and below (backward), then random search around the match, the radius halving. A
 * band reads its own matches as they change and its neighbours' as they were at the start. */
static void sweep_bands(void *arg, size_t start, size_t count) {
  const sweep_job *sj = arg;
  pm *p = sj->p;
  const int w = p->w, big = p->w > p->h ? p->w : p->h, step = sj->step;
  for (size_t b = start; b < start + count; b++) {
    uint64_t rng = mix(p->seed ^ mix(((uint64_t)p->sweep << 32) + b));
    const int y0 = (int)b * BAND, y1 = y0 + BAND, k0 = p->band[b], k1 = p->band[b + 1];
    for (int j = 0; j < k1 - k0; j++) {
      const int k = step > 0 ? k0 + j : k1 - 1 - j, t = p->tg[k], tx = t % w, ty = t / w;
      if (step == 0) { p->d[k] = dist(p, t, p->nn[k], 3.4e38f); continue; } /* the distances only */
      const int qx = tx - step, qy = ty - step;
      if (qx >= 0 && qx < w && p->tix[t - step] >= 0) {
        const int s = p->nn[p->tix[t - step]];
        try_source(p, k, s % w + step, s / w);
      }
      if (qy >= 0 && qy < p->h && p->tix[t - step * w] >= 0) {
        const int s = (qy >= y0 && qy < y1 ? p->nn : p->nn0)[p->tix[t - step * w]];
        try_source(p, k, s % w, s / w + step);
      }
      for (int r = big; r >= 1; r /= 2) {
        const int s = p->nn[k];
        try_source(p, k, s % w + (int)(rnd(&rng) % (uint32_t)(2 * r + 1)) - r, s / w + (int)(rnd(&rng) % (uint32_t)(2 * r + 1)) - r);
      }
    }
  }
}

/* PatchMatch: the distances of the current matches, then `iters` sweeps alternating direction. */
static void patchmatch(pm *p, int iters) {
  for (int it = -1; it < iters; it++) {
    sweep_job sj = {p, it < 0 ? 0 : it % 2 ? -1 : 1};
    memcpy(p->nn0, p->nn, sizeof(int) * (size_t)p->ntg);
    p->sweep++;
    es_parallel_tiles(p->pool, (size_t)p->nband, 1, sweep_bands, &sj);
  }
}

static int cmp_float(const void *a, const void *b) { const float x = *(const float *)a, y = *(const float *)b; return (x > y) - (x < y); }

typedef struct { pm *p; int best; } vote_job;

static void vote_rows(void *arg, size_t start, size_t count) {
  const vote_job *vj = arg;
  pm *p = vj->p;
  const int w = p->w, h = p->h, ch = p->ch;
  for (int y = (int)start; y < (int)(start + count); y++)
    for (int x = 0; x < w; x++) {
      const int i = y * w + x;
      if (p->m[i] != FILL) continue;
      float a[3] = {0, 0, 0}, sw = 0, bd = 3.4e38f;
      for (int dy = -R; dy <= R; dy++) {
        if (y - dy < 0 || y - dy >= h) continue;
        for (int dx = -R; dx <= R; dx++) {
          if (x - dx < 0 || x - dx >= w) continue;
          const int k = p->tix[i - dy * w - dx];
          if (k < 0) continue;
          const float *src = p->px + (size_t)(p->nn[k] + dy * w + dx) * ch; /* a source pixel: known, not written here */
          if (vj->best) {
            if (p->d[k] < bd) { bd = p->d[k]; for (int c = 0; c < ch; c++) a[c] = src[c]; sw = 1; }
          } else {
            for (int c = 0; c < ch; c++) a[c] += p->wt[k] * src[c];
            sw += p->wt[k];
          }
        }
      }
      if (sw > 0)
        for (int c = 0; c < ch; c++) p->px[(size_t)i * ch + c] = a[c] / sw;
    }
}

/* The vote: each FILL pixel the weighted mean of the source pixels the covering target
 * patches bring, a target's weight exp(-d / (2 q)), q the 75th percentile of the distances
 * (Wexler et al.'s); `best`: each pixel from the best-matching covering patch alone (Newson
 * et al. 2014's last step: a mean of many sources blurs a random texture such as foliage).
 * `equal`: every weight 1 (the first vote of a level, its distances not yet measured). */
static void vote(pm *p, int best, int equal) {
  float *ds = p->wt;
  for (int k = 0; k < p->ntg; k++) ds[k] = p->d[k];
  qsort(ds, (size_t)p->ntg, sizeof *ds, cmp_float);
  const float q = ds[(int)(0.75f * (float)(p->ntg - 1))] + 1e-3f;
  for (int k = 0; k < p->ntg; k++) p->wt[k] = equal ? 1.f : expf(-0.5f * p->d[k] / q) + 1e-12f;
  vote_job vj = {p, best};
  es_parallel_tiles(p->pool, (size_t)p->h, 4, vote_rows, &vj);
}

/* A level's targets and valid sources; 0, or -1 out of memory. */
static int setup(pm *p, const level *lv, int ch) {
  const int w = lv->w, h = lv->h;
  const size_t n = (size_t)w * h;
  p->w = w; p->h = h; p->ch = ch; p->nf = ch + 2; p->px = lv->px; p->m = lv->m;
  p->f = malloc(sizeof(float) * n * p->nf);
  p->valid = calloc(n, 1);
  p->vlist = malloc(sizeof(int) * n);
  p->tg = malloc(sizeof(int) * n);
  p->tix = malloc(sizeof(int) * n);
  int *sum = malloc(sizeof(int) * (size_t)(w + 1) * (h + 1));
  if (!p->f || !p->valid || !p->vlist || !p->tg || !p->tix || !sum) { free(sum); return -1; }
  /* integral images of the non-known pixels (sources) and of the FILL pixels (targets) */
  for (int pass = 0; pass < 2; pass++) {
    memset(sum, 0, sizeof(int) * (size_t)(w + 1));
    for (int y = 0; y < h; y++) {
      int row = 0;
      sum[(size_t)(y + 1) * (w + 1)] = 0;
      for (int x = 0; x < w; x++) {
        const uint8_t v = lv->m[(size_t)y * w + x];
        row += pass ? v == FILL : v != KNOWN;
        sum[(size_t)(y + 1) * (w + 1) + x + 1] = sum[(size_t)y * (w + 1) + x + 1] + row;
      }
    }
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        const int x0 = x - R < 0 ? 0 : x - R, y0 = y - R < 0 ? 0 : y - R, x1 = x + R + 1 > w ? w : x + R + 1, y1 = y + R + 1 > h ? h : y + R + 1;
        const int c = sum[(size_t)y1 * (w + 1) + x1] - sum[(size_t)y0 * (w + 1) + x1] - sum[(size_t)y1 * (w + 1) + x0] + sum[(size_t)y0 * (w + 1) + x0];
        const int i = y * w + x;
        if (pass == 0) {
          if (c == 0 && x >= R && y >= R && x + R < w && y + R < h) { p->valid[i] = 1; p->vlist[p->nvalid++] = i; }
        } else {
          p->tix[i] = c ? p->ntg : -1;
          if (c) p->tg[p->ntg++] = i;
        }
      }
  }
  free(sum);
  p->nn = malloc(sizeof(int) * (size_t)(p->ntg + 1));
  p->nn0 = malloc(sizeof(int) * (size_t)(p->ntg + 1));
  p->d = malloc(sizeof(float) * (size_t)(p->ntg + 1));
  p->wt = malloc(sizeof(float) * (size_t)(p->ntg + 1));
  p->nband = (h + BAND - 1) / BAND;
  p->band = malloc(sizeof(int) * (size_t)(p->nband + 1));
  if (!p->nn || !p->nn0 || !p->d || !p->wt || !p->band) return -1;
  for (int b = 0, k = 0; b <= p->nband; b++) { /* targets are in row order */
    while (k < p->ntg && p->tg[k] / w < b * BAND) k++;
    p->band[b] = k;
  }
  return 0;
}

static void release(pm *p) {
  free(p->f); free(p->valid); free(p->vlist); free(p->tg); free(p->tix); free(p->nn); free(p->d);
  free(p->nn0); free(p->wt); free(p->band);
  memset(p, 0, sizeof *p);
}

/* Level l + 1 from level l: 2 x 2 means; FILL where any of the four is, else OTHER where any is. */
static int halve(const level *a, level *b, int ch) {
  b->w = (a->w + 1) / 2; b->h = (a->h + 1) / 2;
  b->px = malloc(sizeof(float) * (size_t)b->w * b->h * ch);
  b->m = malloc((size_t)b->w * b->h);
  if (!b->px || !b->m) return -1;
  for (int y = 0; y < b->h; y++)
    for (int x = 0; x < b->w; x++) {
      float s[4] = {0, 0, 0, 0};
      int n = 0;
      uint8_t m = KNOWN;
      for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) {
          const int xx = 2 * x + dx, yy = 2 * y + dy;
          if (xx >= a->w || yy >= a->h) continue;
          const size_t i = (size_t)yy * a->w + xx;
          for (int c = 0; c < ch; c++) s[c] += a->px[i * ch + c];
          n++;
          if (a->m[i] == FILL) m = FILL;
          else if (a->m[i] == OTHER && m == KNOWN) m = OTHER;
        }
      const size_t j = (size_t)y * b->w + x;
      for (int c = 0; c < ch; c++) b->px[j * ch + c] = s[c] / (float)n;
      b->m[j] = m;
    }
  return 0;
}

int es_repair_patch(pthreadpool_t pool, float *px, int w, int h, int ch, const uint8_t *mask, int depth, uint64_t seed,
                    es_patch_tick tick, void *tick_arg) {
  level lv[ES_PATCH_LEVELS];
  int nl = 1, rc = -1;
  lv[0] = (level){w, h, px, (uint8_t *)mask};
  /* halve while the hole stays wider than about a patch and the window holds sources */
  while (nl < ES_PATCH_LEVELS && (depth >> nl) >= ES_PATCH_COARSE && (lv[nl - 1].w + 1) / 2 >= 6 * R && (lv[nl - 1].h + 1) / 2 >= 6 * R) {
    if (halve(&lv[nl - 1], &lv[nl], ch)) { free(lv[nl].px); free(lv[nl].m); goto done; }
    nl++;
  }
  /* progress: in votes, those of level l weighing 4^-l (its pixels) */
  double total = 0, done_votes = 0;
  for (int l = 0; l < nl; l++) total += (l == nl - 1 ? ES_PATCH_EM_COARSE : ES_PATCH_EM) / (double)(1 << 2 * l);
  pm cur = {0}, prev = {0};
  for (int l = nl - 1; l >= 0; l--) {
    if (setup(&cur, &lv[l], ch)) goto fail;
    cur.pool = pool;
    cur.seed = mix(seed ^ mix((uint64_t)l));
    cur.rng = cur.seed;
    if (!cur.nvalid) {
      if (l == 0) { rc = 1; goto fail; } /* no source at all: the fast-marching fill stays */
      release(&cur);
      if (prev.w) release(&prev);
      continue;
    }
    /* start: the coarser level's matches, doubled, or random sources */
    for (int k = 0; k < cur.ntg; k++) {
      const int t = cur.tg[k], tx = t % cur.w, ty = t / cur.w;
      int s = -1;
      if (prev.w && tx / 2 < prev.w && ty / 2 < prev.h) {
        const int j = prev.tix[(ty / 2) * prev.w + tx / 2];
        if (j >= 0) {
          const int sx = 2 * (prev.nn[j] % prev.w) + (tx & 1), sy = 2 * (prev.nn[j] / prev.w) + (ty & 1);
          if (sx < cur.w && sy < cur.h && cur.valid[sy * cur.w + sx]) s = sy * cur.w + sx;
        }
      }
      cur.nn[k] = s >= 0 ? s : cur.vlist[rnd(&cur.rng) % (uint32_t)cur.nvalid];
    }
    const int coarsest = !prev.w;
    if (!coarsest) { memset(cur.d, 0, sizeof(float) * (size_t)cur.ntg); vote(&cur, 0, 1); }
    if (prev.w) release(&prev);
    const int em = coarsest ? ES_PATCH_EM_COARSE : ES_PATCH_EM;
    for (int e = 0; e < em; e++) {
      features(&cur);
      patchmatch(&cur, coarsest && e == 0 ? 2 * ES_PATCH_PM : ES_PATCH_PM);
      vote(&cur, l == 0 && e == em - 1, 0);
      done_votes += 1.0 / (double)(1 << 2 * l);
      if (tick && tick(tick_arg, (float)(done_votes / total))) { rc = 2; goto fail; }
    }
    prev = cur;
    memset(&cur, 0, sizeof cur);
  }
  rc = 0;
fail:
  release(&cur);
  if (prev.w) release(&prev);
done:
  for (int l = 1; l < nl; l++) { free(lv[l].px); free(lv[l].m); }
  return rc;
}
