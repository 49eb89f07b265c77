/* options.c - the enhancer's defaults and the range check that names the offending option. */
#include "../api/context.h"
#include "../core/options.h"

#include <stddef.h>

studio_status es_enhance_check(studio_ctx *ctx, const studio_enhance_options *o);

void studio_enhance_defaults(studio_enhance_options *o) {
  o->strength = 1.f;
  o->denoise = -1.f;
  o->local_contrast = 0.25f;
  o->clip_limit = 2.f;
  o->tiles = 8;
  o->sharpen = 0.4f;
  o->exposure = 0.18f;
  o->shadows = -1.f;
  o->highlights = 0.f;
}

static studio_status check(studio_ctx *ctx, const void *opt) { return es_enhance_check(ctx, opt); }

/* name -> field; every option is a float but tiles; denoise and shadows take "auto" (-1). */
static const es_option_field fields[] = {
    {"strength", offsetof(studio_enhance_options, strength), 0, 0},
    {"denoise", offsetof(studio_enhance_options, denoise), 0, 1},
    {"local_contrast", offsetof(studio_enhance_options, local_contrast), 0, 0},
    {"clip_limit", offsetof(studio_enhance_options, clip_limit), 0, 0},
    {"tiles", offsetof(studio_enhance_options, tiles), 1, 0},
    {"sharpen", offsetof(studio_enhance_options, sharpen), 0, 0},
    {"exposure", offsetof(studio_enhance_options, exposure), 0, 0},
    {"shadows", offsetof(studio_enhance_options, shadows), 0, 1},
    {"highlights", offsetof(studio_enhance_options, highlights), 0, 0},
};
static const es_option_table table = {"enhance", fields, sizeof fields / sizeof *fields, sizeof(studio_enhance_options),
                                      "strength, denoise, local-contrast, clip-limit, tiles, sharpen, exposure, shadows, highlights", check};

studio_status studio_enhance_set(studio_ctx *ctx, studio_enhance_options *o, const char *name, const char *value) {
  return es_options_set(ctx, &table, o, name, value);
}

studio_status es_enhance_check(studio_ctx *ctx, const studio_enhance_options *o) {
#define RANGE(field, lo, hi) ES_RANGE(ctx, "enhance", o, field, lo, hi)
  RANGE(strength, 0, 1)
  if (o->denoise != -1.f) { RANGE(denoise, 0, 1) } /* -1: auto */
  RANGE(local_contrast, 0, 1)
  RANGE(clip_limit, 1, 8)
  RANGE(tiles, 2, 32)
  RANGE(sharpen, 0, 2)
  RANGE(exposure, 0.05, 0.5)
  if (o->shadows != -1.f) { RANGE(shadows, 0, 1) } /* -1: auto */
  RANGE(highlights, 0, 1)
#undef RANGE
  return STUDIO_OK;
}
