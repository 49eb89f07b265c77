/* options.c - see options.h. */
#include "options.h"
#include "../api/context.h"

#include <stdlib.h>
#include <string.h>

studio_status es_options_set(studio_ctx *ctx, const es_option_table *t, void *opt, const char *name, const char *value) {
  if (!ctx || !opt || !name || !value) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_%s_set: NULL argument", t->job) : STUDIO_E_ARGUMENT;
  char key[32];
  size_t n = 0;
  for (; name[n] && n + 1 < sizeof key; n++) key[n] = name[n] == '-' ? '_' : name[n];
  key[n] = 0;
  for (size_t i = 0; i < t->n_fields; i++) {
    const es_option_field *f = &t->fields[i];
    if (strcmp(key, f->name) != 0) continue;
    unsigned char trial[256]; /* the options with this one changed, checked before they are kept */
    if (t->size > sizeof trial) return es_fail(ctx, STUDIO_E_INTERNAL, "%s options too large", t->job);
    memcpy(trial, opt, t->size);
    char *end = NULL;
    double v = f->has_auto && strcmp(value, "auto") == 0 ? -1.0 : strtod(value, &end);
    if (end && (end == value || *end))
      return es_fail(ctx, STUDIO_E_ARGUMENT, "%s option %s needs a number%s, not '%s'", t->job, name, f->has_auto ? " or auto" : "", value);
    if (f->is_int) {
      if (v != (int)v) return es_fail(ctx, STUDIO_E_ARGUMENT, "%s option %s needs a whole number, not '%s'", t->job, name, value);
      int iv = (int)v;
      memcpy(trial + f->offset, &iv, sizeof iv);
    } else {
      float fv = (float)v;
      memcpy(trial + f->offset, &fv, sizeof fv);
    }
    studio_status s = t->check(ctx, trial);
    if (s) return s;
    memcpy(opt, trial, t->size);
    return es_ok(ctx);
  }
  return es_fail(ctx, STUDIO_E_ARGUMENT, "unknown %s option '%s' (%s)", t->job, name, t->names);
}
