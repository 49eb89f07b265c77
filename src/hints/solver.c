/* solver.c - see solver.h. Each kernel is a row loop over one level; `rows` decides whether a
 * level is big enough to be worth the pool (the schedule lives there and nowhere else). */
#include "solver.h"
#include "../core/parallel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TILE 8                /* rows per task */
#define POOL_MIN_CELLS 16384  /* smaller levels run on the calling thread */
#define ANCHOR 1000.f         /* a fixed cell's data weight inside the preconditioner */
#define COARSEST 8            /* coarsen until both sides are at most this */
#define SMOOTH 1              /* four-colour Gauss-Seidel sweeps before and after the coarse correction */
/* Piecewise-constant aggregates under-estimate smooth corrections; scaling the coarse
 * correction makes up for it: 1.4 took 27 BiCGSTAB iterations where 1.0 took 47 and 1.8
 * did not settle (50 hints on Kodak's kodim05 at 12 MP, 0.25 MP grid). */
#define OVERCORRECT 1.4f

typedef struct {
  es_solver *s;
  es_mg_level *f, *c;   /* a level and the next coarser one */
  int colour;           /* Gauss-Seidel: cells with (x % 2) + 2 (y % 2) == colour */
  float scale;          /* prolongation: the coarse correction's factor */
} job_t;

static void rows(const es_solver *s, int h, size_t cells, es_tile_fn fn, void *arg) {
  if (cells < POOL_MIN_CELLS || !s->pool) fn(arg, 0, (size_t)h);
  else es_parallel_tiles(s->pool, (size_t)h, TILE, fn, arg);
}

static int tiles(int h) { return (h + TILE - 1) / TILE; }

/* Every per-cell array is padded with w + 1 zero cells on both sides: the weight to a
 * neighbour beyond the border is then a stored 0 and the neighbour's value a stored 0, so
 * the stencils need no branches. Indices are signed: the padding sits before cell 0. */
static void *pad_alloc(size_t n, int w, size_t esize) {
  char *p = calloc(n + 2 * ((size_t)w + 1), esize);
  return p ? p + ((size_t)w + 1) * esize : NULL;
}
static void pad_free(void *p, int w, size_t esize) { if (p) free((char *)p - ((size_t)w + 1) * esize); }

/* the offsets of the 8 neighbours, in the weights' order (E, W, S, N, SE, SW, NE, NW) */
static void offsets(ptrdiff_t w, ptrdiff_t off[ES_HINT_NB]) {
  const ptrdiff_t o[ES_HINT_NB] = {1, -1, w, -w, w + 1, w - 1, -w + 1, -w - 1};
  memcpy(off, o, sizeof o);
}

/* sum over the 8 neighbours of cell i of w_ik * v_k (v: two values per cell) */
static inline void neighbours(const es_mg_level *l, const ptrdiff_t *off, const float *v, ptrdiff_t i, float *sa, float *sb) {
  float a = 0.f, b = 0.f;
  for (int k = 0; k < ES_HINT_NB; k++) {
    const float e = l->wt[k][i];
    a += e * v[2 * (i + off[k])];
    b += e * v[2 * (i + off[k]) + 1];
  }
  *sa = a; *sb = b;
}

/* ---- building the weights and the hierarchy ---- */

static void level_free(es_mg_level *l, int owns) {
  if (owns) for (int k = 0; k < ES_HINT_NB; k++) pad_free(l->wt[k], l->w, sizeof(float));
  free(l->d); free(l->rowsum); free(l->diag); free(l->inv);
  pad_free(l->x, l->w, 2 * sizeof(float));
  if (owns) pad_free(l->b, l->w, 2 * sizeof(float));
  memset(l, 0, sizeof *l);
}

/* owns: the level has its own weights and right-hand side (level 0 borrows the solver's) */
static int level_alloc(es_mg_level *l, int w, int h, int owns) {
  size_t n = (size_t)w * h;
  int ok = 1;
  l->w = w; l->h = h;
  if (owns) for (int k = 0; k < ES_HINT_NB; k++) ok = ok && (l->wt[k] = pad_alloc(n, w, sizeof(float)));
  l->d = calloc(n, sizeof(float)); l->rowsum = calloc(n, sizeof(float));
  l->diag = calloc(n, sizeof(float)); l->inv = calloc(n, sizeof(float));
  l->x = pad_alloc(n, w, 2 * sizeof(float));
  if (owns) l->b = pad_alloc(n, w, 2 * sizeof(float));
  return ok && l->d && l->rowsum && l->diag && l->inv && l->x && (!owns || l->b) ? 0 : -1;
}

static void level_rowsum(es_mg_level *l) {
  for (size_t i = 0; i < (size_t)l->w * l->h; i++) {
    float t = 0.f;
    for (int k = 0; k < ES_HINT_NB; k++) t += l->wt[k][i];
    l->rowsum[i] = t;
  }
}

/* diag = d + the row's weights, and its inverse (Gauss-Seidel divides by it) */
static void level_diagonal(es_mg_level *l) {
  for (size_t i = 0; i < (size_t)l->w * l->h; i++) {
    l->diag[i] = l->d[i] + l->rowsum[i];
    l->inv[i] = l->diag[i] > 0.f ? 1.f / l->diag[i] : 0.f;
  }
}

/* Levin et al.'s weights of every cell's 8 neighbours (solver.h), normalised per cell. */
static void weights_from_l(es_solver *s, const float *L) {
  const int w = s->w, h = s->h;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const ptrdiff_t i = (ptrdiff_t)y * w + x;
      const int dx[ES_HINT_NB] = {1, -1, 0, 0, 1, -1, 1, -1}, dy[ES_HINT_NB] = {0, 0, 1, -1, 1, 1, -1, -1};
      float d2[ES_HINT_NB], sum = L[i], sum2 = L[i] * L[i], dmin = INFINITY;
      int n = 1;
      for (int k = 0; k < ES_HINT_NB; k++) {
        int u = x + dx[k], v = y + dy[k];
        d2[k] = -1.f;
        if (u < 0 || v < 0 || u >= w || v >= h) continue;
        float t = L[(size_t)v * w + u];
        d2[k] = (t - L[i]) * (t - L[i]);
        dmin = d2[k] < dmin ? d2[k] : dmin;
        sum += t; sum2 += t * t; n++;
      }
      float mean = sum / n, var = sum2 / n - mean * mean;
      float c = 0.6f * var;
      if (n > 1 && -dmin / logf(0.01f) > c) c = -dmin / logf(0.01f);
      if (c < ES_HINT_C_MIN) c = ES_HINT_C_MIN;
      float wk[ES_HINT_NB], total = 0.f;
      for (int k = 0; k < ES_HINT_NB; k++) total += wk[k] = d2[k] < 0.f ? 0.f : expf(-d2[k] / c);
      for (int k = 0; k < ES_HINT_NB; k++) s->pw[k][i] = total > 0.f ? wk[k] / total : 0.f;
    }
}

/* A coarse level's weights (Galerkin with 2x2 aggregates): the fine weights from the cells
 * of aggregate I to those of its neighbour J add up; those inside I cancel against its
 * diagonal (the row sums carry the rest). A fine cell's 8 neighbours all lie in the 3x3
 * aggregates around its own, so the coarse operator has the fine one's shape. */
static void weights_coarsen(const es_mg_level *f, es_mg_level *c) {
  static const int dx[ES_HINT_NB] = {1, -1, 0, 0, 1, -1, 1, -1}, dy[ES_HINT_NB] = {0, 0, 1, -1, 1, 1, -1, -1};
  int dir[3][3]; /* [DY + 1][DX + 1] -> k */
  for (int k = 0; k < ES_HINT_NB; k++) dir[dy[k] + 1][dx[k] + 1] = k;
  for (int y = 0; y < f->h; y++)
    for (int x = 0; x < f->w; x++) {
      const size_t i = (size_t)y * f->w + x, I = (size_t)(y / 2) * c->w + x / 2;
      for (int k = 0; k < ES_HINT_NB; k++) {
        const int u = x + dx[k], v = y + dy[k];
        if (u < 0 || v < 0 || u >= f->w || v >= f->h) continue;
        const int DX = u / 2 - x / 2, DY = v / 2 - y / 2;
        if (DX || DY) c->wt[dir[DY + 1][DX + 1]][I] += f->wt[k][i];
      }
    }
}

static void data_coarsen(const es_mg_level *f, es_mg_level *c) {
  for (int Y = 0; Y < c->h; Y++)
    for (int X = 0; X < c->w; X++) {
      float d = 0.f;
      for (int k = 0; k < 4; k++) {
        int x = 2 * X + (k & 1), y = 2 * Y + (k >> 1);
        if (x < f->w && y < f->h) d += f->d[(size_t)y * f->w + x];
      }
      c->d[(size_t)Y * c->w + X] = d;
    }
}

#define VECTORS(s) { &(s)->x, &(s)->r, &(s)->r0, &(s)->p, &(s)->v, &(s)->y, &(s)->t, &(s)->best }

void es_solver_free(es_solver *s) {
  for (int k = 0; k < s->levels; k++) level_free(&s->lv[k], k > 0); /* level 0 borrows pw and a vector */
  const int w = s->w;
  float **vec[] = VECTORS(s);
  for (size_t k = 0; k < sizeof vec / sizeof *vec; k++) pad_free(*vec[k], w, 2 * sizeof(float));
  for (int k = 0; k < ES_HINT_NB; k++) pad_free(s->pw[k], w, sizeof(float));
  free(s->fixed); free(s->prior); free(s->target); free(s->free_mask);
  free(s->lu); free(s->partial);
  memset(s, 0, sizeof *s);
}

int es_solver_init(es_solver *s, pthreadpool_t pool, const float *L, int w, int h) {
  memset(s, 0, sizeof *s);
  s->pool = pool; s->w = w; s->h = h;
  size_t n = (size_t)w * h;
  s->fixed = calloc(n, 1); s->prior = calloc(n, sizeof(float)); s->target = calloc(2 * n, sizeof(float));
  s->free_mask = calloc(n, sizeof(float));
  s->partial = calloc((size_t)tiles(h) * 4, sizeof(double));
  int ok = s->fixed && s->prior && s->target && s->free_mask && s->partial;
  float **vec[] = VECTORS(s);
  for (size_t k = 0; k < sizeof vec / sizeof *vec; k++) ok = ok && (*vec[k] = pad_alloc(n, w, 2 * sizeof(float)));
  for (int k = 0; k < ES_HINT_NB; k++) ok = ok && (s->pw[k] = pad_alloc(n, w, sizeof(float)));
  ok = ok && !level_alloc(&s->lv[0], w, h, 0);
  s->levels = 1;
  if (ok) {
    weights_from_l(s, L);
    memcpy(s->lv[0].wt, s->pw, sizeof s->pw); /* level 0 is the system itself */
    level_rowsum(&s->lv[0]);
  }
  while (ok && (s->lv[s->levels - 1].w > COARSEST || s->lv[s->levels - 1].h > COARSEST) && s->levels < ES_MG_MAX_LEVELS) {
    es_mg_level *f = &s->lv[s->levels - 1], *c = &s->lv[s->levels];
    ok = !level_alloc(c, (f->w + 1) / 2, (f->h + 1) / 2, 1);
    s->levels++;
    if (ok) { weights_coarsen(f, c); level_rowsum(c); }
  }
  es_mg_level *top = &s->lv[s->levels - 1];
  s->nc = top->w * top->h;
  ok = ok && (s->lu = calloc((size_t)s->nc * s->nc, sizeof(double)));
  if (!ok) { es_solver_free(s); return -1; }
  return 0;
}

/* ---- the coarsest level: dense LU in double (at most 64 cells; the matrix is a
 * diagonally dominant M-matrix, so no pivoting) ---- */

static void coarse_factor(es_solver *s) {
  const es_mg_level *l = &s->lv[s->levels - 1];
  const int n = s->nc, w = l->w;
  ptrdiff_t off[ES_HINT_NB];
  offsets(w, off);
  static const int dx[ES_HINT_NB] = {1, -1, 0, 0, 1, -1, 1, -1};
  double *a = s->lu;
  memset(a, 0, sizeof(double) * n * n);
  for (int i = 0; i < n; i++) {
    a[i * n + i] = l->diag[i];
    for (int k = 0; k < ES_HINT_NB; k++) {
      const ptrdiff_t j = i + off[k];
      const int x = i % w + dx[k];
      if (l->wt[k][i] != 0.f && j >= 0 && j < n && x >= 0 && x < w) a[i * n + j] -= l->wt[k][i];
    }
  }
  for (int k = 0; k < n; k++) {
    if (!(fabs(a[k * n + k]) > 1e-12)) a[k * n + k] = 1e-12; /* no data term at all: keep it finite */
    for (int i = k + 1; i < n; i++) {
      const double f = a[i * n + k] /= a[k * n + k];
      if (f != 0.0) for (int j = k + 1; j < n; j++) a[i * n + j] -= f * a[k * n + j];
    }
  }
}

static void coarse_solve(es_solver *s) {
  es_mg_level *l = &s->lv[s->levels - 1];
  const int n = s->nc;
  const double *a = s->lu;
  double y[COARSEST * COARSEST];
  for (int c = 0; c < 2; c++) {
    for (int i = 0; i < n; i++) {
      double v = l->b[2 * i + c];
      for (int k = 0; k < i; k++) v -= a[i * n + k] * y[k];
      y[i] = v;
    }
    for (int i = n - 1; i >= 0; i--) {
      double v = y[i];
      for (int k = i + 1; k < n; k++) v -= a[i * n + k] * y[k];
      y[i] = v / a[i * n + i];
    }
    for (int i = 0; i < n; i++) l->x[2 * i + c] = (float)y[i];
  }
}

/* ---- the V-cycle ---- */

/* Gauss-Seidel over the cells of one of four colours, (x % 2) + 2 (y % 2): no two cells of a
 * colour are neighbours in the 8-neighbour stencil, so a colour's cells update in parallel. */
static void gs_rows(void *arg, size_t y0, size_t count) {
  const job_t *j = arg;
  es_mg_level *l = j->f;
  const int w = l->w;
  ptrdiff_t off[ES_HINT_NB];
  offsets(w, off);
  for (size_t y = y0; y < y0 + count; y++) {
    if ((int)(y & 1) != j->colour >> 1) continue;
    for (int x = j->colour & 1; x < w; x += 2) {
      const ptrdiff_t i = (ptrdiff_t)y * w + x;
      float sa, sb;
      neighbours(l, off, l->x, i, &sa, &sb);
      l->x[2 * i] = (l->b[2 * i] + sa) * l->inv[i];
      l->x[2 * i + 1] = (l->b[2 * i + 1] + sb) * l->inv[i];
    }
  }
}

static void sweep(es_solver *s, es_mg_level *l, int colour) {
  job_t j = {s, l, NULL, colour, 0};
  rows(s, l->h, (size_t)l->w * l->h, gs_rows, &j);
}

/* the coarse right-hand side: the fine residual summed over each aggregate; the residual
 * is made in chunks of a row first, then paired */
#define CHUNK 256
static void restrict_rows(void *arg, size_t Y0, size_t count) {
  const job_t *j = arg;
  const es_mg_level *f = j->f;
  es_mg_level *c = j->c;
  ptrdiff_t off[ES_HINT_NB];
  offsets(f->w, off);
  float r[2 * CHUNK];
  for (size_t Y = Y0; Y < Y0 + count; Y++) {
    float *cb = c->b + 2 * Y * c->w;
    memset(cb, 0, sizeof(float) * 2 * c->w);
    for (size_t y = 2 * Y; y < 2 * Y + 2 && y < (size_t)f->h; y++)
      for (int x0 = 0; x0 < f->w; x0 += CHUNK) {
        const int n = f->w - x0 < CHUNK ? f->w - x0 : CHUNK;
        const ptrdiff_t i0 = (ptrdiff_t)(y * f->w) + x0;
        for (int k = 0; k < n; k++) {
          const ptrdiff_t i = i0 + k;
          float sa, sb;
          neighbours(f, off, f->x, i, &sa, &sb);
          r[2 * k] = f->b[2 * i] - f->diag[i] * f->x[2 * i] + sa;
          r[2 * k + 1] = f->b[2 * i + 1] - f->diag[i] * f->x[2 * i + 1] + sb;
        }
        float *o = cb + x0; /* x0 is even: cell x0 / 2 of the coarse row, two values each */
        for (int k = 0; k < n; k++) { o[k / 2 * 2] += r[2 * k]; o[k / 2 * 2 + 1] += r[2 * k + 1]; }
      }
  }
}

static void prolong_rows(void *arg, size_t y0, size_t count) {
  const job_t *j = arg;
  es_mg_level *f = j->f;
  const es_mg_level *c = j->c;
  for (size_t y = y0; y < y0 + count; y++) {
    const float *cx = c->x + 2 * (y / 2) * c->w;
    float *fx = f->x + 2 * y * f->w;
    for (int x = 0; x < f->w; x++) { fx[2 * x] += j->scale * cx[2 * (x / 2)]; fx[2 * x + 1] += j->scale * cx[2 * (x / 2) + 1]; }
  }
}

static void vcycle(es_solver *s, int k) {
  es_mg_level *f = &s->lv[k];
  if (k == s->levels - 1) { coarse_solve(s); return; }
  es_mg_level *c = &s->lv[k + 1];
  memset(f->x, 0, sizeof(float) * 2 * f->w * f->h);
  for (int i = 0; i < SMOOTH; i++) for (int colour = 0; colour < 4; colour++) sweep(s, f, colour);
  job_t j = {s, f, c, 0, OVERCORRECT};
  rows(s, c->h, (size_t)f->w * f->h, restrict_rows, &j);
  vcycle(s, k + 1);
  rows(s, f->h, (size_t)f->w * f->h, prolong_rows, &j);
  for (int i = 0; i < SMOOTH; i++) for (int colour = 3; colour >= 0; colour--) sweep(s, f, colour);
}

/* ---- BiCGSTAB on the free cells ---- */

static void reduce(es_solver *s, double out[4]) {
  out[0] = out[1] = out[2] = out[3] = 0.0;
  for (int t = 0; t < tiles(s->h); t++) for (int k = 0; k < 4; k++) out[k] += s->partial[4 * t + k];
  memset(s->partial, 0, sizeof(double) * 4 * tiles(s->h));
}

/* out = A u on free cells (0 on fixed ones): (1 + prior) u_r - sum_s P_rs u_s, which is
 * level 0's diag (for a free cell) and weights; with `with` given, partial sums of with.out
 * and out.out (in double: BiCGSTAB's inner products lose their footing in float) */
typedef struct { es_solver *s; const float *u; float *out; const float *with; } apply_job;

static void apply_rows(void *arg, size_t y0, size_t count) {
  const apply_job *j = arg;
  es_solver *s = j->s;
  const es_mg_level *l = &s->lv[0];
  const float *u = j->u;
  ptrdiff_t off[ES_HINT_NB];
  offsets(s->w, off);
  double dot = 0.0, self = 0.0;
  for (ptrdiff_t i = (ptrdiff_t)(y0 * s->w); i < (ptrdiff_t)((y0 + count) * s->w); i++) {
    float sa, sb;
    neighbours(l, off, u, i, &sa, &sb);
    const float m = s->free_mask[i], c = l->diag[i];
    const float oa = m * (c * u[2 * i] - sa), ob = m * (c * u[2 * i + 1] - sb);
    j->out[2 * i] = oa; j->out[2 * i + 1] = ob;
    if (j->with) { dot += (double)oa * j->with[2 * i] + (double)ob * j->with[2 * i + 1]; self += (double)oa * oa + (double)ob * ob; }
  }
  double *p = s->partial + 4 * (y0 / TILE);
  p[0] += dot; p[1] += self;
}

static void apply(es_solver *s, const float *u, float *out, const float *with, double dots[4]) {
  apply_job j = {s, u, out, with};
  rows(s, s->h, (size_t)s->w * s->h, apply_rows, &j);
  reduce(s, dots);
}

/* out = M^-1 in (one V-cycle), masked to the free cells; partial sums of out.out and the
 * free cells for the error estimate */
typedef struct { es_solver *s; float *out; } mask_job;

static void mask_rows(void *arg, size_t y0, size_t count) {
  const mask_job *j = arg;
  es_solver *s = j->s;
  const float *z = s->lv[0].x;
  double zz = 0.0, n = 0.0;
  for (size_t i = y0 * s->w; i < (y0 + count) * s->w; i++) {
    const float m = s->free_mask[i], za = m * z[2 * i], zb = m * z[2 * i + 1];
    j->out[2 * i] = za; j->out[2 * i + 1] = zb;
    zz += (double)za * za + (double)zb * zb;
    n += m;
  }
  double *p = s->partial + 4 * (y0 / TILE);
  p[2] += zz; p[3] += n;
}

static float precondition(es_solver *s, float *in, float *out) {
  double m[4];
  s->lv[0].b = in;
  vcycle(s, 0);
  mask_job j = {s, out};
  rows(s, s->h, (size_t)s->w * s->h, mask_rows, &j);
  reduce(s, m);
  return m[3] > 0 ? (float)sqrt(m[2] / m[3]) : 0.f;
}

/* element-wise vector updates, each one pass over the grid */
typedef enum { R_INIT, P_UPDATE, S_UPDATE, XR_UPDATE } vec_op;
typedef struct { es_solver *s; vec_op op; float alpha, beta, omega; } vec_job;

static void vec_rows(void *arg, size_t y0, size_t count) {
  const vec_job *j = arg;
  es_solver *s = j->s;
  const size_t a = 2 * y0 * s->w, b = 2 * (y0 + count) * s->w;
  double dot = 0.0;
  switch (j->op) {
    case R_INIT: /* r = b - A x (A x is in v), b = prior * target; r0 = r */
      for (size_t i = a; i < b; i++) {
        float r = s->free_mask[i / 2] * s->prior[i / 2] * s->target[i] - s->v[i];
        s->r[i] = s->r0[i] = r;
        dot += (double)r * r;
      }
      break;
    case P_UPDATE: /* p = r + beta (p - omega v) */
      for (size_t i = a; i < b; i++) s->p[i] = s->r[i] + j->beta * (s->p[i] - j->omega * s->v[i]);
      break;
    case S_UPDATE: /* x += alpha y (y = M^-1 p); s = r - alpha v, in r */
      for (size_t i = a; i < b; i++) { s->x[i] += j->alpha * s->y[i]; s->r[i] -= j->alpha * s->v[i]; }
      break;
    case XR_UPDATE: /* x += omega z (z = M^-1 s, in y); r = s - omega t; partial r0.r */
      for (size_t i = a; i < b; i++) {
        s->x[i] += j->omega * s->y[i];
        s->r[i] -= j->omega * s->t[i];
        dot += (double)s->r0[i] * s->r[i];
      }
      break;
  }
  s->partial[4 * (y0 / TILE)] += dot;
}

static double vec(es_solver *s, vec_op op, float alpha, float beta, float omega) {
  double m[4];
  vec_job j = {s, op, alpha, beta, omega};
  rows(s, s->h, (size_t)s->w * s->h, vec_rows, &j);
  reduce(s, m);
  return m[0];
}

/* The data weights of this solve into every level, the fixed cells' values into x. */
static void prepare(es_solver *s) {
  const size_t n = (size_t)s->w * s->h;
  es_mg_level *l0 = &s->lv[0];
  for (size_t i = 0; i < n; i++) {
    l0->d[i] = s->fixed[i] ? ANCHOR : s->prior[i];
    s->free_mask[i] = s->fixed[i] ? 0.f : 1.f;
    if (s->fixed[i]) { s->x[2 * i] = s->target[2 * i]; s->x[2 * i + 1] = s->target[2 * i + 1]; }
  }
  for (int k = 1; k < s->levels; k++) data_coarsen(&s->lv[k - 1], &s->lv[k]);
  for (int k = 0; k < s->levels; k++) level_diagonal(&s->lv[k]);
  coarse_factor(s);
  memset(s->partial, 0, sizeof(double) * 4 * tiles(s->h));
}

int es_solver_solve(es_solver *s, float tol, int max_iter) {
  const size_t n = (size_t)s->w * s->h;
  double d[4];
  prepare(s);
  /* a free cell's diagonal is 1 + prior: level 0's d + row sum (1) */
  apply(s, s->x, s->v, NULL, d);
  double rho = vec(s, R_INIT, 0, 0, 0);
  memset(s->p, 0, sizeof(float) * 2 * n);
  memset(s->v, 0, sizeof(float) * 2 * n);
  s->iterations = 0;
  s->error = precondition(s, s->r, s->y); /* the starting error, before any step */
  if (s->error <= tol || rho <= 0.0) return 0;
  /* BiCGSTAB's error does not fall monotonically: the best iterate is kept and returned,
   * and the recurrence restarts when it loses its footing. */
  float best = s->error, alpha = 1.f, omega = 1.f;
  double rho_prev = 1.0, rho0 = rho;
  memcpy(s->best, s->x, sizeof(float) * 2 * n);
  int restart = 1;
  for (int it = 1; it <= max_iter; it++) {
    const float beta = restart ? 0.f : (float)(rho / rho_prev * alpha / omega);
    restart = 0;
    vec(s, P_UPDATE, 0, beta, omega);
    precondition(s, s->p, s->y);
    apply(s, s->y, s->v, s->r0, d);
    if (!(fabs(d[0]) > 0.0) || !isfinite(d[0])) break;
    alpha = (float)(rho / d[0]);
    vec(s, S_UPDATE, alpha, 0, 0);
    s->error = precondition(s, s->r, s->y); /* z = M^-1 s: the error of the half-step's x */
    s->iterations = it;
    if (!isfinite(s->error)) break;
    if (s->error <= tol) {
      /* the updated residual drifts from the true one in float: stop only if the true one
       * agrees, else carry on from it */
      apply(s, s->x, s->v, NULL, d);
      rho = rho0 = vec(s, R_INIT, 0, 0, 0);
      s->error = precondition(s, s->r, s->y);
      if (s->error < best) { best = s->error; memcpy(s->best, s->x, sizeof(float) * 2 * n); }
      if (s->error <= tol) break;
      memset(s->p, 0, sizeof(float) * 2 * n);
      memset(s->v, 0, sizeof(float) * 2 * n);
      restart = 1;
      continue;
    }
    if (s->error < best) { best = s->error; memcpy(s->best, s->x, sizeof(float) * 2 * n); }
    apply(s, s->y, s->t, s->r, d);
    omega = d[1] > 0.0 ? (float)(d[0] / d[1]) : 0.f;
    if (omega == 0.f) break;
    rho_prev = rho;
    rho = vec(s, XR_UPDATE, 0, 0, omega);
    if (fabs(rho) < 1e-12 * rho0 || s->error > 10.f * best) {
      /* r drifted orthogonal to r0, or the iterate wandered off: start the recurrence again
       * from the best iterate, with its true residual */
      memcpy(s->x, s->best, sizeof(float) * 2 * n);
      apply(s, s->x, s->v, NULL, d);
      rho0 = vec(s, R_INIT, 0, 0, 0);
      rho = rho0;
      memset(s->p, 0, sizeof(float) * 2 * n);
      memset(s->v, 0, sizeof(float) * 2 * n);
      restart = 1;
    }
  }
  memcpy(s->x, s->best, sizeof(float) * 2 * n);
  s->error = best;
  return 0;
}
