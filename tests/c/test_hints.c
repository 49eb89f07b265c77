/* test_hints.c - colour hints: the solver against a banded direct solve, warm against cold
 * starts, the hints file and each of its refusals, gamut clipping, stroke rasterising, the
 * session with and without a model (a synthetic step-edge photo), suggested colours.
 * Fixtures are made here; the model part runs only when the synthetic models exist. */
#include "check.h"
#include "fixtures.h"
#include "api/studio.h"
#include "color/color.h"
#include "hints/raster.h"
#include "hints/solver.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static studio_ctx *ctx;


static int has(const char *needle) { return strstr(studio_error(ctx), needle) != NULL; }

/* Lab of an 8-bit RGB(A) pixel of img */
static void lab_at(const studio_image *img, int x, int y, float lab[3]) {
  const uint8_t *p = img->pixels + (size_t)y * img->stride + (size_t)x * img->channels;
  float c[3] = {p[0] / 255.f, p[1] / 255.f, p[2] / 255.f};
  es_rgb_to_lab(c, lab, 1);
}

static int max_diff(const studio_image *a, const studio_image *b) {
  if (a->width != b->width || a->height != b->height || a->channels != b->channels) return 256;
  int worst = 0;
  for (int y = 0; y < a->height; y++)
    for (int i = 0; i < a->width * a->channels; i++) {
      int d = abs(a->pixels[(size_t)y * a->stride + i] - b->pixels[(size_t)y * b->stride + i]);
      worst = d > worst ? d : worst;
    }
  return worst;
}

/* A grey photo: left half dark, right half bright (a strong vertical step at x = w/2), a
 * gentle vertical gradient and mild noise. */
static int step_photo(int w, int h, int dark, int bright, float noise, studio_image *img) {
  if (studio_image_alloc(ctx, w, h, 1, img)) return -1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      double v = (x < w / 2 ? dark : bright) + 8.0 * y / h + noise * fx_gauss();
      img->pixels[(size_t)y * img->stride + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5);
    }
  return 0;
}

/* ---- 1. the solver against a direct solve ---- */

/* A synthetic lightness: a vertical step, an inner bright square, a gradient, noise. */
static void synthetic_l(float *L, int w, int h) {
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      double v = 25.0 + 30.0 * (x >= w / 2) + 0.6 * y + 3.0 * fx_gauss();
      if (x > w / 5 && x < w / 3 && y > h / 4 && y < h / 2) v += 35.0;
      L[y * w + x] = (float)(v < 0 ? 0 : v > 100 ? 100 : v);
    }
}

/* the 8 neighbours in pw's order (E, W, S, N, SE, SW, NE, NW) */
static const int NB_DX[ES_HINT_NB] = {1, -1, 0, 0, 1, -1, 1, -1}, NB_DY[ES_HINT_NB] = {0, 0, 1, -1, 1, 1, -1, -1};

/* Levin et al.'s system on the free cells (solver.h), in double: (1 + prior_r) U_r -
 * sum_k pw[k][r] U_{r+off_k} = prior_r target_r, fixed neighbours moved to the right-hand
 * side. Free cells in row order: a neighbour is at most w + 1 entries away, so A (nf x nf,
 * dense storage) is banded with bandwidth bw = w + 1. */
typedef struct { int nf, bw, *idx; double *A, *rhs; } direct_t;

static void direct_free(direct_t *d) { free(d->idx); free(d->A); free(d->rhs); }

static int assemble(const es_solver *s, direct_t *d) {
  const int w = s->w, h = s->h, n = w * h;
  d->nf = 0; d->bw = w + 1;
  d->idx = malloc(sizeof(int) * n);
  if (!d->idx) return -1;
  for (int i = 0; i < n; i++) d->idx[i] = s->fixed[i] ? -1 : d->nf++;
  const size_t nf = (size_t)d->nf;
  d->A = calloc(nf * nf, sizeof(double)); d->rhs = calloc(2 * nf, sizeof(double));
  if (!d->A || !d->rhs) { direct_free(d); return -1; }
  for (int i = 0; i < n; i++) {
    if (s->fixed[i]) continue;
    const int x = i % w, y = i / w;
    const size_t k = (size_t)d->idx[i];
    d->A[k * nf + k] += 1.0 + s->prior[i];
    for (int c = 0; c < 2; c++) d->rhs[2 * k + c] += (double)s->prior[i] * s->target[2 * i + c];
    for (int e = 0; e < ES_HINT_NB; e++) {
      const int u = x + NB_DX[e], v = y + NB_DY[e], j = v * w + u;
      if (u < 0 || v < 0 || u >= w || v >= h) continue;
      const double p = s->pw[e][i];
      if (s->fixed[j]) for (int c = 0; c < 2; c++) d->rhs[2 * k + c] += p * s->target[2 * j + c];
      else d->A[k * nf + d->idx[j]] -= p;
    }
  }
  return 0;
}

/* Banded Gaussian elimination A = L U in place (unit L below the diagonal, U on and above
 * it), then the two triangular solves. No pivoting: A is an M-matrix with a dominant
 * diagonal (1 + prior against off-diagonal weights summing to at most 1), so the pivots
 * stay positive. */
static void solve_lu(direct_t *d) {
  const int nf = d->nf, bw = d->bw;
  double *A = d->A, *rhs = d->rhs;
  for (int j = 0; j < nf; j++) {
    const double piv = A[(size_t)j * nf + j];
    for (int i = j + 1; i < nf && i <= j + bw; i++) {
      double l = A[(size_t)i * nf + j] / piv;
      A[(size_t)i * nf + j] = l;
      if (l != 0.0)
        for (int k = j + 1; k < nf && k <= j + bw; k++) A[(size_t)i * nf + k] -= l * A[(size_t)j * nf + k];
    }
  }
  for (int c = 0; c < 2; c++) {
    for (int i = 0; i < nf; i++)
      for (int k = i - bw < 0 ? 0 : i - bw; k < i; k++) rhs[2 * i + c] -= A[(size_t)i * nf + k] * rhs[2 * k + c];
    for (int i = nf - 1; i >= 0; i--) {
      double v = rhs[2 * i + c];
      for (int k = i + 1; k < nf && k <= i + bw; k++) v -= A[(size_t)i * nf + k] * rhs[2 * k + c];
      rhs[2 * i + c] = v / A[(size_t)i * nf + i];
    }
  }
}

/* x (2 per cell) = the direct answer of es_solver_solve(s, ...) */
static int direct_solve(const es_solver *s, double *x) {
  direct_t d;
  if (assemble(s, &d)) return -1;
  solve_lu(&d);
  for (int i = 0; i < s->w * s->h; i++)
    for (int c = 0; c < 2; c++) x[2 * i + c] = s->fixed[i] ? s->target[2 * i + c] : d.rhs[2 * d.idx[i] + c];
  direct_free(&d);
  return 0;
}

/* Levin et al.'s weights: each cell's 8 sum to 1, none negative, none beyond the border, and
 * those across the synthetic step (x = w/2 - 1 | w/2) small. */
static void check_weights(const es_solver *s) {
  const int w = s->w, h = s->h;
  double worst_sum = 0, across = 0;
  int sane = 1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const int i = y * w + x;
      double sum = 0;
      for (int k = 0; k < ES_HINT_NB; k++) {
        const float p = s->pw[k][i];
        const int u = x + NB_DX[k], v = y + NB_DY[k];
        const int inside = u >= 0 && v >= 0 && u < w && v < h;
        sane &= p >= 0.f && p <= 1.f && (inside || p == 0.f);
        sum += p;
        if (inside && (x < w / 2) != (u < w / 2)) across = fmax(across, p);
      }
      worst_sum = fmax(worst_sum, fabs(sum - 1.0));
    }
  CHECKF(sane, "solver %dx%d: a weight outside 0..1, or beyond the border and not 0", w, h);
  CHECKF(worst_sum <= 1e-5, "solver %dx%d: a cell's 8 weights sum to 1 +- %g", w, h, worst_sum);
  CHECKF(across < 0.01, "solver %dx%d: a weight across the step of 30 L is %g", w, h, across);
  printf("solver %dx%d: weights sum to 1 +- %.1g, across the step at most %.2g\n", w, h, worst_sum, across);
}

static double max_abs_diff(const float *x, const double *want, int n2) {
  double worst = 0;
  for (int i = 0; i < n2; i++) worst = fmax(worst, fabs(x[i] - want[i]));
  return worst;
}

static void solver_case(int w, int h, int weighted) {
  const int n = w * h;
  const char *kind = weighted ? "priors 0..0.1" : "prior 1e-7";
  float *L = malloc(sizeof(float) * n);
  double *want = malloc(sizeof(double) * 2 * n);
  synthetic_l(L, w, h);
  es_solver s;
  if (!CHECK(L && want && es_solver_init(&s, NULL, L, w, h) == 0)) { free(L); free(want); return; }
  if (!weighted) check_weights(&s);
  /* a few fixed cells on both sides of the step and inside the square */
  const int fx[5][2] = {{1, 1}, {w - 2, h / 2}, {w / 4, h / 3}, {w / 2 - 1, h - 2}, {w / 3 + 2, 2}};
  for (int k = 0; k < 5; k++) {
    int i = fx[k][1] * w + fx[k][0];
    s.fixed[i] = 1;
    s.target[2 * i] = (float)(120.0 * fx_uni() - 60.0);
    s.target[2 * i + 1] = (float)(120.0 * fx_uni() - 60.0);
  }
  for (int i = 0; i < n; i++) {
    if (s.fixed[i]) continue;
    s.prior[i] = weighted ? (float)(0.1 * fx_uni()) : 1e-7f;
    s.target[2 * i] = weighted ? (float)(80.0 * fx_uni() - 40.0) : 0.f;
    s.target[2 * i + 1] = weighted ? (float)(80.0 * fx_uni() - 40.0) : 0.f;
  }
  CHECK(es_solver_solve(&s, 1e-6f, 2000) == 0);
  if (CHECK(direct_solve(&s, want) == 0)) {
    double worst = max_abs_diff(s.x, want, 2 * n), range = 0;
    for (int i = 0; i < 2 * n; i++) range = fmax(range, fabs(want[i]));
    CHECKF(worst <= 1e-3, "solver %dx%d (%s): max |x - direct| %g ab (solution up to %g) after %d iterations", w, h, kind, worst, range,
           s.iterations);
    printf("solver %dx%d, %s: max |x - direct| %.2g ab after %d iterations (error estimate %.2g)\n", w, h, kind, worst, s.iterations, s.error);
  }
  /* solving again from the kept solution: nothing left to do */
  CHECK(es_solver_solve(&s, 1e-3f, 2000) == 0 && s.iterations <= 1);
  es_solver_free(&s);
  free(L); free(want);
}

static void solver_vs_direct(void) {
  solver_case(24, 17, 0);
  solver_case(24, 17, 1);
  solver_case(40, 31, 0);
  solver_case(40, 31, 1);
}

/* ---- 2. warm start = cold start ---- */

static void warm_equals_cold(void) {
  studio_image photo;
  if (!CHECK(step_photo(160, 120, 70, 180, 4.f, &photo) == 0)) return;
  studio_hint_point pa[3] = {{20, 30, 2, {200, 40, 40}}, {120, 90, 3, {40, 60, 200}}, {60, 100, 0, {30, 160, 60}}};
  studio_hint_point pb[4] = {{20, 30, 2, {200, 40, 40}}, {130, 20, 3, {40, 60, 200}}, {60, 100, 0, {30, 160, 60}}, {100, 60, 1, {220, 200, 40}}};
  studio_hints a = {160, 120, 3, 0, pa, NULL}, b = {160, 120, 4, 0, pb, NULL};
  studio_hint_options o;
  studio_hint_defaults(&o);
  o.tolerance = 1e-5f;         /* the render carries on from the preview's answer to this */
  o.preview_tolerance = 1e-4f;
  studio_hint_session *warm = NULL, *cold = NULL;
  studio_image rw = {0}, rc = {0};
  int it_warm = -1, it_cold = -1;
  float ew = 0.f, ec = 0.f;
  /* the preview's solve (update): warm from a's answer, cold from zero */
  if (CHECKF(studio_hints_begin(ctx, NULL, &photo, NULL, &o, &warm) == STUDIO_OK, "%s", studio_error(ctx)) &&
      CHECKF(studio_hints_begin(ctx, NULL, &photo, NULL, &o, &cold) == STUDIO_OK, "%s", studio_error(ctx)) &&
      CHECK(studio_hints_update(ctx, warm, &a) == STUDIO_OK) && CHECK(studio_hints_update(ctx, warm, &b) == STUDIO_OK) &&
      CHECK(studio_hints_update(ctx, cold, &b) == STUDIO_OK)) {
    studio_hints_stats(warm, NULL, NULL, &it_warm, &ew);
    studio_hints_stats(cold, NULL, NULL, &it_cold, &ec);
    /* BiCGSTAB is not monotone: a warm start that far from the answer (a hint moved, one
     * added) may take an iteration more than a cold one; the counts are printed, and the
     * warm start's real promise is checked: the same hints again cost nothing */
    int it_again = -1;
    float e_again = 0.f;
    if (CHECK(studio_hints_update(ctx, warm, &b) == STUDIO_OK)) studio_hints_stats(warm, NULL, NULL, &it_again, &e_again);
    CHECKF(it_again >= 0 && it_again <= 1, "the same hints again: %d iterations (error %g)", it_again, e_again);
    printf("warm vs cold start (preview): %d vs %d iterations (error %.2g / %.2g); the same hints again %d\n", it_warm, it_cold, ew, ec, it_again);
  }
  /* and the same answer: the renders agree */
  if (warm && cold && CHECK(studio_hints_render(ctx, warm, &rw) == STUDIO_OK) && CHECK(studio_hints_render(ctx, cold, &rc) == STUDIO_OK)) {
    int d = max_diff(&rw, &rc);
    CHECKF(d <= 1, "warm and cold starts render %d levels apart", d);
    /* the render solved on to the final tolerance */
    studio_hints_stats(warm, NULL, NULL, &it_warm, &ew);
    studio_hints_stats(cold, NULL, NULL, &it_cold, &ec);
    /* float arithmetic: at a tolerance this tight the true residual stalls at about it */
    CHECKF(ew <= 1.5f * o.tolerance && ec <= 1.5f * o.tolerance, "after render the estimated errors are %g and %g (tolerance %g)", ew, ec,
           o.tolerance);
    printf("warm vs cold start (render): max |diff| %d levels, %d and %d more iterations (error %.2g / %.2g)\n", d, it_warm, it_cold, ew, ec);
  }
  studio_image_free(&rw); studio_image_free(&rc);
  studio_hints_end(warm); studio_hints_end(cold);
  studio_image_free(&photo);
}

/* ---- 3. the hints file ---- */

/* JSON with one bad value: parse refuses it with status st and a message holding both needles. */
static void refused(const char *json, studio_status st, const char *n1, const char *n2) {
  studio_hints h;
  memset(&h, 0x55, sizeof h);
  studio_status got = studio_hints_parse(ctx, json, strlen(json), &h);
  CHECKF(got == st && has(n1) && (!n2 || has(n2)), "%s -> %s '%s' (wanted %s with '%s', '%s')", json, studio_status_name(got), studio_error(ctx),
         studio_status_name(st), n1, n2 ? n2 : "");
  CHECK(h.points == NULL && h.strokes == NULL && h.n_points == 0 && h.n_strokes == 0); /* nothing half made */
}

#define PTS2(third) "{\"width\": 100, \"height\": 80, \"points\": [{\"x\": 1, \"y\": 2, \"r\": 0, \"rgb\": [1, 2, 3]}, " \
                    "{\"x\": 5, \"y\": 6, \"rgb\": [9, 9, 9]}, " third "]}"
#define STK1(second) "{\"width\": 100, \"height\": 80, \"strokes\": [{\"rgb\": [1, 2, 3], \"width\": 4, \"path\": [[1, 1], [50, 40]]}, " second "]}"

static void hints_file(void) {
  refused("{\"width\": 100,\n  \"height\": 80,\n  \"points\": [}", STUDIO_E_FORMAT, "not valid JSON", "line 3, column 14");
  refused("{\"width\": 100, \"height\" 80}", STUDIO_E_FORMAT, "not valid JSON", "line 1, column 25");
  /* text after the object is refused too (two files pasted together would be half read) */
  refused("{\"width\": 100, \"height\": 80} x", STUDIO_E_FORMAT, "has more after its JSON object", "line 1, column 30");
  refused("{\"width\": 100, \"height\": 80, \"hints\": [{\"x\": 1, \"y\": 1, \"r\": 1, \"rgb\": [1, 2, 3]}]}", STUDIO_E_FORMAT, "unknown field \"hints\"", "\"points\" and \"strokes\"");
  refused("{\"width\": 100, \"height\": 80}\n{\"width\": 100, \"height\": 80, \"points\": 1}", STUDIO_E_FORMAT, "has more after its JSON object",
          "line 2, column 1");
  refused("", STUDIO_E_FORMAT, "empty", NULL);
  refused("[1, 2]", STUDIO_E_FORMAT, "object", NULL);
  refused("{\"height\": 80}", STUDIO_E_ARGUMENT, "width", NULL);
  refused("{\"width\": 100}", STUDIO_E_ARGUMENT, "height", NULL);
  refused("{\"width\": 0, \"height\": 80}", STUDIO_E_ARGUMENT, "width", NULL);
  refused("{\"width\": 100.5, \"height\": 80}", STUDIO_E_ARGUMENT, "width", NULL);
  refused("{\"width\": \"100\", \"height\": 80}", STUDIO_E_ARGUMENT, "width", NULL);
  refused("{\"width\": 100, \"height\": -80}", STUDIO_E_ARGUMENT, "height", NULL);
  refused("{\"width\": 100, \"height\": 80, \"points\": 5}", STUDIO_E_ARGUMENT, "points", NULL);
  refused(PTS2("{\"x\": 100, \"y\": 6, \"rgb\": [9, 9, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "x 100");
  refused(PTS2("{\"x\": 100, \"y\": 6, \"rgb\": [9, 9, 9]}"), STUDIO_E_ARGUMENT, "100x80", NULL);
  refused(PTS2("{\"x\": -0.5, \"y\": 6, \"rgb\": [9, 9, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "x -0.5");
  refused(PTS2("{\"x\": 5, \"y\": -1, \"rgb\": [9, 9, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "y -1");
  refused(PTS2("{\"x\": 5, \"y\": 80, \"rgb\": [9, 9, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "y 80");
  refused(PTS2("{\"y\": 6, \"rgb\": [9, 9, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "\"x\"");
  refused(PTS2("{\"x\": 5, \"y\": 6, \"r\": 257, \"rgb\": [9, 9, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "0..256");
  refused(PTS2("{\"x\": 5, \"y\": 6, \"r\": -1, \"rgb\": [9, 9, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "r must");
  refused(PTS2("{\"x\": 5, \"y\": 6, \"r\": 1.5, \"rgb\": [9, 9, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "whole");
  refused(PTS2("{\"x\": 5, \"y\": 6, \"rgb\": [9, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "rgb");
  refused(PTS2("{\"x\": 5, \"y\": 6, \"rgb\": [9, 9, 9, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "rgb");
  refused(PTS2("{\"x\": 5, \"y\": 6}"), STUDIO_E_ARGUMENT, "points[2]", "rgb");
  refused(PTS2("{\"x\": 5, \"y\": 6, \"rgb\": [9, 256, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "0..255");
  refused(PTS2("{\"x\": 5, \"y\": 6, \"rgb\": [-1, 9, 9]}"), STUDIO_E_ARGUMENT, "points[2]", "0..255");
  refused(PTS2("{\"x\": 5, \"y\": 6, \"rgb\": [9, 9, 1.5]}"), STUDIO_E_ARGUMENT, "points[2]", "whole");
  refused(PTS2("{\"x\": 5, \"y\": 6, \"rgb\": [9, \"9\", 9]}"), STUDIO_E_ARGUMENT, "points[2]", "component 1");
  refused(PTS2("7"), STUDIO_E_ARGUMENT, "points[2]", "object");
  refused(STK1("{\"rgb\": [1, 2, 3], \"width\": 0, \"path\": [[1, 1]]}"), STUDIO_E_ARGUMENT, "strokes[1]", "width");
  refused(STK1("{\"rgb\": [1, 2, 3], \"width\": 2000, \"path\": [[1, 1]]}"), STUDIO_E_ARGUMENT, "strokes[1]", "width");
  refused(STK1("{\"rgb\": [1, 2, 3], \"path\": [[1, 1]]}"), STUDIO_E_ARGUMENT, "strokes[1]", "width");
  refused(STK1("{\"rgb\": [1, 2, 3], \"width\": 3, \"path\": []}"), STUDIO_E_ARGUMENT, "strokes[1]", "path");
  refused(STK1("{\"rgb\": [1, 2, 3], \"width\": 3}"), STUDIO_E_ARGUMENT, "strokes[1]", "path");
  refused(STK1("{\"rgb\": [1, 2, 3], \"width\": 3, \"path\": [[1, 1], [100, 5]]}"), STUDIO_E_ARGUMENT, "strokes[1]", "path point 1");
  refused(STK1("{\"rgb\": [1, 2, 3], \"width\": 3, \"path\": [[1, 1], [5, 5], [5, -2]]}"), STUDIO_E_ARGUMENT, "strokes[1]", "path point 2");
  refused(STK1("{\"rgb\": [1, 2, 3], \"width\": 3, \"path\": [[1, 1], [5]]}"), STUDIO_E_ARGUMENT, "strokes[1]", "path point 1 must be [x, y]");
  refused(STK1("{\"rgb\": [1, 2, 3], \"width\": 3, \"path\": [[1, 2, 3]]}"), STUDIO_E_ARGUMENT, "strokes[1]", "path point 0 must be [x, y]");
  refused(STK1("{\"rgb\": [1, 2, 3], \"width\": 3, \"path\": [{\"x\": 1, \"y\": 2}]}"), STUDIO_E_ARGUMENT, "strokes[1]", "[x, y]");
  refused(STK1("{\"rgb\": [1, 2, 3], \"width\": 3, \"path\": [[1, \"2\"]]}"), STUDIO_E_ARGUMENT, "strokes[1]", "[x, y]");
  refused(STK1("{\"rgb\": [1, 2], \"width\": 3, \"path\": [[1, 2]]}"), STUDIO_E_ARGUMENT, "strokes[1]", "rgb");
  refused(STK1("{\"rgb\": [1, 2, 300], \"width\": 3, \"path\": [[1, 2]]}"), STUDIO_E_ARGUMENT, "strokes[1]", "0..255");

  /* accepted: "strokes" and "points" optional, r defaults to 0 */
  studio_hints h;
  const char *ok1 = "{\"width\": 100, \"height\": 80, \"points\": [{\"x\": 99.5, \"y\": 0, \"rgb\": [0, 128, 255]}]}";
  if (CHECKF(studio_hints_parse(ctx, ok1, strlen(ok1), &h) == STUDIO_OK, "%s", studio_error(ctx))) {
    CHECK(h.width == 100 && h.height == 80 && h.n_points == 1 && h.n_strokes == 0 && h.points[0].r == 0 && h.points[0].x == 99.5f &&
          h.points[0].rgb[1] == 128 && h.points[0].rgb[2] == 255);
    /* the same hints against another photo: both sizes named */
    CHECK(studio_hints_check(ctx, &h, 120, 80) == STUDIO_E_ARGUMENT && has("100x80") && has("120x80"));
    CHECK(studio_hints_check(ctx, &h, 100, 81) == STUDIO_E_ARGUMENT && has("100x80") && has("100x81"));
    CHECK(studio_hints_check(ctx, &h, 100, 80) == STUDIO_OK);
  }
  studio_hints_free(&h);
  const char *ok2 = "{\"width\": 30, \"height\": 20, \"strokes\": [{\"rgb\": [1, 2, 3], \"width\": 1, \"path\": [[0, 0]]}]}";
  CHECK(studio_hints_parse(ctx, ok2, strlen(ok2), &h) == STUDIO_OK && h.n_points == 0 && h.n_strokes == 1 && h.strokes[0].n == 1);
  studio_hints_free(&h);
  const char *ok3 = "{\"width\": 30, \"height\": 20}\n\n"; /* a file's final newline is fine */
  CHECK(studio_hints_parse(ctx, ok3, strlen(ok3), &h) == STUDIO_OK && h.n_points == 0 && h.n_strokes == 0);
  studio_hints_free(&h);

  /* code-made hints are checked the same way (the session and studio_colorize_hints use it) */
  studio_hint_point bad_r = {5, 5, 300, {1, 2, 3}};
  studio_hints hb = {100, 80, 1, 0, &bad_r, NULL};
  CHECK(studio_hints_check(ctx, &hb, 100, 80) == STUDIO_E_ARGUMENT && has("points[0]") && has("r"));
  float nanpath[2] = {NAN, 3};
  studio_hint_stroke nk = {{1, 2, 3}, 4, 1, nanpath};
  studio_hints hn = {100, 80, 0, 1, NULL, &nk};
  CHECK(studio_hints_check(ctx, &hn, 100, 80) == STUDIO_E_ARGUMENT && has("strokes[0]"));

  /* write -> parse gives the same hints, coordinates to 1/100 pixel */
  float path0[6] = {1.234f, 2.5f, 50.006f, 40.f, 99.f, 79.f}, path1[2] = {10.f, 10.f};
  studio_hint_point pts[2] = {{12.345f, 67.891f, 3, {255, 0, 17}}, {0.f, 0.f, 256, {0, 0, 0}}};
  studio_hint_stroke stk[2] = {{{10, 200, 30}, 7.5f, 3, path0}, {{255, 255, 255}, 1024.f, 1, path1}};
  studio_hints src = {100, 80, 2, 2, pts, stk};
  char *json = NULL;
  size_t len = 0;
  if (CHECKF(studio_hints_write(ctx, &src, &json, &len) == STUDIO_OK, "%s", studio_error(ctx)) && CHECK(json && strlen(json) == len) &&
      CHECKF(studio_hints_parse(ctx, json, len, &h) == STUDIO_OK, "%s: %s", json, studio_error(ctx))) {
    int same = h.width == 100 && h.height == 80 && h.n_points == 2 && h.n_strokes == 2;
    for (int i = 0; same && i < 2; i++) {
      same &= fabsf(h.points[i].x - pts[i].x) <= 0.0051f && fabsf(h.points[i].y - pts[i].y) <= 0.0051f && h.points[i].r == pts[i].r &&
              !memcmp(h.points[i].rgb, pts[i].rgb, 3);
      same &= h.strokes[i].n == stk[i].n && fabsf(h.strokes[i].width - stk[i].width) <= 0.0051f && !memcmp(h.strokes[i].rgb, stk[i].rgb, 3);
      for (int j = 0; same && j < 2 * stk[i].n; j++) same &= fabsf(h.strokes[i].path[j] - stk[i].path[j]) <= 0.0051f;
    }
    CHECKF(same, "write -> parse changed the hints: %s", json);
    studio_hints_free(&h);
  }
  studio_free(json);
  json = NULL;
  /* a coordinate within 1/200 px of the right or bottom border is valid and must not round
   * onto the border on writing (the page can place a hint at 99.996 on a 100-pixel-wide
   * photo): the written file reads back */
  studio_hint_point edge = {99.996f, 79.997f, 0, {1, 2, 3}};
  studio_hints he = {100, 80, 1, 0, &edge, NULL};
  if (CHECK(studio_hints_write(ctx, &he, &json, &len) == STUDIO_OK)) {
    studio_status st = studio_hints_parse(ctx, json, len, &h);
    CHECKF(st == STUDIO_OK && h.n_points == 1 && h.points[0].x < 100.f && h.points[0].y < 80.f && fabsf(h.points[0].x - edge.x) <= 0.0101f &&
               fabsf(h.points[0].y - edge.y) <= 0.0101f,
           "a hint by the border: %s -> %s", json, st ? studio_error(ctx) : "read back moved");
    studio_hints_free(&h);
  }
  studio_free(json);
  /* writing refuses what it could not read back */
  CHECK(studio_hints_write(ctx, &hb, &json, &len) == STUDIO_E_ARGUMENT && has("points[0]"));
}

/* ---- 4. gamut clipping ---- */

static int linear_in(const float lab[3], float eps) {
  float rgb[3];
  es_lab_to_linear(lab, rgb, 1);
  for (int k = 0; k < 3; k++) if (!(rgb[k] >= -eps && rgb[k] <= 1.f + eps)) return 0;
  return 1;
}

static void gamut(void) {
  /* in-gamut colours are kept whole */
  const float inside[][3] = {{50, 0, 0}, {50, 20, -20}, {5, 1, 1}, {95, -5, 8}, {60, 50, 40}, {0, 0, 0}, {100, 0, 0}};
  for (int i = 0; i < 7; i++) CHECKF(es_lab_chroma_fit(inside[i][0], inside[i][1], inside[i][2]) == 1.f, "in-gamut Lab %g %g %g clipped", inside[i][0], inside[i][1], inside[i][2]);
  /* saturated colours at a foreign lightness: clipped into the gamut, and no further */
  const uint8_t sat[3][3] = {{0, 0, 255}, {255, 255, 0}, {255, 0, 0}};
  const char *names[3] = {"blue", "yellow", "red"};
  const float Ls[3] = {5, 50, 95};
  for (int c = 0; c < 3; c++) {
    float ab[2];
    es_hint_ab(sat[c], ab);
    for (int l = 0; l < 3; l++) {
      float s = es_lab_chroma_fit(Ls[l], ab[0], ab[1]);
      float lab[3] = {Ls[l], s * ab[0], s * ab[1]}, more[3] = {Ls[l], (s + 0.01f) * ab[0], (s + 0.01f) * ab[1]};
      CHECKF(s > 0.f && s <= 1.f && linear_in(lab, 1e-3f), "%s at L %g: scale %g leaves the gamut", names[c], Ls[l], s);
      if (s < 1.f) CHECKF(!linear_in(more, 1e-4f), "%s at L %g: scale %g + 0.01 still fits: clipped too far", names[c], Ls[l], s);
      /* none of these fits whole at L 5 (too dark for their chroma), nor blue and red at 95 */
      if (l == 0 || (l == 2 && c != 1)) CHECKF(s < 1.f, "%s at L %g was not clipped", names[c], Ls[l]);
    }
  }
  /* pure yellow on a dark grey photo, through the public API (no model, one point): the
   * hint's full chroma spreads and the output pass fits it into sRGB at each pixel's
   * lightness, so the hinted pixels keep the yellow's hue and as much chroma as their
   * lightness can hold (the output is 8-bit, hence in sRGB; its chroma is the check). */
  enum { W = 24 };
  studio_image photo, out = {0};
  if (!CHECK(studio_image_alloc(ctx, W, W, 1, &photo) == STUDIO_OK)) return;
  for (int y = 0; y < W; y++)
    for (int x = 0; x < W; x++) photo.pixels[(size_t)y * photo.stride + x] = (uint8_t)(52 + (x + 2 * y) % 5);
  studio_hint_point p = {12, 12, 3, {255, 255, 0}};
  studio_hints h = {W, W, 1, 0, &p, NULL};
  if (CHECKF(studio_colorize_hints(ctx, NULL, &photo, NULL, &h, NULL, &out) == STUDIO_OK, "%s", studio_error(ctx)) &&
      CHECK(out.width == W && out.height == W && out.channels == 3)) {
    float want[2];
    es_hint_ab(sat[1], want);
    const float hue0 = atan2f(want[1], want[0]) * 57.29578f, c0 = hypotf(want[0], want[1]);
    float hue_off = 0.f, chroma_off = 0.f, cmin = 1e9f, cmax = 0.f;
    for (int y = 12 - 3; y <= 12 + 3; y++)
      for (int x = 12 - 3; x <= 12 + 3; x++) {
        const uint8_t g = photo.pixels[(size_t)y * photo.stride + x];
        float grey[3] = {g / 255.f, g / 255.f, g / 255.f}, gl[3], lab[3];
        es_rgb_to_lab(grey, gl, 1); /* the photo's L, the one the output pass keeps */
        lab_at(&out, x, y, lab);
        float hue = atan2f(lab[2], lab[1]) * 57.29578f, c = hypotf(lab[1], lab[2]);
        float most = es_lab_chroma_fit(gl[0], want[0], want[1]) * c0; /* the in-gamut chroma at that L and hue */
        hue_off = fmaxf(hue_off, fabsf(hue - hue0));
        chroma_off = fmaxf(chroma_off, fabsf(c - most));
        cmin = fminf(cmin, c); cmax = fmaxf(cmax, most);
      }
    CHECKF(hue_off <= 2.f, "yellow on dark grey: the output's hue is %g degrees off the hint's", hue_off);
    CHECKF(chroma_off <= 2.f && cmin > 5.f, "yellow on dark grey: the output's chroma is %g from the most that fits (least %g)", chroma_off, cmin);
    printf("yellow on dark grey: hue within %.2f degrees, chroma within %.2f of the most that fits (%.1f of the hint's %.1f)\n", hue_off, chroma_off,
           cmax, c0);
  }
  studio_image_free(&out);
  studio_image_free(&photo);
}

/* ---- 5. stroke rasterising ---- */

static int covered(const uint8_t *fixed, int n) {
  int c = 0;
  for (int i = 0; i < n; i++) c += fixed[i];
  return c;
}

static void rasterising(void) {
  enum { W = 50 };
  float ab[2 * W * W];
  uint8_t fixed[W * W];
  /* horizontal stroke of width 5 from (10, 25) to (40, 25): cells whose centre is within 2.5
   * px of the segment: 31 columns x 5 rows, plus each round cap's columns at distance 1 (5
   * cells: dy^2 <= 5.25) and 2 (3 cells: dy^2 <= 2.25): 155 + 2 * 8 = 171 */
  float seg[4] = {10, 25, 40, 25};
  studio_hint_stroke k = {{255, 0, 0}, 5.f, 2, seg};
  studio_hints h = {W, W, 0, 1, NULL, &k};
  memset(fixed, 0, sizeof fixed);
  es_hints_raster(&h, W, W, fixed, ab);
  int exact = 1;
  for (int y = 0; y < W; y++)
    for (int x = 0; x < W; x++) {
      double dx = x < 10 ? 10 - x : x > 40 ? x - 40 : 0, dy = y - 25;
      exact &= fixed[y * W + x] == (dx * dx + dy * dy <= 6.25);
    }
  CHECKF(covered(fixed, W * W) == 171 && exact, "stroke of width 5: %d cells covered, not 171 (exact set %d)", covered(fixed, W * W), exact);
  /* a one-point stroke is a round dab: width 9 covers dx^2 + dy^2 <= 20.25, 69 cells (not 81) */
  float dot[2] = {25, 25};
  studio_hint_stroke kd = {{255, 0, 0}, 9.f, 1, dot};
  studio_hints hd = {W, W, 0, 1, NULL, &kd};
  memset(fixed, 0, sizeof fixed);
  es_hints_raster(&hd, W, W, fixed, ab);
  exact = 1;
  for (int y = 0; y < W; y++)
    for (int x = 0; x < W; x++) exact &= fixed[y * W + x] == ((x - 25) * (x - 25) + (y - 25) * (y - 25) <= 20);
  CHECKF(covered(fixed, W * W) == 69 && exact, "dab of width 9: %d cells, not 69 (exact set %d)", covered(fixed, W * W), exact);
  /* points: the (2r+1)^2 square at scale 1, clipped at the border; r = 0 is one cell */
  const studio_hint_point sq[4] = {{20, 20, 3, {0, 0, 255}}, {20.4f, 20.6f, 3, {0, 0, 255}}, {1, 1, 3, {0, 0, 255}}, {49, 0, 0, {0, 0, 255}}};
  const int want_sq[4] = {49, 49, 25, 1};
  for (int i = 0; i < 4; i++) {
    studio_hints hp = {W, W, 1, 0, (studio_hint_point *)&sq[i], NULL};
    memset(fixed, 0, sizeof fixed);
    es_hints_raster(&hp, W, W, fixed, ab);
    int box = 1;
    for (int y = 0; y < W; y++)
      for (int x = 0; x < W; x++) box &= !fixed[y * W + x] || (fabsf(x - sq[i].x) <= sq[i].r + 0.5f && fabsf(y - sq[i].y) <= sq[i].r + 0.5f);
    CHECKF(covered(fixed, W * W) == want_sq[i] && box, "point %d (r %d): %d cells, not %d", i, sq[i].r, covered(fixed, W * W), want_sq[i]);
  }
  /* points paint over strokes: the overlap holds what the point alone paints */
  studio_hint_point over = {25, 25, 1, {0, 0, 255}};
  studio_hints hpo = {W, W, 1, 1, &over, &k}, alone = {W, W, 1, 0, &over, NULL}, stroke_alone = {W, W, 0, 1, NULL, &k};
  float want_pt[2], want_stk[2];
  memset(fixed, 0, sizeof fixed);
  es_hints_raster(&alone, W, W, fixed, ab);
  want_pt[0] = ab[2 * (25 * W + 25)]; want_pt[1] = ab[2 * (25 * W + 25) + 1];
  es_hints_raster(&stroke_alone, W, W, fixed, ab);
  want_stk[0] = ab[2 * (25 * W + 30)]; want_stk[1] = ab[2 * (25 * W + 30) + 1];
  CHECK(want_pt[1] < -40.f && want_stk[0] > 40.f); /* blue and red */
  memset(fixed, 0, sizeof fixed);
  es_hints_raster(&hpo, W, W, fixed, ab);
  const float *at = ab + 2 * (25 * W + 25), *side = ab + 2 * (25 * W + 30);
  CHECKF(at[0] == want_pt[0] && at[1] == want_pt[1], "point over a stroke: ab %g %g, the point's is %g %g", at[0], at[1], want_pt[0], want_pt[1]);
  CHECK(side[0] == want_stk[0] && side[1] == want_stk[1]);
  /* later points over earlier ones */
  studio_hint_point two[2] = {{25, 25, 2, {255, 0, 0}}, {25, 25, 0, {0, 0, 255}}};
  studio_hints h2 = {W, W, 2, 0, two, NULL};
  memset(fixed, 0, sizeof fixed);
  es_hints_raster(&h2, W, W, fixed, ab);
  CHECK(at[0] == want_pt[0] && at[1] == want_pt[1] && ab[2 * (25 * W + 26)] == want_stk[0] && covered(fixed, W * W) == 25);

  /* a shrunken grid: a 1000x1000 photo on 50x50 cells (20 px each). A one-pixel stroke,
   * thinner than a cell, still marks a connected trail of cells along a long diagonal that
   * misses every cell centre. Drawn as the page sends it (a point every 3 px) and as two
   * points only. */
  enum { P = 1000 };
  static float dense[2 * 400];
  int nd = 0;
  for (int i = 0; i <= 330; i++, nd++) { dense[2 * nd] = 5.f + 3.f * i; dense[2 * nd + 1] = 3.f * i; }
  float sparse[4] = {5.f, 0.f, 995.f, 990.f};
  for (int variant = 0; variant < 2; variant++) {
    studio_hint_stroke kt = {{0, 0, 255}, 1.f, variant ? 2 : nd, variant ? sparse : dense};
    studio_hints ht = {P, P, 0, 1, NULL, &kt};
    memset(fixed, 0, sizeof fixed);
    es_hints_raster(&ht, W, W, fixed, ab);
    /* every cell the line crosses between the end points' cells: each row from the first
     * to the last has a marked cell, adjacent (8-connected) to the previous row's */
    int gaps = 0, prev = -1;
    for (int y = 0; y < W; y++) {
      int first = -1;
      for (int x = 0; x < W; x++) if (fixed[y * W + x]) { first = x; break; }
      if (first < 0) { gaps++; continue; }
      if (prev >= 0 && abs(first - prev) > 1) gaps++;
      prev = first;
    }
    CHECKF(gaps == 0, "thin stroke on a shrunken grid (%s path): %d rows without a connected cell, %d cells marked", variant ? "two-point" : "dense",
           gaps, covered(fixed, W * W));
  }
}

/* ---- 6. the session without a model ---- */

static void session_no_model(void) {
  enum { W = 120, H = 80 };
  studio_image photo, out = {0}, prev = {0};
  if (!CHECK(step_photo(W, H, 100, 200, 1.5f, &photo) == 0)) return;
  studio_hint_session *s = NULL;
  studio_hints none = {W, H, 0, 0, NULL, NULL};
  /* zero hints: grey, at the working size and at full size */
  if (CHECKF(studio_hints_begin(ctx, NULL, &photo, NULL, NULL, &s) == STUDIO_OK, "%s", studio_error(ctx)) &&
      CHECK(studio_hints_update(ctx, s, &none) == STUDIO_OK) && CHECK(studio_hints_render(ctx, s, &out) == STUDIO_OK) &&
      CHECK(studio_hints_preview(ctx, s, &prev) == STUDIO_OK)) {
    int grey = out.width == W && out.height == H && out.channels == 3;
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) {
        const uint8_t *p = out.pixels + y * out.stride + 3 * x;
        grey &= abs(p[0] - p[1]) <= 1 && abs(p[1] - p[2]) <= 1 && abs(p[0] - photo.pixels[y * photo.stride + x]) <= 1;
      }
    CHECK(grey);
    int ww, wh;
    studio_hints_stats(s, &ww, &wh, NULL, NULL);
    CHECKF(ww == W && wh == H && prev.width == ww && prev.height == wh, "preview %dx%d, working grid %dx%d", prev.width, prev.height, ww, wh);
  }
  studio_image_free(&out); studio_image_free(&prev);

  /* a blue point on the dark side, a grey one on the bright side */
  studio_hint_point pts[2] = {{20, 40, 2, {70, 90, 200}}, {100, 40, 2, {128, 128, 128}}};
  studio_hints h = {W, H, 2, 0, pts, NULL};
  if (s && CHECK(studio_hints_update(ctx, s, &h) == STUDIO_OK) && CHECK(studio_hints_render(ctx, s, &out) == STUDIO_OK)) {
    float lab[3], hab[2], worst = 0.f, near_b = -1e9f;
    double left = 0, right = 0;
    int nl = 0, nr = 0;
    es_hint_ab(pts[0].rgb, hab);
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) {
        lab_at(&out, x, y, lab);
        float c = hypotf(lab[1], lab[2]);
        if (x < W / 2 - 4) { left += c; nl++; }
        if (x > W / 2 + 4 && (x < 90 || x > 110)) { right += c; nr++; } /* far from the grey hint too */
        if (abs(x - 20) <= 10 && abs(y - 40) <= 10) near_b = fmaxf(near_b, lab[2]);
        if (abs(x - 20) <= 2 && abs(y - 40) <= 2) {
          float f = es_lab_chroma_fit(lab[0], hab[0], hab[1]);
          worst = fmaxf(worst, fmaxf(fabsf(lab[1] - f * hab[0]), fabsf(lab[2] - f * hab[1])));
        }
      }
    left /= nl; right /= nr;
    CHECKF(near_b < -10.f, "within 10 px of the blue hint b* goes up to %g", near_b);
    CHECKF(right < 0.25 * left, "chroma across the edge %.2f, on the hinted side %.2f", right, left);
    CHECKF(worst <= 1.f, "the hinted pixels are %g a*b* units from the hint's colour", worst);
    printf("no model: hinted side chroma %.1f, across the edge %.2f; hinted pixels within %.2f ab of the hint\n", left, right, worst);
  }
  studio_image_free(&out);
  studio_hints_end(s);
  s = NULL;

  /* a colour photo with no hints: recoloured from its L, so grey */
  studio_image rgb;
  if (CHECK(studio_image_alloc(ctx, 40, 30, 3, &rgb) == STUDIO_OK)) {
    for (int i = 0; i < 40 * 30 * 3; i++) rgb.pixels[i] = (uint8_t)(i * 53 % 256);
    studio_hints n2 = {40, 30, 0, 0, NULL, NULL};
    if (CHECKF(studio_colorize_hints(ctx, NULL, &rgb, NULL, &n2, NULL, &out) == STUDIO_OK, "%s", studio_error(ctx))) {
      int grey = 1;
      for (int i = 0; i < 40 * 30; i++) grey &= abs(out.pixels[3 * i] - out.pixels[3 * i + 1]) <= 1 && abs(out.pixels[3 * i + 1] - out.pixels[3 * i + 2]) <= 1;
      CHECK(grey);
    }
    studio_image_free(&out);
    /* a mismatched size through the one-call entry point */
    CHECK(studio_colorize_hints(ctx, NULL, &rgb, NULL, &h, NULL, &out) == STUDIO_E_ARGUMENT && has("120x80") && has("40x30") && !out.pixels);
    studio_image_free(&rgb);
  }

  /* a work size below the photo's shrinks the grid and the preview, not the result */
  studio_image big;
  studio_hint_options o;
  studio_hint_defaults(&o);
  CHECK(o.trust == 0.5f && o.work_megapixels == 0.15f && o.tolerance == 0.002f && o.preview_tolerance == 0.05f);
  o.work_megapixels = 0.01f;
  if (CHECK(step_photo(200, 150, 90, 170, 2.f, &big) == 0)) {
    studio_hint_point bp = {30, 70, 4, {200, 50, 50}};
    studio_hints hb = {200, 150, 1, 0, &bp, NULL};
    int ww = 0, wh = 0;
    if (CHECKF(studio_hints_begin(ctx, NULL, &big, NULL, &o, &s) == STUDIO_OK, "%s", studio_error(ctx)) &&
        CHECK(studio_hints_update(ctx, s, &hb) == STUDIO_OK) && CHECK(studio_hints_preview(ctx, s, &prev) == STUDIO_OK) &&
        CHECK(studio_hints_render(ctx, s, &out) == STUDIO_OK)) {
      studio_hints_stats(s, &ww, &wh, NULL, NULL);
      CHECKF(ww < 200 && wh < 150 && ww * wh <= 10100 && abs(ww * 150 - wh * 200) <= 200 && prev.width == ww && prev.height == wh,
             "work size 0.01 MP: grid %dx%d, preview %dx%d", ww, wh, prev.width, prev.height);
      CHECK(out.width == 200 && out.height == 150);
      float lab[3];
      lab_at(&out, 30, 70, lab);
      CHECKF(lab[1] > 20.f, "shrunken grid: the red hint's pixel has a* %g", lab[1]);
    }
    studio_image_free(&out); studio_image_free(&prev);
    studio_hints_end(s);
    s = NULL;
    /* options out of range: refused, the option named */
    struct { float trust, mp, tol, preview; const char *name; } bad[] = {
        {-0.1f, 1, 0.01f, 0.02f, "trust"}, {1.5f, 1, 0.01f, 0.02f, "trust"}, {NAN, 1, 0.01f, 0.02f, "trust"},
        {0.5f, 0.001f, 0.01f, 0.02f, "work"}, {0.5f, 17, 0.01f, 0.02f, "work"}, {0.5f, NAN, 0.01f, 0.02f, "work"},
        {0.5f, 1, 0, 0.02f, "tolerance"}, {0.5f, 1, 2, 0.02f, "tolerance"}, {0.5f, 1, 0.01f, 0, "preview tolerance"},
        {0.5f, 1, 0.01f, NAN, "preview tolerance"}, {0.5f, 1, 0.01f, 1.5f, "preview tolerance"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
      o.trust = bad[i].trust; o.work_megapixels = bad[i].mp; o.tolerance = bad[i].tol; o.preview_tolerance = bad[i].preview;
      CHECKF(studio_hints_begin(ctx, NULL, &big, NULL, &o, &s) == STUDIO_E_ARGUMENT && has(bad[i].name) && !s, "option %s: '%s'", bad[i].name,
             studio_error(ctx));
      /* the one call has no preview: it solves to `tolerance` and ignores preview_tolerance */
      if (strcmp(bad[i].name, "preview tolerance"))
        CHECK(studio_colorize_hints(ctx, NULL, &big, NULL, &hb, &o, &out) == STUDIO_E_ARGUMENT && has(bad[i].name) && !out.pixels);
    }
    studio_image_free(&big);
  }
  studio_image_free(&photo);
}

/* ---- 7. with a model ---- */

static void with_model(void) {
  char path[1024];
  check_models("synthetic-1.caffemodel", path, sizeof path);
  FILE *probe = fopen(path, "rb");
  if (probe) fclose(probe);
  if (!probe) { printf("SKIP: %s missing (tools/studio test makes it)\n", path); return; }
  size_t len;
  uint8_t *data = check_read(path, &len);
  studio_model *m = NULL;
  if (!CHECKF(data && studio_model_load(ctx, data, len, NULL, 0, &m) == STUDIO_OK, "%s", studio_error(ctx))) { free(data); return; }
  free(data);
  uint8_t rgb[15];
  float prob[5];
  CHECK(studio_colorize_suggest(m, 10, 10, 5, rgb, prob) == 0); /* nothing colorized yet */

  enum { W = 192, H = 144 };
  studio_image photo, plain = {0}, out = {0};
  if (!CHECK(step_photo(W, H, 60, 190, 6.f, &photo) == 0)) { studio_model_free(m); return; }
  studio_hints none = {W, H, 0, 0, NULL, NULL};
  studio_hint_session *s = NULL;
  if (CHECKF(studio_colorize(ctx, m, &photo, NULL, &plain) == STUDIO_OK, "%s", studio_error(ctx))) {
    /* no hints: plain colorize, through the one call and through a session */
    if (CHECKF(studio_colorize_hints(ctx, m, &photo, NULL, &none, NULL, &out) == STUDIO_OK, "%s", studio_error(ctx)))
      CHECKF(max_diff(&out, &plain) == 0, "no hints: %d levels from plain colorize", max_diff(&out, &plain));
    studio_image_free(&out);
    if (CHECKF(studio_hints_begin(ctx, m, &photo, NULL, NULL, &s) == STUDIO_OK, "%s", studio_error(ctx)) &&
        CHECK(studio_hints_update(ctx, s, &none) == STUDIO_OK) && CHECK(studio_hints_render(ctx, s, &out) == STUDIO_OK))
      CHECKF(max_diff(&out, &plain) <= 1, "a session with no hints: %d levels from plain colorize", max_diff(&out, &plain));
    studio_image_free(&out);

    int cw = 0, ch = 0;
    const float *conf = studio_colorize_confidence(m, &cw, &ch);
    float cmin = 1.f, cmax = 0.f;
    for (int i = 0; conf && i < cw * ch; i++) { cmin = fminf(cmin, conf[i]); cmax = fmaxf(cmax, conf[i]); }
    printf("synthetic model: confidence %.3g..%.3g\n", cmin, cmax);

    /* a green hint on the dark side: colours change near it, not across the step */
    studio_hint_point g = {40, 72, 4, {20, 200, 40}};
    studio_hints hg = {W, H, 1, 0, &g, NULL};
    for (int pass = 0; pass < 2 && s; pass++) {
      /* pass 0: the default trust; pass 1: trust 1, the network's colours held everywhere but the hint */
      studio_hint_options o;
      studio_hint_defaults(&o);
      if (pass) {
        o.trust = 1.f;
        studio_hints_end(s);
        s = NULL;
        if (!CHECKF(studio_hints_begin(ctx, m, &photo, NULL, &o, &s) == STUDIO_OK, "%s", studio_error(ctx))) break;
      }
      if (!CHECK(studio_hints_update(ctx, s, &hg) == STUDIO_OK) || !CHECK(studio_hints_render(ctx, s, &out) == STUDIO_OK)) break;
      double near = 0;
      int nn = 0, across = 0, far = 0;
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
          int d = 0;
          for (int k = 0; k < 3; k++) d = abs(out.pixels[y * out.stride + 3 * x + k] - plain.pixels[y * plain.stride + 3 * x + k]) > d
                                               ? abs(out.pixels[y * out.stride + 3 * x + k] - plain.pixels[y * plain.stride + 3 * x + k]) : d;
          if (abs(x - 40) <= 4 && abs(y - 72) <= 4) { near += d; nn++; }
          if (x >= W / 2 + 4) across = d > across ? d : across;
          /* same side, far from the hint (beyond the hinted square at trust 1) */
          if (x < W / 2 - 4 && (abs(x - 40) > (pass ? 6 : 40) || abs(y - 72) > (pass ? 6 : 40))) far = d > far ? d : far;
        }
      near /= nn;
      float lab[3], hab[2];
      lab_at(&out, 40, 72, lab);
      es_hint_ab(g.rgb, hab);
      CHECKF(near > 10.0 && lab[1] < -20.f, "trust %g: the hint moved its pixels by %.1f levels on average (a* %g)", o.trust, near, lab[1]);
      /* the prior's floor keeps the correction from seeping across the step where the
       * network is unsure (the synthetic model's confidence is 0.002..0.1) */
      CHECKF(across <= 2, "trust %g: the hint changed the other side of the step by %d levels", o.trust, across);
      if (pass) CHECKF(far <= 2, "trust 1: pixels away from the hint moved %d levels from the network's colours", far);
      printf("model, trust %g: hint moves its pixels %.1f levels, across the step at most %d, far on its side at most %d\n", o.trust, near, across, far);
      studio_image_free(&out);
    }

    /* suggested colours at a spot of the last colorized photo */
    float sum = 0.f;
    int n = studio_colorize_suggest(m, 40, 72, 5, rgb, prob), sorted = 1;
    for (int i = 0; i < n; i++) { sum += prob[i]; if (i) sorted &= prob[i] <= prob[i - 1]; }
    CHECKF(n >= 1 && n <= 5 && sum <= 1.0001f && prob[0] > 0.f, "suggest: %d colours, probabilities summing to %g", n, sum);
    /* most likely first, by the merged groups' mass */
    CHECKF(sorted, "suggested colours not sorted by probability: %g %g %g %g %g", prob[0], n > 1 ? prob[1] : 0.f, n > 2 ? prob[2] : 0.f,
           n > 3 ? prob[3] : 0.f, n > 4 ? prob[4] : 0.f);
    /* colours that clip to nearly the same sRGB colour are one suggestion, not two swatches
     * that look alike (colorize.c merges within 12 levels, summed over R, G, B) */
    int closest = 3 * 255;
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++) {
        int d = abs(rgb[3 * i] - rgb[3 * j]) + abs(rgb[3 * i + 1] - rgb[3 * j + 1]) + abs(rgb[3 * i + 2] - rgb[3 * j + 2]);
        closest = d < closest ? d : closest;
      }
    CHECKF(closest > 12, "two suggested colours are only %d levels apart", closest);
    printf("suggest at (40, 72): %d colours, probabilities %.3g .. %.3g, closest pair %d levels apart\n", n, n ? prob[0] : 0.f, n ? prob[n - 1] : 0.f, closest);
    CHECK(studio_colorize_suggest(m, 40, 72, 2, rgb, NULL) <= 2);
  }
  studio_hints_end(s);
  studio_image_free(&plain);
  studio_image_free(&photo);
  studio_model_free(m);
}

int main(void) {
  fx_seed(0x9E3779B97F4A7C15ull);
  ctx = studio_create(NULL);
  solver_vs_direct();
  warm_equals_cold();
  hints_file();
  gamut();
  rasterising();
  session_no_model();
  with_model();
  studio_destroy(ctx);
  return check_summary("test_hints");
}
