/* cmd_restore.c - `studio restore IN OUT [options]` or `IN... -o DIR`: faded colour prints
 * restored. Options go to the core by name (studio_restore_set); --report prints what the
 * analysis found for each photo (retentions, stain, veil, strength) before its progress line. */
#include "batch.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  studio_restore_options opt;
  int report;
} state_t;

static int option(void *st, studio_ctx *ctx, const char *name, const char *value) {
  state_t *s = st;
  if (strcmp(name, "report") == 0) { s->report = 1; return 0; }
  if (studio_restore_set(ctx, &s->opt, name, value) == STUDIO_OK) return 0;
  fprintf(stderr, "studio: %s\n", studio_error(ctx));
  return 1;
}

static studio_status run(void *st, studio_ctx *ctx, const studio_image *in, studio_image *out) {
  state_t *s = st;
  studio_fade_report r;
  studio_status status = studio_restore(ctx, in, &s->opt, out, &r);
  if (status == STUDIO_OK && s->report)
    fprintf(stderr, "  retention %.3f %.3f %.3f, stain %.3f %.3f %.3f, veil %.4f, gain %.2f, evidence %.2f, colour %.2f, strength %.2f%s\n",
           r.retention[0], r.retention[1], r.retention[2], r.stain[0], r.stain[1], r.stain[2], r.veil, r.gain, r.evidence, r.colour,
           s->opt.strength < 0.f ? r.strength : s->opt.strength, s->opt.strength < 0.f ? " (auto)" : "");
  return status;
}

int es_cmd_restore(int argc, char **argv) {
  state_t s = {.report = 0};
  studio_restore_defaults(&s.opt);
  static const char *const flags[] = {"report", NULL};
  es_batch_command cmd = {"restored", option, NULL, run, &s, flags, NULL, NULL};
  return es_run_batch(&cmd, argc, argv);
}
