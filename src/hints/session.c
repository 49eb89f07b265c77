/* session.c - colour hints on one photo: the working grid, the network's colours as a prior,
 * the solve, the preview and the full-resolution result (studio.h describes the maths).
 *
 * Without a model the unknown is the colour itself: hinted cells hold their colour and the
 * rest follow their neighbours of similar lightness. With a model the unknown is the
 * correction to the network's colours: hinted cells hold (hint - network), the correction
 * spreads along the same edges and is pulled back to zero by a prior weighted by the
 * network's confidence and `trust`. No hints -> no correction -> exactly plain colorize. */
#include "raster.h"
#include "solver.h"
#include "../api/context.h"
#include "../color/color.h"
#include "../colorize/colorize_internal.h"
#include "../core/parallel.h"
#include "../resample/resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Without a model, a whisper of a pull toward grey keeps the system definite far from any
 * hint without visibly fading the colours there. */
#define NO_MODEL_PRIOR 1e-7f
/* The prior's strongest weight (trust 1, full confidence): that of a hinted cell, so the
 * network's confident colours then move only where a hint lies. */
#define PRIOR_MAX 1000.f
#define MAX_ITERATIONS 300

struct studio_hint_session {
  const studio_image *photo;
  studio_model *model;          /* NULL: hints alone */
  studio_colorize_options copt;
  studio_hint_options hopt;
  int ww, wh;                   /* working grid */
  studio_image small;           /* the photo at the working size (pixels NULL: it is the photo) */
  float *L;                     /* [ww*wh] its lightness */
  es_ab_field net;              /* the network's ab at its own grid (model only) */
  float *net_work, *conf_work;  /* [ww*wh*2], [ww*wh]: the same at the working grid */
  float *hint_ab;               /* [ww*wh*2] scratch: the painted hints */
  float *shown;                 /* [ww*wh*2] the solution as shown: fitted into the gamut */
  es_solver solver;
  long painted;                 /* cells the current hints cover */
  float solved_to;              /* the tolerance the current solution was solved to */
};

/* Without a model, colours outside sRGB (a hint's chroma on a lightness that cannot hold it)
 * are mapped by reducing their chroma at that lightness, so the hue the user chose is the hue
 * shown: on the working grid, once per solve (per pixel at 12 MP it cost more than the rest of
 * the output pass; where the full-resolution L differs, the usual clamp finishes the job).
 * With a model, the output stays plain colorize's wherever the hints do not reach, so it is
 * clamped as OpenCV's sample clamps (the network's colours are in gamut but for noise). */
static void fit_rows(void *arg, size_t y0, size_t count) {
  studio_hint_session *s = arg;
  const float *x = s->solver.x;
  const int fit = s->painted > 0 && !s->model;
  for (size_t i = y0 * s->ww; i < (y0 + count) * s->ww; i++) {
    float f = fit ? es_lab_chroma_fit(s->L[i], x[2 * i], x[2 * i + 1]) : 1.f;
    s->shown[2 * i] = f * x[2 * i];
    s->shown[2 * i + 1] = f * x[2 * i + 1];
  }
}

static void fit_gamut(studio_hint_session *s) { es_parallel_tiles(s->solver.pool, (size_t)s->wh, 16, fit_rows, s); }

static const studio_image *small_of(const studio_hint_session *s) { return s->small.pixels ? &s->small : s->photo; }

static studio_status check_options(studio_ctx *ctx, const studio_hint_options *o) {
  if (!(o->trust >= 0.f && o->trust <= 1.f)) return es_fail(ctx, STUDIO_E_ARGUMENT, "hints option trust must be in 0..1, not %g", (double)o->trust);
  if (!(o->work_megapixels >= 0.01f && o->work_megapixels <= 16.f))
    return es_fail(ctx, STUDIO_E_ARGUMENT, "hints option work size must be in 0.01..16 megapixels, not %g", (double)o->work_megapixels);
  if (!(o->tolerance >= 1e-6f && o->tolerance <= 1.f)) return es_fail(ctx, STUDIO_E_ARGUMENT, "hints option tolerance must be in 1e-6..1, not %g", (double)o->tolerance);
  if (!(o->preview_tolerance >= 1e-6f && o->preview_tolerance <= 1.f))
    return es_fail(ctx, STUDIO_E_ARGUMENT, "hints option preview tolerance must be in 1e-6..1, not %g", (double)o->preview_tolerance);
  return STUDIO_OK;
}

void studio_hints_end(studio_hint_session *s) {
  if (!s) return;
  studio_image_free(&s->small);
  free(s->L); free((void *)s->net.ab); free(s->net_work); free(s->conf_work); free(s->hint_ab); free(s->shown);
  es_solver_free(&s->solver);
  free(s);
}

void studio_hints_stats(const studio_hint_session *s, int *work_w, int *work_h, int *iterations, float *error) {
  if (work_w) *work_w = s ? s->ww : 0;
  if (work_h) *work_h = s ? s->wh : 0;
  if (iterations) *iterations = s ? s->solver.iterations : 0;
  if (error) *error = s ? s->solver.error : 0.f;
}

/* The working grid's lightness, from the photo shrunk with the area filter. */
static void lightness(const studio_image *img, float *L) {
  es_l8_table t;
  es_l8_init(&t);
  const int c = img->channels;
  for (int y = 0; y < img->height; y++) {
    const uint8_t *p = img->pixels + (size_t)y * img->stride;
    for (int x = 0; x < img->width; x++, p += c) L[(size_t)y * img->width + x] = es_l8(&t, p, c);
  }
}

/* A float field of the network's grid enlarged bilinearly to the working grid. */
static int enlarge(studio_ctx *ctx, const float *src, int q, int channels, int ww, int wh, float *dst) {
  es_axis ax = {0}, ay = {0};
  int rc = es_axis_bilinear(&ax, q, ww) || es_axis_bilinear(&ay, q, wh);
  if (!rc) {
    es_resample_job job = {src, ES_F32, sizeof(float) * channels * (size_t)q, q, q, dst, ES_F32, sizeof(float) * channels * (size_t)ww, channels};
    rc = es_resample(ctx->pool, &job, &ax, &ay);
  }
  es_axis_free(&ax); es_axis_free(&ay);
  return rc;
}

studio_status studio_hints_begin(studio_ctx *ctx, studio_model *m, const studio_image *photo, const studio_colorize_options *copt,
                                 const studio_hint_options *hopt, studio_hint_session **out) {
  if (!ctx || !photo || !photo->pixels || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_hints_begin: NULL argument") : STUDIO_E_ARGUMENT;
  *out = NULL;
  studio_hint_session *s = calloc(1, sizeof *s);
  if (!s) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  s->photo = photo; s->model = m;
  if (copt) s->copt = *copt; else studio_colorize_defaults(&s->copt);
  if (hopt) s->hopt = *hopt; else studio_hint_defaults(&s->hopt);
  studio_status st = check_options(ctx, &s->hopt);
  if (st) { studio_hints_end(s); return st; }
  const int w = photo->width, h = photo->height;
  double scale = sqrt(s->hopt.work_megapixels * 1e6 / ((double)w * h));
  if (scale >= 1.0) { s->ww = w; s->wh = h; }
  else {
    s->ww = (int)lround(w * scale); s->wh = (int)lround(h * scale);
    s->ww = s->ww < 1 ? 1 : s->ww; s->wh = s->wh < 1 ? 1 : s->wh;
    if ((st = studio_resize(ctx, photo, s->ww, s->wh, STUDIO_RESIZE_AREA, &s->small))) { studio_hints_end(s); return st; }
  }
  const int ww = s->ww, wh = s->wh;
  const size_t n = (size_t)ww * wh;
  s->L = malloc(sizeof(float) * n);
  s->hint_ab = malloc(sizeof(float) * 2 * n);
  s->shown = calloc(2 * n, sizeof(float));
  if (!s->L || !s->hint_ab || !s->shown) { studio_hints_end(s); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory for colour hints on a %dx%d grid", ww, wh); }
  lightness(small_of(s), s->L);
  if (m) {
    if ((st = es_colorize_ab(ctx, m, photo, &s->copt, &s->net))) { studio_hints_end(s); return st; }
    int q = s->net.w;
    s->net_work = malloc(sizeof(float) * 2 * n);
    s->conf_work = malloc(sizeof(float) * n);
    if (!s->net_work || !s->conf_work || enlarge(ctx, s->net.ab, q, 2, s->ww, s->wh, s->net_work) ||
        enlarge(ctx, studio_colorize_confidence(m, NULL, NULL), q, 1, s->ww, s->wh, s->conf_work)) {
      studio_hints_end(s);
      return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
    }
  }
  if (es_solver_init(&s->solver, ctx->pool, s->L, ww, wh)) {
    studio_hints_end(s);
    return es_fail(ctx, STUDIO_E_NOMEM, "out of memory for colour hints on a %dx%d grid", ww, wh);
  }
  *out = s;
  return es_ok(ctx);
}

/* The prior's weight at confidence c (rows of the system are normalised: a cell's
 * neighbours weigh 1 in all): the correction decays over about (1 - trust) * a quarter of
 * the grid's diagonal where the network is sure, and up to twice as far where it has no
 * idea; never without bound, so a correction does not seep across a strong edge into a
 * whole other region just because the network was unsure there. */
static float prior_weight(const studio_hint_session *s, float c) {
  float t = s->hopt.trust;
  if (t >= 1.f) return PRIOR_MAX;
  float reach = (1.f - t) * 0.25f * sqrtf((float)s->ww * s->ww + (float)s->wh * s->wh);
  float p = (0.25f + 0.75f * c) * t / (reach * reach);
  return p < PRIOR_MAX ? p : PRIOR_MAX;
}

studio_status studio_hints_update(studio_ctx *ctx, studio_hint_session *s, const studio_hints *h) {
  if (!ctx || !s || !h) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_hints_update: NULL argument") : STUDIO_E_ARGUMENT;
  studio_status st = studio_hints_check(ctx, h, s->photo->width, s->photo->height);
  if (st) return st;
  es_solver *v = &s->solver;
  const size_t n = (size_t)s->ww * s->wh;
  memset(v->fixed, 0, n);
  s->painted = es_hints_raster(h, s->ww, s->wh, v->fixed, s->hint_ab);
  for (size_t i = 0; i < n; i++) {
    float *t = v->target + 2 * i;
    if (v->fixed[i]) {
      t[0] = s->hint_ab[2 * i] - (s->net_work ? s->net_work[2 * i] : 0.f);
      t[1] = s->hint_ab[2 * i + 1] - (s->net_work ? s->net_work[2 * i + 1] : 0.f);
    } else {
      t[0] = t[1] = 0.f;
      v->prior[i] = s->conf_work ? prior_weight(s, s->conf_work[i]) : NO_MODEL_PRIOR;
    }
  }
  if (!s->painted) {
    /* nothing to propagate: no correction (plain colorize), or grey */
    memset(v->x, 0, sizeof(float) * 2 * n);
    v->iterations = 0; v->error = 0.f;
    s->solved_to = 0.f;
    fit_gamut(s);
    return es_ok(ctx);
  }
  es_solver_solve(v, s->hopt.preview_tolerance, MAX_ITERATIONS);
  s->solved_to = s->hopt.preview_tolerance;
  fit_gamut(s);
  return es_ok(ctx);
}

/* A result wants the final tolerance: carry on from the preview's answer when needed. */
static void finish(studio_hint_session *s) {
  if (s->solved_to <= s->hopt.tolerance) return;
  es_solver_solve(&s->solver, s->hopt.tolerance, MAX_ITERATIONS);
  s->solved_to = s->hopt.tolerance;
  fit_gamut(s);
}

static void fields(const studio_hint_session *s, int working, es_ab_field *base, es_ab_field *corr) {
  *base = working ? (es_ab_field){s->net_work, s->ww, s->wh, NULL, 0} : s->net;
  *corr = (es_ab_field){s->shown, s->ww, s->wh, s->L, 2};
}

studio_status studio_hints_preview(studio_ctx *ctx, studio_hint_session *s, studio_image *out) {
  if (!ctx || !s || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_hints_preview: NULL argument") : STUDIO_E_ARGUMENT;
  es_ab_field base, corr;
  fields(s, 1, &base, &corr);
  return es_colorize_render(ctx, small_of(s), s->model ? &base : NULL, &corr, out);
}

studio_status studio_hints_render(studio_ctx *ctx, studio_hint_session *s, studio_image *out) {
  if (!ctx || !s || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_hints_render: NULL argument") : STUDIO_E_ARGUMENT;
  finish(s);
  es_ab_field base, corr;
  fields(s, 0, &base, &corr);
  return es_colorize_render(ctx, s->photo, s->model ? &base : NULL, &corr, out);
}

studio_status studio_colorize_hints(studio_ctx *ctx, studio_model *m, const studio_image *in, const studio_colorize_options *copt,
                                    const studio_hints *hints, const studio_hint_options *hopt, studio_image *out) {
  if (!ctx || !in || !hints || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_colorize_hints: NULL argument") : STUDIO_E_ARGUMENT;
  out->pixels = NULL;
  studio_status st = studio_hints_check(ctx, hints, in->width, in->height);
  if (st) return st;
  /* with a model and nothing to add, the answer is plain colorize, without the grid */
  if (m && hints->n_points == 0 && hints->n_strokes == 0) return studio_colorize(ctx, m, in, copt, out);
  /* the preview's tolerance first, then on to the final one: BiCGSTAB gets there sooner in
   * two legs than in one (12 MP, 50 hints: 1.1 s against 7.7 s in WASM on 2 threads) */
  studio_hint_session *s;
  if ((st = studio_hints_begin(ctx, m, in, copt, hopt, &s))) return st;
  if (!(st = studio_hints_update(ctx, s, hints))) st = studio_hints_render(ctx, s, out);
  studio_hints_end(s);
  return st;
}
