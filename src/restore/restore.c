/* restore.c - studio_restore: options, and the schedule around the stages (fade.h). The
 * analysis reads a small copy; the result is three table lookups per pixel, in strips of
 * rows on the context's pool. */
#include "fade.h"
#include "../api/context.h"
#include "../core/options.h"
#include "../core/parallel.h"

#include <stddef.h>
#include <string.h>

void studio_restore_defaults(studio_restore_options *o) {
  o->strength = -1.f;
  o->contrast = 1.f;
}

static studio_status check(studio_ctx *ctx, const void *opt) {
  const studio_restore_options *o = opt;
  if (o->strength != -1.f) { ES_RANGE(ctx, "restore", o, strength, 0, 1) } /* -1: auto */
  ES_RANGE(ctx, "restore", o, contrast, 0, 1)
  return STUDIO_OK;
}

static const es_option_field fields[] = {
    {"strength", offsetof(studio_restore_options, strength), 0, 1},
    {"contrast", offsetof(studio_restore_options, contrast), 0, 0},
};
static const es_option_table table = {"restore", fields, sizeof fields / sizeof *fields, sizeof(studio_restore_options), "strength, contrast", check};

studio_status studio_restore_set(studio_ctx *ctx, studio_restore_options *o, const char *name, const char *value) {
  return es_options_set(ctx, &table, o, name, value);
}

static studio_status check_image(studio_ctx *ctx, const studio_image *in, const char *fn) {
  if (in->channels < 1 || in->channels > 4 || in->width < 1 || in->height < 1)
    return es_fail(ctx, STUDIO_E_ARGUMENT, "%s: invalid image (%dx%d, %d channels)", fn, in->width, in->height, in->channels);
  return STUDIO_OK;
}

/* A monochrome image has nothing to analyse: no dyes, no fade to speak of. */
static void monochrome(studio_fade_report *r) {
  memset(r, 0, sizeof *r);
  for (int c = 0; c < 3; c++) r->retention[c] = 1.f;
  r->gain = 1.f;
}

studio_status studio_restore_analyze(studio_ctx *ctx, const studio_image *in, studio_fade_report *out) {
  if (!ctx || !in || !in->pixels || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_restore_analyze: NULL argument") : STUDIO_E_ARGUMENT;
  studio_status s = check_image(ctx, in, "studio_restore_analyze");
  if (s) return s;
  if (in->channels < 3) { monochrome(out); return es_ok(ctx); }
  es_fade f;
  if ((s = es_fade_analyze(ctx, in, &f))) return s;
  es_fade_report(&f, out);
  return es_ok(ctx);
}

typedef struct {
  const studio_image *in;
  studio_image *out;
  uint8_t lut[3][256];
} apply_job;

static void apply_rows(void *arg, size_t start, size_t count) {
  const apply_job *j = arg;
  const int w = j->in->width, ch = j->in->channels;
  for (size_t y = start; y < start + count; y++) {
    const uint8_t *p = j->in->pixels + y * j->in->stride;
    uint8_t *q = j->out->pixels + y * j->out->stride;
    for (int x = 0; x < w; x++, p += ch, q += ch) {
      q[0] = j->lut[0][p[0]]; q[1] = j->lut[1][p[1]]; q[2] = j->lut[2][p[2]];
      if (ch == 4) q[3] = p[3];
    }
  }
}

studio_status studio_restore(studio_ctx *ctx, const studio_image *in, const studio_restore_options *opt_in, studio_image *out,
                             studio_fade_report *report) {
  if (!ctx || !in || !in->pixels || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_restore: NULL argument") : STUDIO_E_ARGUMENT;
  out->pixels = NULL;
  studio_status s = check_image(ctx, in, "studio_restore");
  if (s) return s;
  studio_restore_options opt;
  if (opt_in) opt = *opt_in; else studio_restore_defaults(&opt);
  if ((s = check(ctx, &opt))) return s;
  if (es_progress(ctx, "analyse", 0.f)) return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled");
  es_fade f;
  float strength = 0.f;
  studio_fade_report r;
  monochrome(&r);
  if (in->channels >= 3) {
    if ((s = es_fade_analyze(ctx, in, &f))) return s;
    es_fade_report(&f, &r);
    strength = opt.strength < 0.f ? f.strength : opt.strength;
  }
  if (report) *report = r;
  if ((s = studio_image_alloc(ctx, in->width, in->height, in->channels, out))) return s;
  if (strength == 0.f) { /* nothing to restore: the input, exactly */
    for (int y = 0; y < in->height; y++) memcpy(out->pixels + (size_t)y * out->stride, in->pixels + (size_t)y * in->stride, (size_t)in->width * in->channels);
    return es_ok(ctx);
  }
  if (es_progress(ctx, "restore", 0.1f)) { studio_image_free(out); return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled"); }
  apply_job j = {in, out, {{0}}};
  es_fade_curves(&f, strength, opt.contrast, j.lut);
  es_parallel_tiles(ctx->pool, (size_t)in->height, 64, apply_rows, &j);
  es_progress(ctx, "restore", 1.f);
  return es_ok(ctx);
}
