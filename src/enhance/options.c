/* options.c - the enhancer's defaults and the range check that names the offending option. */
#include "../api/context.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

/* name -> field; every option is a float but tiles. */
static const struct { const char *name; size_t offset; int is_int; } fields[] = {
    {"strength", offsetof(studio_enhance_options, strength), 0},
    {"denoise", offsetof(studio_enhance_options, denoise), 0},
    {"local_contrast", offsetof(studio_enhance_options, local_contrast), 0},
    {"clip_limit", offsetof(studio_enhance_options, clip_limit), 0},
    {"tiles", offsetof(studio_enhance_options, tiles), 1},
    {"sharpen", offsetof(studio_enhance_options, sharpen), 0},
    {"exposure", offsetof(studio_enhance_options, exposure), 0},
    {"shadows", offsetof(studio_enhance_options, shadows), 0},
    {"highlights", offsetof(studio_enhance_options, highlights), 0},
};

studio_status studio_enhance_set(studio_ctx *ctx, studio_enhance_options *o, const char *name, const char *value) {
  if (!ctx || !o || !name || !value) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_enhance_set: NULL argument") : STUDIO_E_ARGUMENT;
  char key[32];
  size_t n = 0;
  for (; name[n] && n + 1 < sizeof key; n++) key[n] = name[n] == '-' ? '_' : name[n];
  key[n] = 0;
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    if (strcmp(key, fields[i].name) != 0) continue;
    studio_enhance_options t = *o;
    char *end = NULL;
    /* denoise and shadows take "auto", stored as -1 */
    const int has_auto = strcmp(fields[i].name, "denoise") == 0 || strcmp(fields[i].name, "shadows") == 0;
    double v = has_auto && strcmp(value, "auto") == 0 ? -1.0 : strtod(value, &end);
    if (end && (end == value || *end))
      return es_fail(ctx, STUDIO_E_ARGUMENT, "enhance option %s needs a number, not '%s'", name, value);
    if (fields[i].is_int) {
      if (v != (int)v) return es_fail(ctx, STUDIO_E_ARGUMENT, "enhance option %s needs a whole number, not '%s'", name, value);
      *(int *)((char *)&t + fields[i].offset) = (int)v;
    } else {
      *(float *)((char *)&t + fields[i].offset) = (float)v;
    }
    studio_status s = es_enhance_check(ctx, &t);
    if (s) return s;
    *o = t;
    return es_ok(ctx);
  }
  return es_fail(ctx, STUDIO_E_ARGUMENT, "unknown enhance option '%s' (strength, denoise, local-contrast, clip-limit, tiles, sharpen, exposure, shadows, highlights)", name);
}

studio_status es_enhance_check(studio_ctx *ctx, const studio_enhance_options *o) {
#define RANGE(field, lo, hi)                                                                                     \
  if (!(o->field >= (lo) && o->field <= (hi)))                                                                   \
    return es_fail(ctx, STUDIO_E_ARGUMENT, "enhance option %s must be in %g..%g, not %g", #field, (double)(lo), \
                   (double)(hi), (double)o->field);
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
